package io.opspulse.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.opspulse.testkit.GoPprof;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder, read back by Go's own pprof (go tool pprof), a decoder this project did not write.
 */
class PprofFormatTest {
  private static final Instant FROM = Instant.parse("2026-12-07T04:00:00Z");
  private static final Instant TO = FROM.plusSeconds(60);

  @TempDir Path tmp;

  private static Profile profile(ProfileEvent event, String source, FoldedStack... stacks) {
    return new Profile(event, source, FROM, TO, List.of(stacks), 0);
  }

  private Path write(Profile profile, Duration period) throws Exception {
    Path file = Files.createTempFile(tmp, profile.event().key(), ".pb.gz");
    Files.write(file, PprofFormat.gzipped(profile, period));
    return file;
  }

  private final Profile cpu =
      profile(
          ProfileEvent.CPU,
          "jdk.ExecutionSample",
          new FoldedStack(
              List.of(
                  "java.lang.Thread.run", "com.example.Server.serve", "com.example.Parser.parse"),
              50),
          new FoldedStack(
              List.of(
                  "java.lang.Thread.run", "com.example.Server.serve", "com.example.Page.render"),
              25),
          new FoldedStack(List.of("java.lang.Thread.run", "com.example.Gc.collect"), 5));

  @Test
  void goReadsBackEveryStackWithSamplesAndCpuNanoseconds() throws Exception {
    GoPprof go = GoPprof.require(tmp.resolve("go"));
    PprofRaw raw = PprofRaw.parse(go.run("-raw", write(cpu, Duration.ofMillis(20)).toString()));

    assertThat(raw.sampleTypes()).isEqualTo("samples/count cpu/nanoseconds[dflt]");
    assertThat(raw.stacks()).containsExactlyElementsOf(cpu.stacks());
    assertThat(raw.values())
        .extracting(v -> v[1])
        .as("cpu nanoseconds: samples times the 20 ms period")
        .containsExactly(1_000_000_000L, 500_000_000L, 100_000_000L);
    assertThat(raw.text())
        .contains(
            "PeriodType: cpu nanoseconds\n",
            "Period: 20000000\n",
            "Time: 2026-12-07 04:00:00 +0000 UTC\n",
            "Duration: 1m0s\n",
            "Comment: source=jdk.ExecutionSample\n");
  }

  @Test
  void goPutsTheRunningMethodOnTopAndTheRootsInCumulativeTime() throws Exception {
    GoPprof go = GoPprof.require(tmp.resolve("go"));
    List<String> top =
        go.run("-top", write(cpu, Duration.ofMillis(20)).toString())
            .lines()
            .dropWhile(l -> !l.trim().startsWith("flat"))
            .skip(1)
            .toList();
    assertThat(top).hasSize(5);
    assertThat(top.get(0))
        .matches(
            "\\s*1000ms\\s+62\\.50%\\s+62\\.50%\\s+1000ms\\s+62\\.50%\\s+com\\.example\\.Parser\\.parse");
    assertThat(top)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "\\s*0\\s+0%\\s+100%\\s+1600ms\\s+100%\\s+java\\.lang\\.Thread\\.run"));
  }

  @Test
  void allocationAndLockProfilesUseGosNamesForTheirUnits() throws Exception {
    GoPprof go = GoPprof.require(tmp.resolve("go"));
    Profile alloc =
        profile(
            ProfileEvent.ALLOC,
            "jdk.ObjectAllocationSample",
            new FoldedStack(
                List.of("main", "newBuffer"),
                64L * 1024 * 1024 * 1024)); // past 2^32: a 5-byte varint
    PprofRaw a = PprofRaw.parse(go.run("-raw", write(alloc, Duration.ofMillis(20)).toString()));
    assertThat(a.sampleTypes()).isEqualTo("alloc_space/bytes[dflt]");
    assertThat(a.text()).contains("PeriodType: space bytes\n");
    assertThat(a.stacks()).containsExactlyElementsOf(alloc.stacks());

    Profile lock =
        profile(
            ProfileEvent.LOCK,
            "jdk.JavaMonitorEnter,jdk.ThreadPark",
            new FoldedStack(List.of("main", "Cache.get"), 30_000_000L));
    PprofRaw l = PprofRaw.parse(go.run("-raw", write(lock, Duration.ofMillis(20)).toString()));
    assertThat(l.sampleTypes()).isEqualTo("delay/nanoseconds[dflt]");
    assertThat(l.stacks()).containsExactlyElementsOf(lock.stacks());
  }

  @Test
  void oddNamesAndSyntheticFramesSurviveAsText() throws Exception {
    GoPprof go = GoPprof.require(tmp.resolve("go"));
    String longName = "com.example.Generated." + "x".repeat(FrameNames.MAX_LENGTH - 25) + "...";
    Profile odd =
        profile(
            ProfileEvent.CPU,
            "jdk.CPUTimeSample",
            new FoldedStack(List.of("[truncated]", "com.exämple.Ünïcode.méthod", "日本.処理"), 3),
            new FoldedStack(List.of("[overflow]"), 2),
            new FoldedStack(List.of("Foo$$Lambda.run", "with \"quotes\" and spaces", longName), 1),
            new FoldedStack(
                List.of("java.util.HashMap.<init>", "Outer$Inner.<clinit>", "a::b<int>(x)"), 1));
    PprofRaw raw = PprofRaw.parse(go.run("-raw", write(odd, Duration.ofMillis(10)).toString()));
    assertThat(raw.stacks()).containsExactlyElementsOf(odd.stacks());
  }

  @Test
  void aFullWindowOfDeepStacksRoundTrips() throws Exception {
    GoPprof go = GoPprof.require(tmp.resolve("go"));
    // 4096 stacks of 64 frames over 20,000 names: ids past 2^14 (3-byte varints), messages past 128
    // bytes.
    List<FoldedStack> stacks = new ArrayList<>();
    for (int s = 0; s < 4096; s++) {
      List<String> frames = new ArrayList<>();
      for (int d = 0; d < 64; d++) {
        frames.add("pkg.C" + ((s * 7 + d * 13) % 20_000) + ".m" + d);
      }
      stacks.add(new FoldedStack(frames, 4096 - s));
    }
    Profile big = new Profile(ProfileEvent.CPU, "jdk.ExecutionSample", FROM, TO, stacks, 0);
    PprofRaw raw = PprofRaw.parse(go.run("-raw", write(big, Duration.ofMillis(20)).toString()));
    assertThat(raw.stacks()).containsExactlyElementsOf(stacks);
  }

  @Test
  void anEmptyWindowIsAValidProfileWithNoSamples() throws Exception {
    GoPprof go = GoPprof.require(tmp.resolve("go"));
    Profile empty = profile(ProfileEvent.CPU, "jdk.ExecutionSample");
    PprofRaw raw = PprofRaw.parse(go.run("-raw", write(empty, Duration.ofMillis(20)).toString()));
    assertThat(raw.stacks()).isEmpty();
    assertThat(raw.sampleTypes()).isEqualTo("samples/count cpu/nanoseconds[dflt]");
  }

  @Test
  void theBodyIsOneGzipMemberAsNetHttpPprofServesIt() throws Exception {
    byte[] gz = PprofFormat.gzipped(cpu, Duration.ofMillis(20));
    assertThat(gz).startsWith((byte) 0x1f, (byte) 0x8b);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(PprofEncoder.encode(cpu, Duration.ofMillis(20)));
    }
  }
}
