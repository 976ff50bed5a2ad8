package io.opspulse.profiler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few protocol-buffer encodings a pprof profile needs (varints, length-delimited fields, packed
 * repeated varints), written into a growable byte array. Hand-written so the profiler keeps its
 * promise of no runtime dependencies: protobuf-java alone is larger than the whole profiler.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  private byte[] buf = new byte[64];
  private int size;

  /** An int64, uint64 or enum field; proto3 leaves zero, the default, out. */
  ProtoWriter int64(int field, long value) {
    if (value != 0) {
      tag(field, VARINT);
      varint(value);
    }
    return this;
  }

  /** A bool field; false, the default, is left out. */
  ProtoWriter bool(int field, boolean value) {
    return int64(field, value ? 1 : 0);
  }

  /** A string field, written even when empty: pprof's string table must start with "". */
  ProtoWriter string(int field, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    tag(field, LENGTH_DELIMITED);
    varint(bytes.length);
    write(bytes, 0, bytes.length);
    return this;
  }

  /** An embedded message field. */
  ProtoWriter message(int field, ProtoWriter message) {
    tag(field, LENGTH_DELIMITED);
    varint(message.size);
    write(message.buf, 0, message.size);
    return this;
  }

  /**
   * A packed repeated int64/uint64 field (proto3's default for repeated scalars); nothing when
   * empty.
   */
  ProtoWriter packed(int field, long[] values) {
    if (values.length == 0) {
      return this;
    }
    int length = 0;
    for (long v : values) {
      length += varintSize(v);
    }
    tag(field, LENGTH_DELIMITED);
    varint(length);
    for (long v : values) {
      varint(v);
    }
    return this;
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /**
   * Empties the writer, keeping its buffer, so one writer serves every sample or location in turn.
   */
  ProtoWriter reset() {
    size = 0;
    return this;
  }

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  /**
   * Base-128, least significant group first; a negative int64 takes all ten bytes, as protobuf
   * says.
   */
  private void varint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
  }

  static int varintSize(long value) {
    int n = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }

  private void write(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, size, length);
    size += length;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
