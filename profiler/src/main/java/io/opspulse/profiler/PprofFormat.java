package io.opspulse.profiler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A {@link Profile} in pprof's format (github.com/google/pprof, {@code proto/profile.proto}),
 * gzipped as Go's {@code net/http/pprof} serves it: what {@code go tool pprof}, Pyroscope / Grafana
 * Alloy's pprof scrape and Parca read.
 *
 * <p>Sample types follow Go's names: {@code cpu} profiles have {@code samples/count} and {@code
 * cpu/nanoseconds} (samples times the sampling period) with the period set; {@code alloc} profiles
 * {@code alloc_space/bytes}; {@code lock} profiles {@code delay/nanoseconds}. Functions have names
 * ({@code package.Class.method}) but no file or line, which the rolling window does not keep.
 * {@code time_nanos} and {@code duration_nanos} are the span the profile covers; a comment names
 * the JFR source.
 */
public final class PprofFormat {
  /** What Go's net/http/pprof answers with, and what scrapers expect. */
  public static final String CONTENT_TYPE = "application/octet-stream";

  private PprofFormat() {}

  /**
   * Writes {@code profile}, gzipped, to {@code out} (left open).
   *
   * @param cpuPeriod the profiler's sampling period: what one CPU sample stands for
   */
  public static void write(Profile profile, Duration cpuPeriod, OutputStream out)
      throws IOException {
    byte[] message = PprofEncoder.encode(profile, cpuPeriod);
    // Fastest deflate level: the profiled service pays for every scrape, and level 6 (Go's) took
    // about
    // 3 to 8 times the time for a body 4-7% smaller (docs/benchmarks.md). Closing the gzip stream
    // frees its
    // native deflater at once; the caller's stream stays open.
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(new NonClosing(out), 8192) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      gzip.write(message);
    }
  }

  /** {@link #write} into a byte array. */
  public static byte[] gzipped(Profile profile, Duration cpuPeriod) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(profile, cpuPeriod, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  /** Passes writes through and turns close into flush. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
