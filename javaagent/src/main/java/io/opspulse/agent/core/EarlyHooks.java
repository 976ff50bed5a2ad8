package io.opspulse.agent.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.jspecify.annotations.Nullable;

/**
 * The hooks that register an instance where it is made (thread pools, connection pools, DevTools'
 * restart class loaders), woven with ByteBuddy's (shaded) ASM alone into a class that loads before
 * ByteBuddy's transformer is ready. {@link ClassGate} lets such a class through at once instead of
 * making the loading thread wait, and the start thread retransforms it with ByteBuddy's full advice
 * once that is ready; an instance made in between would be seen by nobody (no later call of its
 * reports it by its creator's name), so these few calls go in straight away.
 *
 * <p>Which class gets which hook is declared with the advice it stands in for, in the class's
 * {@link TypeInstrumentation} ({@link TypeInstrumentation.MethodAdvice#early}), and goes into the
 * methods that advice selects: each {@link EarlyHook} is the call that advice makes, a static call
 * into {@code Hooks} before each normal return, which catches everything itself. Only instructions
 * are added (no field, method or branch), so the class can be retransformed later and its stack map
 * frames stay valid; only the maximum stack size is recomputed.
 */
final class EarlyHooks {
  private static final String HOOKS = "io/opspulse/agent/bootstrap/Hooks";
  private static final String OBJECT_VOID = "(Ljava/lang/Object;)V";

  /** A hook and the methods it goes into: those of the advice that declares it. */
  private record Target(MethodSpec methods, EarlyHook hook) {}

  private final Map<String, List<Target>> targets;

  private EarlyHooks(Map<String, List<Target>> targets) {
    this.targets = Map.copyOf(targets);
  }

  /**
   * The hooks the enabled instrumentations declare, by internal class name. Loops, no lambdas: this
   * runs at premain, where a first lambda bootstraps the JDK's lambda machinery.
   *
   * @throws IllegalStateException when a hook is declared on a target by hierarchy: the gate lets
   *     such a class through early without knowing it is one (only its supertypes say), so it could
   *     get no hook
   */
  static EarlyHooks of(AgentConfig config) {
    Map<String, List<Target>> targets = new HashMap<>();
    for (TypeInstrumentation instrumentation : Instrumentations.enabled(config)) {
      for (TypeInstrumentation.MethodAdvice advice : instrumentation.advice()) {
        if (advice.earlyHook() == null) {
          continue;
        }
        if (!instrumentation.target().byName()) {
          throw new IllegalStateException(
              instrumentation
                  .getClass()
                  .getName()
                  .concat(": an early hook needs a target by name"));
        }
        for (String name : instrumentation.target().names()) {
          String internal = name.replace('.', '/');
          List<Target> hooks = targets.get(internal);
          if (hooks == null) {
            hooks = new ArrayList<>();
            targets.put(internal, hooks);
          }
          hooks.add(new Target(advice.methods(), advice.earlyHook()));
        }
      }
    }
    return new EarlyHooks(targets);
  }

  /** Internal names of the classes that get a hook. */
  Set<String> classes() {
    return targets.keySet();
  }

  /** {@code bytes} with the hooks woven in, or null when the class gets none. */
  byte @Nullable [] weave(String internalName, byte[] bytes) {
    List<Target> hooks = targets.get(internalName);
    if (hooks == null) {
      return null;
    }
    ClassReader reader = new ClassReader(bytes);
    // With the reader: the constant pool and the untouched methods are copied as they are.
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
              return mv;
            }
            ClassHeader.Method method = new ClassHeader.Method(access, name, descriptor);
            for (Target target : hooks) {
              if (target.methods().matches(method)) {
                mv = new BeforeReturn(mv, target.hook(), internalName);
              }
            }
            return mv;
          }
        },
        0);
    return writer.toByteArray();
  }

  /** Calls the hook before every normal return of one method. */
  private static final class BeforeReturn extends MethodVisitor {
    private final EarlyHook hook;
    private final String className;

    BeforeReturn(MethodVisitor next, EarlyHook hook, String className) {
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
          super.visitMethodInsn(
              Opcodes.INVOKESTATIC,
              HOOKS,
              "connectionPoolCreated",
              "(Ljava/lang/Object;Ljava/lang/Object;)V",
              false);
        }
        case POOL_OPENED -> {
          // The advice's @Origin("#t"): the instrumented class's binary name.
          super.visitLdcInsn(className.replace('/', '.'));
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitMethodInsn(
              Opcodes.INVOKESTATIC,
              HOOKS,
              "connectionPoolOpened",
              "(Ljava/lang/String;Ljava/lang/Object;)V",
              false);
        }
        case RESTART_LOADER_CREATED -> {
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitMethodInsn(
              Opcodes.INVOKESTATIC, HOOKS, "restartClassLoaderCreated", OBJECT_VOID, false);
        }
      }
    }
  }
}
