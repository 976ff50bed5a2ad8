package io.opspulse.agent.core;

import io.opspulse.agent.core.TypeInstrumentation.MethodAdvice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves the {@link HookCall}s of an instrumentation's {@link MethodAdvice} into a class file, with
 * ASM alone, while the class is being defined: an enter call first thing in a method, an exit call
 * before each normal return and, for an advice {@code onThrowable}, in a catch-all handler that
 * rethrows. The calls are static calls into {@code Hooks} on the bootstrap loader, so the woven
 * class needs nothing it cannot already see.
 *
 * <p>Why not ByteBuddy: its {@code Advice} inlines code that names the library's types, which needs
 * its type pool and a thousand classes of its own loaded and compiled before the first class is
 * woven; the application paid that at every start. Here a class is read twice (once for its
 * methods' sizes) and written once; untouched methods are copied as they are.
 *
 * <p>How the bytecode stays valid: the added locals (the enter values, then a slot for the return
 * value and one for the exception) sit above the method's own {@code max_locals}, so no original
 * instruction changes. Frames are read expanded and every original frame gets the enter values
 * appended, since they are set before the original code runs; the return value and the exception
 * live only in straight-line code without frames. Each catch-all handler is registered after the
 * method's own handlers (the JVM takes the first that matches, so the application's catches still
 * win) and the outer advice's range covers the inner advice's handler, so on a throw every exit
 * runs, innermost first, as on a return.
 */
final class HookWeaver {
  static final String HOOKS = "io/opspulse/agent/bootstrap/Hooks";

  private HookWeaver() {}

