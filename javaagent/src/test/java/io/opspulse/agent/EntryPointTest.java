package io.opspulse.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class EntryPointTest {
  /** An older JVM must be able to load the premain class to be told why the agent does nothing. */
  @Test
  void thePremainClassIsJava8Bytecode() throws Exception {
    try (InputStream in = OpspulseAgent.class.getResourceAsStream("OpspulseAgent.class");
        DataInputStream data = new DataInputStream(in)) {
      assertThat(data.readInt()).isEqualTo(0xCAFEBABE);
      data.readUnsignedShort();
      assertThat(data.readUnsignedShort()).as("class file major version").isEqualTo(52);
    }
  }

  @Test
  void javaVersionsAreReadFromTheSpecificationVersion() {
    assertThat(OpspulseAgent.featureVersion("1.8")).isEqualTo(8);
    assertThat(OpspulseAgent.featureVersion("11")).isEqualTo(11);
    assertThat(OpspulseAgent.featureVersion("25")).isEqualTo(25);
    assertThat(OpspulseAgent.featureVersion("weird")).isZero();
  }
}
