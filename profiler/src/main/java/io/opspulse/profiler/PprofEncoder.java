package io.opspulse.profiler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Profile} as pprof's {@code Profile} message (github.com/google/pprof,
 * proto/profile.proto), uncompressed. Frames carry names only (the folded stacks keep no file or
 * line), so each distinct frame is one {@code Function} and one {@code Location} with the same id,
 * and no {@code Mapping} is written: there is no native binary to symbolize, and pprof only
 * symbolizes locations that belong to one.
 */
final class PprofEncoder {
  // Field numbers of profile.proto.
  private static final int PROFILE_SAMPLE_TYPE = 1;
  private static final int PROFILE_SAMPLE = 2;
  private static final int PROFILE_LOCATION = 4;
  private static final int PROFILE_FUNCTION = 5;
  private static final int PROFILE_STRING_TABLE = 6;
  private static final int PROFILE_TIME_NANOS = 9;
  private static final int PROFILE_DURATION_NANOS = 10;
  private static final int PROFILE_PERIOD_TYPE = 11;
  private static final int PROFILE_PERIOD = 12;
  private static final int PROFILE_COMMENT = 13;
  private static final int PROFILE_DEFAULT_SAMPLE_TYPE = 14;
  private static final int VALUE_TYPE_TYPE = 1;
  private static final int VALUE_TYPE_UNIT = 2;
  private static final int SAMPLE_LOCATION_ID = 1;
  private static final int SAMPLE_VALUE = 2;
  private static final int LOCATION_ID = 1;
  private static final int LOCATION_LINE = 4;
  private static final int LINE_FUNCTION_ID = 1;
  private static final int FUNCTION_ID = 1;
  private static final int FUNCTION_NAME = 2;

  private final Map<String, Integer> strings = new HashMap<>();
  private final List<String> stringTable = new ArrayList<>();
  private final Map<String, Integer> functions = new HashMap<>();
  private final List<String> functionNames = new ArrayList<>();

  private PprofEncoder() {
    string(""); // index 0 is the empty string, as profile.proto requires
  }

  /**
   * The sample types of one event, named as Go's runtime names its own so that pprof tools,
   * Pyroscope and Parca recognise them: CPU as {@code samples/count} and {@code cpu/nanoseconds}
   * (each sample stands for one period of CPU), allocation as {@code alloc_space/bytes}, lock waits
   * as {@code delay/nanoseconds} (Go's mutex and block profiles). The profiler keeps weights, not
   * event counts, so allocation and lock profiles have no {@code count} type.
   */
  record SampleTypes(List<ValueType> types, ValueType periodType, long period) {
    static SampleTypes of(ProfileEvent event, Duration cpuPeriod) {
      ValueType cpu = new ValueType("cpu", "nanoseconds");
      return switch (event) {
        case CPU ->
            new SampleTypes(
                List.of(new ValueType("samples", "count"), cpu), cpu, cpuPeriod.toNanos());
        case ALLOC ->
            new SampleTypes(
                List.of(new ValueType("alloc_space", "bytes")), new ValueType("space", "bytes"), 0);
        case LOCK ->
            new SampleTypes(
                List.of(new ValueType("delay", "nanoseconds")),
                new ValueType("delay", "nanoseconds"),
                0);
      };
    }

    /** The type tools show unless told otherwise: the last, as Go's pprof would pick anyway. */
    ValueType defaultType() {
      return types.get(types.size() - 1);
    }

    /** The values of a stack of weight {@code weight}, one per sample type. */
    long[] values(long weight) {
      return types.size() == 2
          ? new long[] {weight, Math.multiplyExact(weight, period)}
          : new long[] {weight};
    }
  }

  /** A sample or period type: what is counted, in which unit. */
  record ValueType(String type, String unit) {}

  /**
   * {@code profile} as an uncompressed pprof message; CPU samples each stand for {@code cpuPeriod}.
   */
  static byte[] encode(Profile profile, Duration cpuPeriod) {
    if (cpuPeriod.isNegative() || cpuPeriod.isZero()) {
      throw new IllegalArgumentException("cpuPeriod: must be positive, got " + cpuPeriod);
    }
    return new PprofEncoder().write(profile, SampleTypes.of(profile.event(), cpuPeriod));
  }

  private byte[] write(Profile profile, SampleTypes types) {
    ProtoWriter out = new ProtoWriter();
    ProtoWriter part = new ProtoWriter();
    for (ValueType type : types.types()) {
      out.message(PROFILE_SAMPLE_TYPE, valueType(part.reset(), type));
    }
    for (FoldedStack stack : profile.stacks()) {
      List<String> frames = stack.frames();
      long[] locations = new long[frames.size()];
      for (int i = 0; i < locations.length; i++) {
        locations[i] = function(frames.get(frames.size() - 1 - i)); // pprof lists the leaf first
      }
      part.reset()
          .packed(SAMPLE_LOCATION_ID, locations)
          .packed(SAMPLE_VALUE, types.values(stack.weight()));
      out.message(PROFILE_SAMPLE, part);
    }
    ProtoWriter line = new ProtoWriter();
    for (int id = 1; id <= functionNames.size(); id++) {
      line.reset().int64(LINE_FUNCTION_ID, id);
      out.message(
          PROFILE_LOCATION, part.reset().int64(LOCATION_ID, id).message(LOCATION_LINE, line));
    }
    for (int id = 1; id <= functionNames.size(); id++) {
      long name = string(functionNames.get(id - 1));
      // No system_name: pprof "demangles" a function whose name equals its system name, and its C++
      // heuristics cut <...> out of it, which turns Java's Foo.<init> into Foo. (go tool pprof over
      // HTTP).
      out.message(PROFILE_FUNCTION, part.reset().int64(FUNCTION_ID, id).int64(FUNCTION_NAME, name));
    }
    out.int64(PROFILE_TIME_NANOS, epochNanos(profile.from()));
    out.int64(PROFILE_DURATION_NANOS, Duration.between(profile.from(), profile.to()).toNanos());
    out.message(PROFILE_PERIOD_TYPE, valueType(part.reset(), types.periodType()));
    out.int64(PROFILE_PERIOD, types.period());
    if (!profile.source().isEmpty()) {
      out.packed(PROFILE_COMMENT, new long[] {string("source=" + profile.source())});
    }
    out.int64(PROFILE_DEFAULT_SAMPLE_TYPE, string(types.defaultType().type()));
    // Last, once every string is interned: decoders resolve indexes after reading the whole
    // message.
    for (String s : stringTable) {
      out.string(PROFILE_STRING_TABLE, s);
    }
    return out.toByteArray();
  }

  private ProtoWriter valueType(ProtoWriter w, ValueType type) {
    return w.int64(VALUE_TYPE_TYPE, string(type.type()))
        .int64(VALUE_TYPE_UNIT, string(type.unit()));
  }

  private int function(String name) {
    Integer id = functions.get(name);
    if (id == null) {
      functionNames.add(name);
      id = functionNames.size();
      functions.put(name, id);
    }
    return id;
  }

  private int string(String s) {
    Integer i = strings.get(s);
    if (i == null) {
      i = stringTable.size();
      stringTable.add(s);
      strings.put(s, i);
    }
    return i;
  }

  private static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }
}
