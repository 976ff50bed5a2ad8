package io.opspulse.profiler.bench;

import io.opspulse.profiler.FoldedStack;
import io.opspulse.profiler.FoldedStacks;
import io.opspulse.profiler.PprofFormat;
import io.opspulse.profiler.Profile;
import io.opspulse.profiler.ProfileEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What one answer of {@code /debug/pprof/profile} costs next to one of {@code /debug/profile}
 * (folded text), side by side in one JVM, alternating: median time to render and the body's size,
 * for a typical window and for the worst case the caps allow (4096 stacks of 64 frames); and what
 * deflate's default level would have cost instead of the fastest one the endpoint uses.
 *
 * <p>Usage: {@code PprofBench [rounds]}
 */
public final class PprofBench {
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
    run("typical: 200 stacks x 30 frames", profile(200, 30, 2_000), rounds * 10);
    run("worst case: 4096 stacks x 64 frames, 16384 names", profile(4096, 64, 16_384), rounds);
  }

  private static void run(String what, Profile profile, int rounds) {
    long[] folded = new long[rounds];
    long[] pprof = new long[rounds];
    long[] level6 = new long[rounds];
    byte[] message = gunzip(PprofFormat.gzipped(profile, Duration.ofMillis(20)));
    int foldedBytes = 0;
    int pprofBytes = 0;
    int level6Bytes = 0;
    long sink = 0; // keeps the warm-up's results alive, so the JIT cannot drop the work
    for (int warm = 0; warm < rounds; warm++) { // JIT every path first
      sink += FoldedStacks.format(profile).getBytes(StandardCharsets.UTF_8).length;
      sink += PprofFormat.gzipped(profile, Duration.ofMillis(20)).length;
      sink += gzipDefault(message).length;
    }
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      foldedBytes = FoldedStacks.format(profile).getBytes(StandardCharsets.UTF_8).length;
      long t1 = System.nanoTime();
      pprofBytes = PprofFormat.gzipped(profile, Duration.ofMillis(20)).length;
      long t2 = System.nanoTime();
      // The alternative not taken: the same message at deflate's default level 6 (what Go uses),
      // plus
      // the encoding time measured above, so the two pprof columns compare whole answers.
      level6Bytes = gzipDefault(message).length;
      long t3 = System.nanoTime();
      folded[r] = t1 - t0;
      pprof[r] = t2 - t1;
      level6[r] = t3 - t2;
    }
    double f = median(folded) / 1e6;
    double p = median(pprof) / 1e6;
    double l6 = median(level6) / 1e6;
    System.out.printf(
        "RESULT pprof case=\"%s\" folded_ms=%.3f pprof_gz1_ms=%.3f deflate6_only_ms=%.3f"
            + " pprof_vs_folded_time=%.2f folded_bytes=%d pprof_raw_bytes=%d pprof_gz1_bytes=%d pprof_gz6_bytes=%d"
            + " warmup_bytes=%d%n",
        what, f, p, l6, p / f, foldedBytes, message.length, pprofBytes, level6Bytes, sink);
  }

  private static byte[] gunzip(byte[] gz) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzipDefault(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /** Stacks shaped like AggregationMemoryBench's: realistic class and method names from a pool. */
  private static Profile profile(int stacks, int depth, int framePool) {
    SplittableRandom random = new SplittableRandom(42);
    List<FoldedStack> out = new ArrayList<>();
    for (int s = 0; s < stacks; s++) {
      List<String> frames = new ArrayList<>();
      for (int f = 0; f < depth; f++) {
        int id = random.nextInt(framePool);
        frames.add(
            "com.example.service.module"
                + (id % 97)
                + ".SomeReasonablyNamedClass"
                + id
                + ".handleRequest"
                + id);
      }
      out.add(new FoldedStack(frames, 1 + random.nextInt(1000)));
    }
    out.sort((a, b) -> Long.compare(b.weight(), a.weight()));
    Instant to = Instant.parse("2026-12-07T04:00:00Z");
    return new Profile(ProfileEvent.CPU, "jdk.ExecutionSample", to.minusSeconds(60), to, out, 0);
  }
}
