package io.opspulse.agent.core;

/**
 * One value a woven {@link HookCall} passes to its {@code Hooks} method, read where the call is
 * woven: the instance, a parameter, what the method returned or threw, a field, or a constant. JDK
 * types only: read at premain.
 *
 * <p>Reference values are passed as {@code Object} (the hook cannot name the application's types);
 * a parameter of a primitive type is boxed. {@link #ENTER} is the long the advice's enter call
 * returned.
 */
record HookArg(HookArg.Kind kind, int index, String name, String descriptor) {
  enum Kind {
    THIS,
    ARGUMENT,
    ENTER,
    RETURNED,
    THROWN,
    CLASS_NAME,
    METHOD_NAME,
    FIELD
  }

  /** The instance ({@code null} in a static method). */
  static final HookArg THIS = of(Kind.THIS);

  /** The long the same advice's enter call returned. */
  static final HookArg ENTER = of(Kind.ENTER);

  /**
   * What the method returns (boxed when primitive); null on a throw and for a void method or a
   * constructor.
   */
  static final HookArg RETURNED = of(Kind.RETURNED);

  /** What the method threw; null on a normal return. */
  static final HookArg THROWN = of(Kind.THROWN);

  /** The instrumented class's binary name . */
  static final HookArg CLASS_NAME = of(Kind.CLASS_NAME);

  /** The instrumented method's name. */
  static final HookArg METHOD_NAME = of(Kind.METHOD_NAME);

  private static HookArg of(Kind kind) {
    return new HookArg(kind, -1, "", "");
  }

  /** Parameter {@code index} (boxed when primitive), or null where the method has no such one. */
  static HookArg argument(int index) {
    return new HookArg(Kind.ARGUMENT, index, "", "");
  }

  /**
   * The instance's field {@code name} of type {@code descriptor}, declared by the instrumented
   * class or inherited; passed as its primitive type, or as Object.
   */
  static HookArg field(String name, String descriptor) {
    return new HookArg(Kind.FIELD, -1, name, descriptor);
  }

  /** The descriptor of the hook method's parameter that takes this value. */
  String hookDescriptor() {
    return switch (kind) {
      case ENTER -> "J";
      case THROWN -> "Ljava/lang/Throwable;";
      case CLASS_NAME, METHOD_NAME -> "Ljava/lang/String;";
      case FIELD -> descriptor.length() == 1 ? descriptor : "Ljava/lang/Object;";
      case THIS, ARGUMENT, RETURNED -> "Ljava/lang/Object;";
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case ARGUMENT -> "argument(" + index + ")";
      case FIELD -> "field(" + name + ")";
      default -> kind.name();
    };
  }
}
