package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The wire encodings, against the examples of protobuf's encoding guide. */
class ProtoWriterTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void varintFieldsAreBase128LeastSignificantFirst() {
    assertThat(new ProtoWriter().int64(1, 150).toByteArray()).isEqualTo(bytes(0x08, 0x96, 0x01));
    assertThat(new ProtoWriter().int64(1, 1).toByteArray()).isEqualTo(bytes(0x08, 0x01));
    assertThat(new ProtoWriter().int64(16, 1).toByteArray())
        .as("field 16 needs a two-byte tag")
        .isEqualTo(bytes(0x80, 0x01, 0x01));
  }

  @Test
  void negativeInt64TakesTenBytes() {
    assertThat(new ProtoWriter().int64(1, -1).toByteArray())
        .isEqualTo(bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
    assertThat(ProtoWriter.varintSize(-1)).isEqualTo(10);
    assertThat(ProtoWriter.varintSize(Long.MAX_VALUE)).isEqualTo(9);
  }

  @Test
  void zeroScalarsAreLeftOutButEmptyStringsAreWritten() {
    assertThat(new ProtoWriter().int64(1, 0).bool(2, false).size()).isZero();
    assertThat(new ProtoWriter().string(6, "").toByteArray()).isEqualTo(bytes(0x32, 0x00));
  }

  @Test
  void stringsAreUtf8WithTheirByteLength() {
    assertThat(new ProtoWriter().string(2, "testing").toByteArray())
        .isEqualTo(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'));
    assertThat(new ProtoWriter().string(1, "é").toByteArray())
        .isEqualTo(bytes(0x0a, 0x02, 0xc3, 0xa9));
  }

  @Test
  void packedRepeatedFieldsCarryTheirLengthInBytes() {
    assertThat(new ProtoWriter().packed(4, new long[] {3, 270, 86942}).toByteArray())
        .isEqualTo(bytes(0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05));
    assertThat(new ProtoWriter().packed(4, new long[0]).size()).isZero();
  }

  @Test
  void embeddedMessagesAreLengthDelimitedAndWritersReset() {
    ProtoWriter inner = new ProtoWriter().int64(1, 150);
    assertThat(new ProtoWriter().message(3, inner).toByteArray())
        .isEqualTo(bytes(0x1a, 0x03, 0x08, 0x96, 0x01));
    assertThat(inner.reset().size()).isZero();
    assertThat(new ProtoWriter().message(3, inner).toByteArray()).isEqualTo(bytes(0x1a, 0x00));
  }

  @Test
  void theBufferGrowsPastItsFirstCapacity() {
    String big = "x".repeat(1000);
    byte[] out = new ProtoWriter().string(1, big).toByteArray();
    assertThat(out).hasSize(1 + 2 + 1000);
    assertThat(out[1]).isEqualTo((byte) 0xe8);
    assertThat(out[2]).isEqualTo((byte) 0x07);
  }
}
