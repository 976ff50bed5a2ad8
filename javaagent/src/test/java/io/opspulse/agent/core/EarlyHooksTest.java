package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.bootstrap.Recorder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks woven with ASM alone into a pool class that loads before ByteBuddy is ready: the real
 * libraries' classes, woven and loaded in a class loader of their own, report the instances they
 * make to {@link Hooks} exactly as the ByteBuddy advice does.
 */
class EarlyHooksTest {
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  record Call(String method, List<Object> args) {}

  @BeforeEach
  void recordHooks() {
    Hooks.install(
        (Recorder)
            Proxy.newProxyInstance(
                Recorder.class.getClassLoader(),
                new Class<?>[] {Recorder.class},
                (proxy, method, args) -> {
                  calls.add(
                      new Call(method.getName(), args == null ? List.of() : Arrays.asList(args)));
                  return null;
                }));
  }

  @AfterEach
  void uninstall() {
    Hooks.install(null);
  }

  private static AgentConfig config(String instrument) {
    return new ConfigResolver(
            "instrument=" + instrument, Map.of("java.io.tmpdir", "/tmp"), Map.of())
        .resolve();
  }

  private static EarlyHooks all() {
    return EarlyHooks.of(config("all"));
  }

  @Test
  void jettysThreadPoolReportsItselfWhenMade() throws Exception {
    ClassLoader loader = new WeavingLoader("org.eclipse.jetty.", all());
    Object pool =
        loader
            .loadClass("org.eclipse.jetty.util.thread.QueuedThreadPool")
            .getConstructor()
            .newInstance();
    assertThat(calls)
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.method()).isEqualTo("executorCreated");
              assertThat(c.args()).containsExactly(pool);
            });
  }

  @Test
  void hikariReportsThePoolAndItsConfiguration() throws Exception {
    ClassLoader loader = new WeavingLoader("com.zaxxer.hikari.", all());
    Class<?> configClass = loader.loadClass(HikariConfig.class.getName());
    Object config = configClass.getConstructor().newInstance();
    configClass.getMethod("setJdbcUrl", String.class).invoke(config, "jdbc:h2:mem:early-hooks");
    configClass.getMethod("setPoolName", String.class).invoke(config, "early");
    Class<?> poolClass = loader.loadClass("com.zaxxer.hikari.pool.HikariPool");
    Object pool = poolClass.getConstructor(configClass).newInstance(config);
    try {
      assertThat(calls).containsExactly(new Call("connectionPoolCreated", List.of(pool, config)));
    } finally {
      poolClass.getMethod("shutdown").invoke(pool);
    }
  }

  @Test
  void tomcatJdbcReportsThePoolByItsClassName() throws Exception {
    ClassLoader loader = new WeavingLoader("org.apache.tomcat.jdbc.", all());
    Class<?> propsClass = loader.loadClass("org.apache.tomcat.jdbc.pool.PoolProperties");
    Object props = propsClass.getConstructor().newInstance();
    propsClass.getMethod("setUrl", String.class).invoke(props, "jdbc:h2:mem:early-hooks-tomcat");
    propsClass.getMethod("setDriverClassName", String.class).invoke(props, "org.h2.Driver");
    Class<?> poolClass = loader.loadClass("org.apache.tomcat.jdbc.pool.ConnectionPool");
    Object pool =
        poolClass
            .getConstructor(loader.loadClass("org.apache.tomcat.jdbc.pool.PoolConfiguration"))
            .newInstance(props);
    try {
      assertThat(calls)
          .containsExactly(
              new Call(
                  "connectionPoolOpened",
                  List.of("org.apache.tomcat.jdbc.pool.ConnectionPool", pool)));
    } finally {
      java.lang.reflect.Method close =
          poolClass.getDeclaredMethod("close", boolean.class); // protected
      close.setAccessible(true);
      close.invoke(pool, true);
    }
  }

  @Test
  void onlyTheEnabledInstrumentationsTargetsGetHooks() throws IOException {
    byte[] jetty = bytes("org/eclipse/jetty/util/thread/QueuedThreadPool");
    assertThat(all().weave("org/eclipse/jetty/util/thread/QueuedThreadPool", jetty)).isNotNull();
    assertThat(
            EarlyHooks.of(config("-executor"))
                .weave("org/eclipse/jetty/util/thread/QueuedThreadPool", jetty))
        .isNull();
    assertThat(
            all()
                .weave(
                    "org/eclipse/jetty/util/thread/ReservedThreadExecutor",
                    bytes("org/eclipse/jetty/util/thread/ReservedThreadExecutor")))
        .isNull();
    assertThat(all().classes())
        .contains(
            "java/util/concurrent/ThreadPoolExecutor",
            "java/util/concurrent/ForkJoinPool",
            "org/apache/tomcat/util/threads/ThreadPoolExecutor",
            "com/zaxxer/hikari/pool/HikariPool",
            "org/apache/commons/dbcp2/BasicDataSource",
            "io/agroal/pool/ConnectionPool",
            "org/springframework/boot/devtools/restart/classloader/RestartClassLoader",
            "org/xnio/XnioWorker");
  }

  @Test
  void everyHookedClassIsOneTheGatePassesByName() {
    AgentConfig config = config("all");
    assertThat(ClassGate.exactNames(config)).containsAll(EarlyHooks.of(config).classes());
  }

  @Test
  void everyAdviceThatRegistersAnInstanceDeclaresItsEarlyHookAndNoOtherDoes() {
    // The advice whose one call registers the instance being made, and the early hook making that
    // call.
    Map<String, EarlyHook> registering =
        Map.of(
            "io.opspulse.agent.advice.ExecutorConstructorAdvice", EarlyHook.EXECUTOR_CREATED,
            "io.opspulse.agent.advice.HikariPoolAdvice", EarlyHook.HIKARI_POOL_CREATED,
            "io.opspulse.agent.advice.ConnectionPoolOpenedAdvice", EarlyHook.POOL_OPENED,
            "io.opspulse.agent.advice.RestartClassLoaderAdvice", EarlyHook.RESTART_LOADER_CREATED);
    int declared = 0;
    for (TypeInstrumentation instrumentation : Instrumentations.all()) {
      for (TypeInstrumentation.MethodAdvice advice : instrumentation.advice()) {
        assertThat(advice.earlyHook())
            .as(instrumentation.getClass().getSimpleName() + " " + advice.adviceClass())
            .isEqualTo(registering.get(advice.adviceClass()));
        if (advice.earlyHook() != null) {
          declared++;
          assertThat(instrumentation.target().byName())
              .as("an early hook needs a target by name")
              .isTrue();
        }
      }
    }
    assertThat(declared).isEqualTo(10);
  }

  @Test
  void theXnioWorkerReportsItselfWhenMade() throws Exception {
    ClassLoader loader = new WeavingLoader("org.xnio.", all());
    Class<?> xnio = loader.loadClass("org.xnio.Xnio");
    Object nio = xnio.getMethod("getInstance", ClassLoader.class).invoke(null, loader);
    Object builder = xnio.getMethod("createWorkerBuilder").invoke(nio);
    Class<?> builderClass = loader.loadClass("org.xnio.XnioWorker$Builder");
    builderClass.getMethod("setWorkerName", String.class).invoke(builder, "early-xnio");
    Object worker = builderClass.getMethod("build").invoke(builder);
    try {
      assertThat(calls).containsExactly(new Call("executorCreated", List.of(worker)));
    } finally {
      loader.loadClass("org.xnio.XnioWorker").getMethod("shutdownNow").invoke(worker);
    }
  }

  private static byte[] bytes(String internalName) throws IOException {
    try (InputStream in =
        EarlyHooksTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
      assertThat(in).as(internalName).isNotNull();
      return in.readAllBytes();
    }
  }

  /**
   * Defines a library's classes itself (woven where the hooks say), everything else from its
   * parent.
   */
  private static final class WeavingLoader extends ClassLoader {
    private final String prefix;
    private final EarlyHooks hooks;
    private final Map<String, Class<?>> defined = new java.util.HashMap<>();

    WeavingLoader(String prefix, EarlyHooks hooks) {
      super(EarlyHooksTest.class.getClassLoader());
      this.prefix = prefix;
      this.hooks = hooks;
    }

    @Override
    protected synchronized Class<?> loadClass(String name, boolean resolve)
        throws ClassNotFoundException {
      if (!name.startsWith(prefix)) {
        return super.loadClass(name, resolve);
      }
      Class<?> c = defined.get(name);
      if (c == null) {
        String internal = name.replace('.', '/');
        byte[] b;
        try (InputStream in = getParent().getResourceAsStream(internal + ".class")) {
          if (in
              == null) { // a class the library only looks for (jboss-logging's localised loggers)
            throw new ClassNotFoundException(name);
          }
          b = in.readAllBytes();
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
        byte[] woven = hooks.weave(internal, b);
        byte[] use = woven == null ? b : woven;
        c = defineClass(name, use, 0, use.length);
        defined.put(name, c);
      }
      return c;
    }
  }
}
