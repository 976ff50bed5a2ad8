package io.opspulse.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import io.opspulse.agent.bootstrap.Hooks;
import io.opspulse.agent.bootstrap.Recorder;
import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.reflect.Proxy;
import java.security.ProtectionDomain;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * The calls {@link HookWeaver} weaves, as the JVM runs them: the real libraries' classes, woven by
 * the gate and defined in a class loader of their own (so the JVM verifies them), report to {@link
 * Hooks} what they make and do; and methods of every shape (loops at their start, their own
 * catches, wide locals, two advice on one method) keep behaving as they did.
 */
class HookWeaverTest {
  private static final ClassLoader LOADER = HookWeaverTest.class.getClassLoader();
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

  private static ClassGate all() {
    return new ClassGate(config("all"), new AgentErrors());
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
      // The pool's initial connections are borrowed (timed) while it is made; then it reports
      // itself.
      assertThat(calls)
          .filteredOn(c -> !c.method().equals("connectionAcquired"))
          .containsExactly(
              new Call(
                  "connectionPoolOpened",
                  List.of("org.apache.tomcat.jdbc.pool.ConnectionPool", pool)));
      assertThat(calls)
          .filteredOn(c -> c.method().equals("connectionAcquired"))
          .allSatisfy(c -> assertThat(c.args()).element(1).isSameAs(pool));
    } finally {
      java.lang.reflect.Method close =
          poolClass.getDeclaredMethod("close", boolean.class); // protected
      close.setAccessible(true);
      close.invoke(pool, true);
    }
  }

  @Test
  void aStatementThatThrowsIsRecordedWithItsErrorAndTheCallerStillGetsIt() throws Exception {
    ClassLoader loader = new WeavingLoader("org.h2.", all());
    Driver driver = (Driver) loader.loadClass("org.h2.Driver").getConstructor().newInstance();
    Throwable thrown;
    try (Connection c = driver.connect("jdbc:h2:mem:hook-weaver", new Properties());
        Statement st = c.createStatement()) {
      st.execute("create table t(x int)");
      thrown = catchThrowable(() -> st.executeQuery("select nope from t"));
      c.prepareStatement("select x from t").close();
    }
    assertThat(thrown).isInstanceOf(SQLException.class);
    List<Call> statements = calls.stream().filter(c -> c.method().equals("dbStatement")).toList();
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).args()).element(3).isEqualTo("create table t(x int)");
    assertThat(statements.get(0).args()).element(4).isNull();
    assertThat(statements.get(1).args()).element(3).isEqualTo("select nope from t");
    assertThat(statements.get(1).args()).element(4).isSameAs(thrown);
    assertThat(calls)
        .filteredOn(c -> c.method().equals("statementPrepared"))
        .singleElement()
        .satisfies(c -> assertThat(c.args()).element(1).isEqualTo("select x from t"));
  }

  /** Two timed advice on each method of {@link WovenSubject}, and a hook in its constructor. */
  private static final List<MethodAdvice> SUBJECT_ADVICE =
      List.of(
          CommonAdvice.connectionWait(
              MethodSpec.named("sumCatchingItsOwn", "wide", "failsOnEmpty")),
          CommonAdvice.connectionWait(MethodSpec.named("failsOnEmpty")),
          CommonAdvice.executorCreated(MethodSpec.constructor()));

  private Object subject(ClassLoader loader, String name) throws Exception {
    return loader
        .loadClass(WovenSubject.class.getName())
        .getConstructor(String.class)
        .newInstance(name);
  }

  private static ClassLoader subjectLoader() {
    return new WeavingLoader(
        WovenSubject.class.getName(),
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              ClassLoader loader,
              String name,
              Class<?> redefined,
              ProtectionDomain domain,
              byte[] bytes) {
            return HookWeaver.weave(name, bytes, SUBJECT_ADVICE);
          }
        });
  }

  @Test
  void wovenMethodsReturnWhatTheyReturnedAndTheirOwnCatchesStillWin() throws Exception {
    ClassLoader loader = subjectLoader();
    Object subject = subject(loader, "s");
    Object nameless = subject(loader, null);
    Class<?> type = subject.getClass();
    assertThat(type.getMethod("sumCatchingItsOwn", int.class).invoke(subject, 6))
        .isEqualTo(new WovenSubject("s").sumCatchingItsOwn(6));
    assertThat(
            type.getMethod("wide", long.class, double.class, String.class)
                .invoke(null, 5L, 9.0, "abc"))
        .isEqualTo(WovenSubject.wide(5L, 9.0, "abc"));
    assertThat(
            type.getMethod("wide", long.class, double.class, String.class)
                .invoke(null, 5L, 9.0, null))
        .isEqualTo(-1L);
    assertThat(type.getMethod("failsOnEmpty", String.class).invoke(subject, "x")).isEqualTo("s:x");
    assertThat(type.getMethod("name").invoke(nameless)).isEqualTo("unnamed");
    assertThat(calls)
        .extracting(Call::method)
        .containsExactly(
            "executorCreated", // each constructor return, the early one included
            "executorCreated",
            "connectionAcquired", // sumCatchingItsOwn: its own catch is no throw
            "connectionAcquired", // wide, twice
            "connectionAcquired",
            "connectionAcquired", // failsOnEmpty: the inner advice, then the outer
            "connectionAcquired");
    assertThat(calls.get(0).args()).containsExactly(subject);
    assertThat(calls.get(1).args()).containsExactly(nameless);
    assertThat(calls.subList(2, 7)).allSatisfy(c -> assertThat(c.args()).element(2).isNull());
    assertThat(calls.get(3).args()).element(1).isNull(); // a static method has no instance
  }

  @Test
  void onAThrowEveryExitRunsInnermostFirstAndTheSameExceptionReachesTheCaller() throws Exception {
    ClassLoader loader = subjectLoader();
    Object subject = subject(loader, "s");
    calls.clear();
    Throwable thrown =
        catchThrowable(
            () -> subject.getClass().getMethod("failsOnEmpty", String.class).invoke(subject, ""));
    assertThat(thrown).isInstanceOf(java.lang.reflect.InvocationTargetException.class);
    Throwable cause = thrown.getCause();
    assertThat(cause).isInstanceOf(IllegalArgumentException.class).hasMessage("empty");
    assertThat(calls)
        .hasSize(2)
        .allSatisfy(
            c -> {
              assertThat(c.method()).isEqualTo("connectionAcquired");
              assertThat(c.args()).element(1).isSameAs(subject);
              assertThat(c.args()).element(2).isSameAs(cause);
            });
    // Inner first: the inner advice's enter ran last, so its wait is the shorter.
    assertThat((long) calls.get(0).args().get(0))
        .isLessThanOrEqualTo((long) calls.get(1).args().get(0));
  }

  /**
   * Every class of every library on the test class path that the gate selects (servlets and
   * filters, JDBC drivers' and pools' statements and connections, thread pools, clients), woven and
   * defined in a loader of its jar's own, passes the JVM's verifier.
   */
  @Test
  void everyClassTheGateSelectsInTheTestedLibrariesPassesTheVerifier() throws Exception {
    ClassGate gate = all();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> verified = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(entry)) {
        List<String> selected = new ArrayList<>();
        for (JarEntry e : Collections.list(jar.entries())) {
          String name = e.getName();
          if (!name.endsWith(".class")
              || name.startsWith("META-INF/")
              || name.endsWith("module-info.class")) {
            continue;
          }
          String internal = name.substring(0, name.length() - ".class".length());
          byte[] bytes;
          try (InputStream in = jar.getInputStream(e)) {
            bytes = in.readAllBytes();
          }
          if (!gate.adviceFor(LOADER, internal, bytes).isEmpty()) {
            selected.add(internal);
          }
        }
        ClassLoader loader = new JarFirstLoader(jar, gate);
        for (String internal : selected) {
          try {
            Class.forName(internal.replace('/', '.'), true, loader);
            verified.add(internal);
          } catch (VerifyError | ClassFormatError e) {
            refused.add(internal + ": " + e);
          } catch (LinkageError | ClassNotFoundException e) {
            // an optional dependency of the library that the test class path lacks: not ours
          }
        }
      }
    }
    assertThat(refused).isEmpty();
    assertThat(verified)
        .hasSizeGreaterThan(40)
        .contains(
            "org/h2/jdbc/JdbcStatement",
            "org/h2/jdbc/JdbcPreparedStatement",
            "com/zaxxer/hikari/pool/HikariPool",
            "com/zaxxer/hikari/pool/HikariProxyConnection",
            "org/eclipse/jetty/util/thread/QueuedThreadPool",
            "org/apache/hc/client5/http/impl/classic/InternalHttpClient",
            "okhttp3/internal/connection/RealCall",
            "jakarta/servlet/http/HttpServlet");
  }

  /**
   * Defines every class of one jar itself (woven where the gate says), the rest from its parent.
   */
  private static final class JarFirstLoader extends ClassLoader {
    private final JarFile jar;
    private final ClassFileTransformer gate;

    JarFirstLoader(JarFile jar, ClassFileTransformer gate) {
      super(HookWeaverTest.class.getClassLoader());
      this.jar = jar;
      this.gate = gate;
    }

    @Override
    protected synchronized Class<?> loadClass(String name, boolean resolve)
        throws ClassNotFoundException {
      Class<?> c = findLoadedClass(name);
      if (c != null) {
        return c;
      }
      String internal = name.replace('.', '/');
      JarEntry entry = jar.getJarEntry(internal + ".class");
      if (entry == null || name.startsWith("java.")) {
        return super.loadClass(name, resolve);
      }
      try (InputStream in = jar.getInputStream(entry)) {
        byte[] b = in.readAllBytes();
        byte[] woven = gate.transform(this, internal, null, null, b);
        byte[] use = woven == null ? b : woven;
        return defineClass(name, use, 0, use.length);
      } catch (IOException | IllegalClassFormatException e) {
        throw new ClassNotFoundException(name, e);
      }
    }
  }

  /**
   * A class file from before Java 6 has no stack map frames: the woven handler gets none either,
   * and the JVM's type-inferring verifier accepts the result.
   */
  @Test
  void aClassFileFromBeforeJava6IsWovenWithoutFrames() throws Exception {
    String internal = WovenSubject.class.getName().replace('.', '/');
    byte[] modern;
    try (InputStream in = LOADER.getResourceAsStream(internal + ".class")) {
      modern = in.readAllBytes();
    }
    ClassWriter java5 = new ClassWriter(0);
    new ClassReader(modern)
        .accept(
            new ClassVisitor(Opcodes.ASM9, java5) {
              @Override
              public void visit(
                  int version,
                  int access,
                  String name,
                  String signature,
                  String superName,
                  String[] interfaces) {
                super.visit(Opcodes.V1_5, access, name, signature, superName, interfaces);
              }
            },
            ClassReader.SKIP_FRAMES);
    byte[] woven = HookWeaver.weave(internal, java5.toByteArray(), SUBJECT_ADVICE);
    Class<?> type =
        new ClassLoader(LOADER) {
          Class<?> define(byte[] b) {
            return defineClass(null, b, 0, b.length);
          }
        }.define(woven);
    Object subject = type.getConstructor(String.class).newInstance("old");
    assertThat(type.getMethod("failsOnEmpty", String.class).invoke(subject, "x"))
        .isEqualTo("old:x");
    Throwable thrown =
        catchThrowable(() -> type.getMethod("failsOnEmpty", String.class).invoke(subject, ""));
    assertThat(thrown).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(calls)
        .extracting(Call::method)
        .containsExactly(
            "executorCreated",
            "connectionAcquired",
            "connectionAcquired",
            "connectionAcquired",
            "connectionAcquired");
    assertThat(calls.get(4).args()).element(2).isSameAs(thrown.getCause());
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

  /**
   * Defines a library's classes itself (woven where the hooks say), everything else from its
   * parent.
   */
  private static final class WeavingLoader extends ClassLoader {
    private final String prefix;
    private final ClassFileTransformer gate;
    private final Map<String, Class<?>> defined = new java.util.HashMap<>();

    WeavingLoader(String prefix, ClassFileTransformer gate) {
      super(HookWeaverTest.class.getClassLoader());
      this.prefix = prefix;
      this.gate = gate;
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
        byte[] woven;
        try {
          woven = gate.transform(this, internal, null, null, b);
        } catch (IllegalClassFormatException e) {
          throw new ClassNotFoundException(name, e);
        }
        byte[] use = woven == null ? b : woven;
        c = defineClass(name, use, 0, use.length);
        defined.put(name, c);
      }
      return c;
    }
  }
}
