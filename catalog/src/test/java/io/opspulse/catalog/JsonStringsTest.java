package io.opspulse.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class JsonStringsTest {
  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(JsonStrings.quote("a\"b\\c\n\t\r\u0001\u001f"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\"");
  }

  @Test
  void leavesEverythingElseAsItIs() {
    assertThat(JsonStrings.quote("grün ✓ \u007f")).isEqualTo("\"grün ✓ \u007f\"");
  }

  @Test
  void appendsToWhatIsThere() {
    StringBuilder out = new StringBuilder("x:");
    assertThat(JsonStrings.appendQuoted(out, "y")).isSameAs(out);
    assertThat(out).hasToString("x:\"y\"");
  }

  /**
   * Every character below U+0080 round-trips through a real JSON parser, whatever the default
   * locale.
   */
  @Test
  void aJsonParserReadsBackEveryAsciiCharacterUnderAnyLocale() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      all.append(c);
    }
    Locale before = Locale.getDefault();
    try {
      for (Locale l :
          new Locale[] {
            Locale.forLanguageTag("ar-EG-u-nu-arab"),
            Locale.forLanguageTag("hi-IN-u-nu-deva"),
            Locale.forLanguageTag("tr-TR")
          }) {
        Locale.setDefault(l);
        String quoted = JsonStrings.quote(all.toString());
        assertThat(quoted).as(l.toLanguageTag()).matches("[\\x20-\\x7f]+");
        assertThat(new ObjectMapper().readValue(quoted, String.class))
            .as(l.toLanguageTag())
            .isEqualTo(all.toString());
      }
    } finally {
      Locale.setDefault(before);
    }
  }
}