  /**
   * {@code bytes} with {@code advice} woven into the methods each selects (in list order, the first
   * outermost), or null when no method is selected.
   *
   * @throws RuntimeException when the class file cannot be read or woven (the caller leaves the
   *     class as it was)
   */
  static byte @Nullable [] weave(String internalName, byte[] bytes, List<MethodAdvice> advice) {
    ClassReader reader = new ClassReader(bytes);
    Map<String, Planned> plan = plan(reader, advice);
    if (plan.isEmpty()) {
      return null;
    }
    boolean frames = classVersion(bytes) >= Opcodes.V1_6;
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            Planned planned = plan.get(name.concat(descriptor));
            return planned == null
                ? mv
                : new WovenMethod(mv, internalName, access, name, descriptor, planned, frames);
          }
        },
        ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /** The advice of one method, and its sizes before weaving. */
  private static final class Planned {
    final List<MethodAdvice> advice;
    int maxStack;
    int maxLocals;

    Planned(List<MethodAdvice> advice) {
      this.advice = advice;
    }
  }

  /**
   * The first read: which concrete methods get which advice, and their {@code max_locals} (the
   * added locals go above it, and it is only known at the end of a method).
   */
  private static Map<String, Planned> plan(ClassReader reader, List<MethodAdvice> advice) {
    Map<String, Planned> plan = new HashMap<>();
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public @Nullable MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
              return null;
            }
            ClassHeader.Method method = new ClassHeader.Method(access, name, descriptor);
            List<MethodAdvice> matched = new ArrayList<>(2);
            for (MethodAdvice a : advice) {
              if (a.methods().matches(method)) {
                matched.add(a);
              }
            }
            if (matched.isEmpty()) {
              return null;
            }
            Planned planned = new Planned(matched);
            plan.put(name.concat(descriptor), planned);
            return new MethodVisitor(Opcodes.ASM9) {
              @Override
              public void visitMaxs(int maxStack, int maxLocals) {
                planned.maxStack = maxStack;
                planned.maxLocals = maxLocals;
              }
            };
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return plan;
  }

  /** The class file's major version (before Java 6 no stack map frames are written). */
  private static int classVersion(byte[] bytes) {
    return ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
  }

  /** One method with its advice woven in. */
  private static final class WovenMethod extends MethodVisitor {
    private final String owner;
    private final String methodName;
    private final boolean isStatic;
    private final Type[] parameters;
    private final int[] parameterSlots;
    private final Type returnType;
    private final List<MethodAdvice> advice;
    private final boolean frames;
    private final int maxStack;
    private final int base;

    /** Per advice: the slot of its enter value, or -1. */
    private final int[] enterSlots;

    private final int returnSlot;
    private final int thrownSlot;
    private final int maxLocals;
    private final boolean needsReturned;
    private final Label[] tryStarts;

    WovenMethod(
        MethodVisitor next,
        String owner,
        int access,
        String name,
        String descriptor,
        Planned planned,
        boolean frames) {
      super(Opcodes.ASM9, next);
      this.owner = owner;
      this.methodName = name;
      this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
      this.parameters = Type.getArgumentTypes(descriptor);
      this.parameterSlots = new int[parameters.length];
      int slot = isStatic ? 0 : 1;
      for (int i = 0; i < parameters.length; i++) {
        parameterSlots[i] = slot;
        slot += parameters[i].getSize();
      }
      this.returnType = Type.getReturnType(descriptor);
      this.advice = planned.advice;
      this.frames = frames;
      this.maxStack = planned.maxStack;
      this.base = planned.maxLocals;
      this.enterSlots = new int[advice.size()];
      int next2 = base;
      boolean returned = false;
      for (int i = 0; i < advice.size(); i++) {
        MethodAdvice a = advice.get(i);
        HookCall enter = a.enter();
        if (enter != null && enter.result() == HookCall.Result.ENTER_VALUE) {
          enterSlots[i] = next2;
          next2 += 2;
        } else {
          enterSlots[i] = -1;
        }
        HookCall exit = a.exit();
        if (exit != null) {
          returned |= exit.result() == HookCall.Result.REPLACE_RETURN;
          for (HookArg arg : exit.args()) {
            returned |= arg.kind() == HookArg.Kind.RETURNED;
          }
        }
      }
      this.needsReturned = returned && returnType.getSort() != Type.VOID;
      this.returnSlot = next2;
      next2 += needsReturned ? returnType.getSize() : 0;
      this.thrownSlot = next2;
      this.maxLocals = next2 + 1;
      this.tryStarts = new Label[advice.size()];
    }

    @Override
    public void visitCode() {
      super.visitCode();
      for (int i = 0; i < advice.size(); i++) {
        MethodAdvice a = advice.get(i);
        HookCall enter = a.enter();
        if (enter != null) {
          call(enter, i, false);
          switch (enter.result()) {
            case ENTER_VALUE -> super.visitVarInsn(Opcodes.LSTORE, enterSlots[i]);
            case REPLACE_ARGUMENT -> replaceArgument(enter.index());
            case NONE, REPLACE_RETURN -> {}
          }
        }
        if (a.onThrowable()) {
          tryStarts[i] = new Label();
          super.visitLabel(tryStarts[i]);
        }
      }
    }

    /** The hook's result becomes the parameter's value; dropped where no reference takes it. */
    private void replaceArgument(int index) {
      if (index >= parameters.length || !isReference(parameters[index])) {
        super.visitInsn(Opcodes.POP);
        return;
      }
      super.visitTypeInsn(Opcodes.CHECKCAST, parameters[index].getInternalName());
      super.visitVarInsn(Opcodes.ASTORE, parameterSlots[index]);
    }

    private static boolean isReference(Type type) {
      return type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY;
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        beforeReturn();
      }
      super.visitInsn(opcode);
    }

    private void beforeReturn() {
      if (needsReturned) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
      }
      for (int i = advice.size() - 1; i >= 0; i--) {
        HookCall exit = advice.get(i).exit();
        if (exit != null) {
          call(exit, i, false);
          if (exit.result() == HookCall.Result.REPLACE_RETURN) {
            if (needsReturned && isReference(returnType)) {
              super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
              super.visitVarInsn(Opcodes.ASTORE, returnSlot);
            } else {
              super.visitInsn(Opcodes.POP);
            }
          }
        }
      }
      if (needsReturned) {
        super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnSlot);
      }
    }

    /** An original frame, expanded: the enter values are appended (set before any frame). */
    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
      if (type != Opcodes.F_NEW) {
        throw new IllegalStateException("frames are read expanded");
      }
      List<Object> locals = new ArrayList<>(numLocal + 4);
      for (int i = 0; i < numLocal; i++) {
        locals.add(local[i]);
      }
      appendEnterValues(locals, advice.size());
      super.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), numStack, stack);
    }

    /**
     * Pads {@code locals} (frame entries: a long or double is one entry for two slots) with TOP up
     * to the first added local, then the enter values of the first {@code upTo} advice, TOP for the
     * others.
     */
    private void appendEnterValues(List<Object> locals, int upTo) {
      int slots = 0;
      for (Object l : locals) {
        slots += l == Opcodes.LONG || l == Opcodes.DOUBLE ? 2 : 1;
      }
      while (slots < base) {
        locals.add(Opcodes.TOP);
        slots++;
      }
      for (int i = 0; i < advice.size(); i++) {
        if (enterSlots[i] >= 0) {
          if (i < upTo) {
            locals.add(Opcodes.LONG);
          } else {
            locals.add(Opcodes.TOP);
            locals.add(Opcodes.TOP);
          }
        }
      }
    }

    /**
     * The catch-all handlers, innermost first, each covering the original code and the handlers
     * inside it; registered after the method's own.
     */
    @Override
    public void visitMaxs(int ignoredStack, int ignoredLocals) {
      for (int i = advice.size() - 1; i >= 0; i--) {
        MethodAdvice a = advice.get(i);
        HookCall exit = a.exit();
        if (!a.onThrowable() || exit == null) {
          continue;
        }
        Label end = new Label();
        Label handler = new Label();
        super.visitLabel(end);
        super.visitLabel(handler);
        if (frames) {
          List<Object> locals = new ArrayList<>();
          if (!isStatic) {
            locals.add(owner);
          }
          for (Type p : parameters) {
            locals.add(frameType(p));
          }
          appendEnterValues(locals, i + 1);
          super.visitFrame(
              Opcodes.F_NEW,
              locals.size(),
              locals.toArray(),
              1,
              new Object[] {"java/lang/Throwable"});
        }
        super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        call(exit, i, true);
        if (exit.result() == HookCall.Result.REPLACE_RETURN) {
          super.visitInsn(Opcodes.POP);
        }
        super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
        super.visitInsn(Opcodes.ATHROW);
        super.visitTryCatchBlock(tryStarts[i], end, handler, "java/lang/Throwable");
      }
      super.visitMaxs(maxStack + extraStack(), maxLocals);
    }

    /** Enough for the widest call's arguments on top of whatever the method had on its stack. */
    private int extraStack() {
      int widest = 0;
      for (MethodAdvice a : advice) {
        widest = Math.max(widest, width(a.enter()));
        widest = Math.max(widest, width(a.exit()));
      }
      return widest + 2;
    }

    private static int width(@Nullable HookCall call) {
      if (call == null) {
        return 0;
      }
      int size = 0;
      for (HookArg a : call.args()) {
        String d = a.hookDescriptor();
        size += d.equals("J") || d.equals("D") ? 2 : 1;
      }
      return Math.max(size, 2);
    }

    private static Object frameType(Type type) {
      return switch (type.getSort()) {
        case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
        case Type.FLOAT -> Opcodes.FLOAT;
        case Type.LONG -> Opcodes.LONG;
        case Type.DOUBLE -> Opcodes.DOUBLE;
        default -> type.getInternalName();
      };
    }

    /** Pushes the call's arguments and calls the hook; in a handler the exception is at hand. */
    private void call(HookCall call, int adviceIndex, boolean inHandler) {
      for (HookArg arg : call.args()) {
        switch (arg.kind()) {
          case THIS -> {
            if (isStatic) {
              super.visitInsn(Opcodes.ACONST_NULL);
            } else {
              super.visitVarInsn(Opcodes.ALOAD, 0);
            }
          }
          case ARGUMENT -> {
            if (arg.index() < parameters.length) {
              Type type = parameters[arg.index()];
              super.visitVarInsn(type.getOpcode(Opcodes.ILOAD), parameterSlots[arg.index()]);
              box(type);
            } else {
              super.visitInsn(Opcodes.ACONST_NULL);
            }
          }
          case ENTER -> super.visitVarInsn(Opcodes.LLOAD, enterSlots[adviceIndex]);
          case RETURNED -> {
            if (inHandler || !needsReturned) {
              super.visitInsn(Opcodes.ACONST_NULL);
            } else {
              super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnSlot);
              box(returnType);
            }
          }
          case THROWN -> {
            if (inHandler) {
              super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
            } else {
              super.visitInsn(Opcodes.ACONST_NULL);
            }
          }
          case CLASS_NAME -> super.visitLdcInsn(owner.replace('/', '.'));
          case METHOD_NAME -> super.visitLdcInsn(methodName);
          case FIELD -> field(arg);
        }
      }
      super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, call.method(), call.descriptor(), false);
    }

    private void field(HookArg arg) {
      if (isStatic) {
        Type type = Type.getType(arg.descriptor());
        switch (type.getSort()) {
          case Type.LONG -> super.visitInsn(Opcodes.LCONST_0);
          case Type.FLOAT -> super.visitInsn(Opcodes.FCONST_0);
          case Type.DOUBLE -> super.visitInsn(Opcodes.DCONST_0);
          case Type.OBJECT, Type.ARRAY -> super.visitInsn(Opcodes.ACONST_NULL);
          default -> super.visitInsn(Opcodes.ICONST_0);
        }
        return;
      }
      super.visitVarInsn(Opcodes.ALOAD, 0);
      super.visitFieldInsn(Opcodes.GETFIELD, owner, arg.name(), arg.descriptor());
    }

    /** A primitive on the stack becomes its box ({@code Integer.valueOf} and friends). */
    private void box(Type type) {
      String box =
          switch (type.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.BYTE -> "java/lang/Byte";
            case Type.CHAR -> "java/lang/Character";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.LONG -> "java/lang/Long";
            case Type.FLOAT -> "java/lang/Float";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
          };
      if (box != null) {
        super.visitMethodInsn(
            Opcodes.INVOKESTATIC,
            box,
            "valueOf",
            "(" + type.getDescriptor() + ")L" + box + ";",
            false);
      }
    }
  }
}
