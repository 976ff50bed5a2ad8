package io.opspulse.agent.core;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the agent needs to know of a class file before deciding whether to weave it: its access
 * flags, its super class and interfaces, and the methods it declares. Read straight from the bytes
 * with nothing but the JDK, because it runs for every class the application loads; a class file it
 * cannot read is simply not a candidate ({@link #parse} returns null), the JVM will judge it.
 *
 * @param access the class's access flags
 * @param name internal name ({@code a/b/C})
 * @param superName internal name of the super class, null for {@code java/lang/Object} and modules
 * @param interfaces internal names of the directly implemented interfaces
 * @param methods the declared methods, only when asked for
 */
record ClassHeader(
    int access,
    String name,
    @Nullable String superName,
    List<String> interfaces,
    List<Method> methods) {
  static final int ACC_PUBLIC = 0x0001;
  static final int ACC_INTERFACE = 0x0200;
  static final int ACC_ABSTRACT = 0x0400;

  /** A declared method: access flags, name and descriptor. */
  record Method(int access, String name, String descriptor) {
    boolean isPublic() {
      return (access & ACC_PUBLIC) != 0;
    }

    boolean isAbstract() {
      return (access & ACC_ABSTRACT) != 0;
    }
  }

  boolean isInterface() {
    return (access & ACC_INTERFACE) != 0;
  }

  /**
   * The header of {@code bytes}, with the declared methods when {@code withMethods}; null if
   * unreadable.
   */
  static @Nullable ClassHeader parse(byte[] bytes, boolean withMethods) {
    try {
      return new Reader(bytes).read(withMethods);
    } catch (RuntimeException | IOException e) {
      return null;
    }
  }

  /** A forward-only reader over the class file's big-endian structures. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private int[] offsets = new int[0]; // where each constant pool entry's payload starts
    private String[] utf8Cache = new String[0];

    Reader(byte[] bytes) {
      this.b = bytes;
    }

    @Nullable ClassHeader read(boolean withMethods) throws IOException {
      if (u4() != 0xCAFEBABE) {
        return null;
      }
      pos += 4; // minor, major
      int count = u2();
      offsets = new int[count];
      utf8Cache = new String[count];
      for (int i = 1; i < count; i++) {
        int tag = b[pos++] & 0xFF;
        offsets[i] = pos;
        switch (tag) {
          case 1 -> pos += 2 + u2At(pos);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> pos += 4;
          case 5, 6 -> {
            pos += 8;
            i++; // longs and doubles take two slots
          }
          case 7, 8, 16, 19, 20 -> pos += 2;
          case 15 -> pos += 3;
          default -> {
            return null;
          }
        }
      }
      int access = u2();
      String name = className(u2());
      int superIndex = u2();
      String superName = superIndex == 0 ? null : className(superIndex);
      int interfaceCount = u2();
      List<String> interfaces = new ArrayList<>(interfaceCount);
      for (int i = 0; i < interfaceCount; i++) {
        interfaces.add(className(u2()));
      }
      List<Method> methods = List.of();
      if (withMethods) {
        skipMembers(); // fields
        int methodCount = u2();
        methods = new ArrayList<>(methodCount);
        for (int i = 0; i < methodCount; i++) {
          int methodAccess = u2();
          String methodName = utf8(u2());
          String descriptor = utf8(u2());
          skipAttributes();
          methods.add(new Method(methodAccess, methodName, descriptor));
        }
      }
      return new ClassHeader(
          access, name, superName, List.copyOf(interfaces), List.copyOf(methods));
    }

    private void skipMembers() {
      int count = u2();
      for (int i = 0; i < count; i++) {
        pos += 6;
        skipAttributes();
      }
    }

    private void skipAttributes() {
      int count = u2();
      for (int i = 0; i < count; i++) {
        pos += 2;
        int length = u4();
        if (length < 0) {
          throw new IllegalArgumentException("attribute too long");
        }
        pos += length;
      }
    }

    private String className(int index) throws IOException {
      return utf8(u2At(offsets[index]));
    }

    private String utf8(int index) throws IOException {
      String cached = utf8Cache[index];
      if (cached != null) {
        return cached;
      }
      int at = offsets[index];
      int length = u2At(at);
      boolean ascii = true;
      for (int i = at + 2; i < at + 2 + length; i++) {
        if (b[i] <= 0) { // non-ASCII, or the modified UTF-8 encoding of NUL
          ascii = false;
          break;
        }
      }
      String value =
          ascii
              ? new String(b, at + 2, length, StandardCharsets.ISO_8859_1)
              : new DataInputStream(new ByteArrayInputStream(b, at, length + 2)).readUTF();
      utf8Cache[index] = value;
      return value;
    }

    private int u2() {
      int v = u2At(pos);
      pos += 2;
      return v;
    }

    private int u2At(int at) {
      return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private int u4() {
      int v =
          ((b[pos] & 0xFF) << 24)
              | ((b[pos + 1] & 0xFF) << 16)
              | ((b[pos + 2] & 0xFF) << 8)
              | (b[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }
  }
}
