package io.opspulse.catalog;

/**
 * The unit of a metric's value. Prometheus' naming rules tie the unit to a name suffix, so the
 * suffix lives here and {@link MetricDefinition} checks every name against it.
 */
public enum Unit {
  NONE("", "1"),
  SECONDS("seconds", "s"),
  BYTES("bytes", "By"),
  RATIO("ratio", "1"),
  CORES("cores", "{cpu}"),
  CELSIUS("celsius", "Cel"),
  WATTS("watts", "W"),
  JOULES("joules", "J"),
  HERTZ("hertz", "Hz"),
  BYTES_PER_SECOND("bytes_per_second", "By/s");

  private final String suffix;
  private final String ucum;

  Unit(String suffix, String ucum) {
    this.suffix = suffix;
    this.ucum = ucum;
  }

  /** The name suffix Prometheus conventions require, empty for none. */
  public String suffix() {
    return suffix;
  }

  /** The UCUM unit string OpenTelemetry instruments declare. */
  public String ucum() {
    return ucum;
  }
}
