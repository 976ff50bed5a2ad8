package io.opspulse.agent.core;

import io.opspulse.agent.core.AgentConfig.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The hooks that register an instance where it is made (thread pools, connection pools, DevTools'
 * restart class loaders), woven with ByteBuddy's (shaded) ASM alone into a class that loads before
 * ByteBuddy's transformer is ready. {@link ClassGate} lets such a class through at once instead of making
 * the loading thread wait, and the start thread retransforms it with ByteBuddy's full advice once that is
 * ready; an instance made in between would be seen by nobody (no later call of its reports it by its
 * creator's name), so these few calls go in straight away.
 *
 * <p>Each hook is the call the ByteBuddy advice of the same method makes ({@code ExecutorConstructorAdvice},
 * {@code HikariPoolAdvice}, {@code ConnectionPoolOpenedAdvice}, {@code RestartClassLoaderAdvice}): a static
 * call into {@code Hooks} before each normal return, which catches everything itself. Only instructions are
 * added (no field, method or branch), so the class can be retransformed later and its stack map frames
 * stay valid; only the maximum stack size is recomputed.
 */
final class EarlyHooks {
  private static final String HOOKS = "io/opspulse/agent/bootstrap/Hooks";
  private static final String OBJECT_VOID = "(Ljava/lang/Object;)V";

  /** Which hook goes into which methods of a class. */
  private enum Hook {
    EXECUTOR_CREATED, HIKARI_POOL_CREATED, POOL_OPENED, RESTART_LOADER_CREATED
  }

  /** A hook and the methods it goes into: a name, and a descriptor prefix ("" for any). */
  private record Target(Hook hook, String method, String descriptorPrefix) {}

  private final Map<String, Target> targets;

  private EarlyHooks(Map<String, Target> targets) {
    this.targets = Map.copyOf(targets);
  }

  /** The hooks of the enabled instrumentations, by internal class name. */
  static EarlyHooks of(AgentConfig config) {
    Map<String, Target> targets = new HashMap<>();
    if (config.enabled(Instrumentation.EXECUTOR)) {
      // The JDK's: the one constructor every other delegates to, as ByteBuddy's advice has it.
      targets.put(internal(Instrumenter.THREAD_POOL_EXECUTOR), new Target(Hook.EXECUTOR_CREATED, "<init>",
          "(IIJLjava/util/concurrent/TimeUnit;Ljava/util/concurrent/BlockingQueue;"
              + "Ljava/util/concurrent/ThreadFactory;Ljava/util/concurrent/RejectedExecutionHandler;)"));
      for (String pool : new String[] {Instrumenter.TOMCAT_THREAD_POOL, Instrumenter.JETTY_THREAD_POOL,
          Instrumenter.FORK_JOIN_POOL}) {
        targets.put(internal(pool), new Target(Hook.EXECUTOR_CREATED, "<init>", ""));
      }
    }
    if (config.enabled(Instrumentation.HIKARI)) {
      targets.put(internal(Instrumenter.HIKARI_POOL),
          new Target(Hook.HIKARI_POOL_CREATED, "<init>", "(Lcom/zaxxer/hikari/HikariConfig;)"));
    }
    if (config.enabled(Instrumentation.CONNECTION_POOL)) {
      targets.put(internal(LibraryInstrumentations.TOMCAT_JDBC_POOL),
          new Target(Hook.POOL_OPENED, "<init>", "(Lorg/apache/tomcat/jdbc/pool/PoolConfiguration;)"));
      targets.put(internal(LibraryInstrumentations.DBCP2_DATA_SOURCE),
          new Target(Hook.POOL_OPENED, "createDataSource", "()"));
      targets.put(internal(LibraryInstrumentations.AGROAL_POOL), new Target(Hook.POOL_OPENED, "init", "()"));
    }
    if (config.enabled(Instrumentation.DEV_MODE)) {
      targets.put(internal(Instrumenter.RESTART_CLASS_LOADER),
          new Target(Hook.RESTART_LOADER_CREATED, "<init>", ""));
    }
    return new EarlyHooks(targets);
  }

  /** Internal names of the classes that get a hook. */
  java.util.Set<String> classes() {
    return targets.keySet();
  }

  /** {@code bytes} with the hooks woven in, or null when the class gets none. */
  byte[] weave(String internalName, byte[] bytes) {
    Target target = targets.get(internalName);
    if (target == null) {
      return null;
    }
    ClassReader reader = new ClassReader(bytes);
    // With the reader: the constant pool and the untouched methods are copied as they are.
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        boolean hooked = (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0
            && name.equals(target.method()) && descriptor.startsWith(target.descriptorPrefix());
        return hooked ? new BeforeReturn(mv, target.hook(), internalName) : mv;
      }
    }, 0);
    return writer.toByteArray();
  }

  private static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }

  /** Calls the hook before every normal return of one method. */
  private static final class BeforeReturn extends MethodVisitor {
    private final Hook hook;
    private final String className;

    BeforeReturn(MethodVisitor next, Hook hook, String className) {
      super(Opcodes.ASM9, next);
      this.hook = hook;
      this.className = className;
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        callHook();
      }
      super.visitInsn(opcode);
    }

    private void callHook() {
      switch (hook) {
        case EXECUTOR_CREATED -> {
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "executorCreated", OBJECT_VOID, false);
        }
        case HIKARI_POOL_CREATED -> {
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitVarInsn(Opcodes.ALOAD, 1);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "connectionPoolCreated",
              "(Ljava/lang/Object;Ljava/lang/Object;)V", false);
        }
        case POOL_OPENED -> {
          // The advice's @Origin("#t"): the instrumented class's binary name.
          super.visitLdcInsn(className.replace('/', '.'));
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "connectionPoolOpened",
              "(Ljava/lang/String;Ljava/lang/Object;)V", false);
        }
        case RESTART_LOADER_CREATED -> {
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "restartClassLoaderCreated", OBJECT_VOID, false);
        }
      }
    }
  }
}
