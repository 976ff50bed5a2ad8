package io.opspulse.exporter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Serves the metrics. The fleet's part of a scrape is encoded (and gzipped) once per change of the
 * fleet and reused until the next change, so a scrape of 1,000 unchanged containers costs a memory
 * copy, not 30,000 lines of formatting and compression; and a change re-encodes only the families
 * it touched. Other collectors (the GPU probe) are encoded on each scrape and appended: text
 * formats concatenate, OpenMetrics gets its single {@code # EOF} at the end, and gzip members
 * concatenate into one valid stream (RFC 1952).
 */
final class MetricsEndpoint implements HttpHandler {
  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

  private final MultiCollector fleet;
  private final LongSupplier fleetVersion;
  private final List<MultiCollector> others = new CopyOnWriteArrayList<>();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private @Nullable Cached cached;

  /**
   * Per format: the encoding of each family snapshot of the last fleet part, by snapshot identity.
   */
  private final Map<FormatKey, Map<MetricSnapshot, byte[]>> familyBytes = new HashMap<>();

  MetricsEndpoint(MultiCollector fleet, LongSupplier fleetVersion) {
    this.fleet = fleet;
    this.fleetVersion = fleetVersion;
  }

  void register(MultiCollector collector) {
    others.add(collector);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      ExpositionFormatWriter writer =
          formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
      boolean gzip = acceptsGzip(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
      boolean openMetrics = writer.getContentType().contains("openmetrics");
      List<byte[]> parts = new ArrayList<>(2);
      parts.add(fleetPart(writer, gzip, openMetrics && !others.isEmpty()));
      if (!others.isEmpty()) {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (MultiCollector c : others) {
          c.collect().forEach(snapshots::add);
        }
        parts.add(encode(writer, new MetricSnapshots(snapshots), gzip, false));
      }
      exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
      if (gzip) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      long length = parts.stream().mapToLong(p -> p.length).sum();
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, length);
      OutputStream out = exchange.getResponseBody();
      for (byte[] p : parts) {
        out.write(p);
      }
    }
  }

  private byte[] fleetPart(ExpositionFormatWriter writer, boolean gzip, boolean withoutEof)
      throws IOException {
    long version = fleetVersion.getAsLong();
    Cached c;
    synchronized (this) {
      c = cached;
    }
    if (c != null && c.matches(version, writer, gzip, withoutEof)) {
      return c.bytes;
    }
    byte[] bytes = encodeByFamily(writer, fleet.collect(), gzip, withoutEof);
    synchronized (this) {
      cached = new Cached(version, writer, gzip, withoutEof, bytes);
    }
    return bytes;
  }

  /**
   * Encodes family by family, reusing the bytes of every family whose snapshot object is the one
   * encoded last time (the collector keeps the object while the family's points stay the same).
   * Text formats and gzip members concatenate, so the result is what encoding all of them at once
   * would give.
   */
  private synchronized byte[] encodeByFamily(
      ExpositionFormatWriter writer, MetricSnapshots snapshots, boolean gzip, boolean withoutEof)
      throws IOException {
    FormatKey key = new FormatKey(writer, gzip);
    Map<MetricSnapshot, byte[]> before = familyBytes.getOrDefault(key, Map.of());
    Map<MetricSnapshot, byte[]> now = new IdentityHashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    for (MetricSnapshot s : snapshots) {
      byte[] b = before.get(s);
      if (b == null) {
        b = encode(writer, new MetricSnapshots(s), gzip, true);
      }
      now.put(s, b);
      out.write(b);
    }
    familyBytes.put(key, now);
    if (!withoutEof && writer.getContentType().contains("openmetrics")) {
      out.write(gzip ? gzip(EOF) : EOF);
    }
    return out.toByteArray();
  }

  private static byte[] encode(
      ExpositionFormatWriter writer, MetricSnapshots snapshots, boolean gzip, boolean withoutEof)
      throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream(64 * 1024);
    writer.write(plain, snapshots);
    byte[] bytes = plain.toByteArray();
    if (withoutEof && endsWith(bytes, EOF)) {
      bytes = Arrays.copyOf(bytes, bytes.length - EOF.length);
    }
    return gzip ? gzip(bytes) : bytes;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream(bytes.length / 8 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(zipped, 8192)) {
      z.write(bytes);
    }
    return zipped.toByteArray();
  }

  private static boolean endsWith(byte[] bytes, byte[] suffix) {
    if (bytes.length < suffix.length) {
      return false;
    }
    return Arrays.equals(
        bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] kv = part.strip().split(";");
      if (kv[0].strip().equals("gzip")) {
        return !(kv.length > 1 && kv[1].replace(" ", "").equals("q=0"));
      }
    }
    return false;
  }

  private record FormatKey(ExpositionFormatWriter writer, boolean gzip) {}

  private record Cached(
      long version, ExpositionFormatWriter writer, boolean gzip, boolean withoutEof, byte[] bytes) {
    boolean matches(long v, ExpositionFormatWriter w, boolean g, boolean noEof) {
      return version == v && writer == w && gzip == g && withoutEof == noEof;
    }
  }
}
