import io.opspulse.gpu.GpuCommand;
import io.opspulse.gpu.GpuProbe;
import io.opspulse.gpu.GpuSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The comparing half of gpu-probe/device-check.sh, run as a single-file program on the exporter
 * jar's class path ({@code java -cp opspulse-exporter.jar DeviceCheck.java ...}), so it needs no
 * build of its own.
 *
 * <p>It takes nvidia-smi's readings before and after opspulse's (the exporter's /metrics and the
 * gpu command's JSON), so a moving value (utilisation, power, clocks, temperature) passes when
 * opspulse's reading lies within what nvidia-smi saw around it, widened by a tolerance; fixed
 * values (name, UUID, total memory) must match. Then it times GpuProbe.poll() per GPU. It writes
 * comparison.tsv, comparison.md, poll-timing.md and signals.md into the output folder and exits 1
 * when any field fails.
 *
 * <p>Arguments: --out DIR --metrics-url URL --nvidia-smi CMD [--polls N] [--wait-seconds S]
 * [--poll-goal-ms MS]
 */
public final class DeviceCheck {
  /** What nvidia-smi is asked, in this order; the brief's fields. */
  static final List<String> GPU_FIELDS =
      List.of(
          "name",
          "uuid",
          "memory.used",
          "memory.total",
          "utilization.gpu",
          "temperature.gpu",
          "power.draw",
          "clocks.sm",
          "clocks.mem");

  /** gpu_uuid beside the brief's pid and used_memory: a pid using two GPUs has a row per GPU. */
  static final List<String> APP_FIELDS = List.of("pid", "gpu_uuid", "used_memory");

  static final double MIB = 1024.0 * 1024.0;

  /**
   * The goal for one poll of one GPU; --poll-goal-ms overrides it (the stand-in test: load, not
   * NVML, decides).
   */
  static double pollGoalMillis = 5.0;

  record Row(
      String source,
      String gpu,
      String field,
      String smi,
      String opspulse,
      String tolerance,
      String result) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    Path out = Path.of(require(a, "--out"));
    String url = require(a, "--metrics-url");
    List<String> smi = List.of(require(a, "--nvidia-smi"));
    int polls = Integer.parseInt(a.getOrDefault("--polls", "100"));
    int waitSeconds = Integer.parseInt(a.getOrDefault("--wait-seconds", "60"));
    pollGoalMillis = Double.parseDouble(a.getOrDefault("--poll-goal-ms", "5"));
    Files.createDirectories(out);

    String firstScrape = waitForGpuMetrics(url, waitSeconds);
    Files.writeString(out.resolve("metrics-first.txt"), firstScrape);

    // The sandwich: nvidia-smi, one exporter poll interval, opspulse (exporter and gpu command),
    // nvidia-smi.
    List<List<String>> gpusBefore = smi(smi, "--query-gpu=" + String.join(",", GPU_FIELDS));
    List<List<String>> appsBefore =
        smi(smi, "--query-compute-apps=" + String.join(",", APP_FIELDS));
    Thread.sleep(1500);
    String scrape = get(url);
    String json = gpuCommandJson();
    List<List<String>> gpusAfter = smi(smi, "--query-gpu=" + String.join(",", GPU_FIELDS));
    List<List<String>> appsAfter = smi(smi, "--query-compute-apps=" + String.join(",", APP_FIELDS));
    Files.writeString(out.resolve("metrics.txt"), scrape);
    Files.writeString(out.resolve("gpu.json"), json);
    Files.writeString(
        out.resolve("nvidia-smi.csv"),
        "# before\n"
            + csv(gpusBefore)
            + "# after\n"
            + csv(gpusAfter)
            + "# compute apps before\n"
            + csv(appsBefore)
            + "# compute apps after\n"
            + csv(appsAfter));

    Metrics metrics = Metrics.parse(scrape);
    @SuppressWarnings("unchecked")
    List<Object> jsonGpus = (List<Object>) ((Map<String, Object>) Json.parse(json)).get("gpus");
    List<Row> rows = new ArrayList<>();
    if (gpusBefore.isEmpty()) {
      rows.add(new Row("-", "-", "gpus", "0", "-", "-", "FAIL"));
    }
    for (int i = 0; i < gpusBefore.size(); i++) {
      List<String> before = gpusBefore.get(i);
      List<String> after = i < gpusAfter.size() ? gpusAfter.get(i) : before;
      String uuid = before.get(1);
      compareExporter(rows, metrics, uuid, before, after);
      compareJson(rows, jsonGpus, uuid, before, after);
    }
    compareProcesses(rows, metrics, appsBefore, appsAfter);

    Timing timing = timePolls(polls);
    boolean timingOk = timing.medianPerGpuMillis < pollGoalMillis;
    long failed = rows.stream().filter(r -> r.result.equals("FAIL")).count();
    long passed = rows.stream().filter(r -> r.result.equals("PASS")).count();

    writeTsv(out.resolve("comparison.tsv"), rows);
    writeMarkdown(out.resolve("comparison.md"), rows, passed, failed);
    Files.writeString(out.resolve("poll-timing.md"), timing.markdown(metrics));
    Files.writeString(out.resolve("signals.md"), signals(metrics));
    String verdict =
        (failed == 0 && !rows.isEmpty() ? "PASS" : "FAIL")
            + " fields: "
            + passed
            + " passed, "
            + failed
            + " failed; poll time per GPU: median "
            + fmt(timing.medianPerGpuMillis)
            + " ms (goal < "
            + pollGoalMillis
            + " ms: "
            + (timingOk ? "PASS" : "FAIL")
            + ")";
    Files.writeString(out.resolve("verdict.txt"), verdict + "\n");
    System.out.println(verdict);
    System.exit(failed == 0 && !rows.isEmpty() && timingOk ? 0 : 1);
  }

  // --- comparisons -------------------------------------------------------------------------------

  /** How far opspulse may be from nvidia-smi's range for one field; exact fields have none. */
  static double tolerance(String field, double smiValue) {
    return switch (field) {
      case "memory.used" -> 64; // MiB: allocations move between the two readings
      case "memory.total" -> 1; // MiB: rounding
      case "utilization.gpu" -> 15; // percentage points: NVML's sample window is not nvidia-smi's
      case "temperature.gpu" -> 3; // C
      case "power.draw" ->
          Math.max(10, 0.1 * smiValue); // W: averaged differently by driver versions
      case "clocks.sm", "clocks.mem" -> Math.max(50, 0.1 * smiValue); // MHz: boost moves
      default -> 0;
    };
  }

  private static void compareExporter(
      List<Row> rows, Metrics m, String uuid, List<String> before, List<String> after) {
    String gpu =
        m.first("hw_gpu_memory_limit_bytes", Map.of("hw_id", uuid))
            .map(s -> s.labels.get("gpu"))
            .orElse("?");
    Map<String, String> id = Map.of("hw_id", uuid);
    text(
        rows,
        "exporter",
        gpu,
        "name",
        before.get(0),
        m.first("hw_gpu_memory_limit_bytes", id).map(s -> s.labels.get("hw_name")).orElse(null));
    text(
        rows,
        "exporter",
        gpu,
        "uuid",
        uuid,
        m.first("hw_gpu_memory_limit_bytes", id).isPresent() ? uuid : null);
    number(
        rows,
        "exporter",
        gpu,
        "memory.used",
        before,
        after,
        2,
        m.value("hw_gpu_memory_usage_bytes", id).map(v -> v / MIB).orElse(null));
    number(
        rows,
        "exporter",
        gpu,
        "memory.total",
        before,
        after,
        3,
        m.value("hw_gpu_memory_limit_bytes", id).map(v -> v / MIB).orElse(null));
    number(
        rows,
        "exporter",
        gpu,
        "utilization.gpu",
        before,
        after,
        4,
        m.value("hw_gpu_utilization_ratio", Map.of("hw_id", uuid, "hw_gpu_task", "general"))
            .map(v -> v * 100)
            .orElse(null));
    number(
        rows,
        "exporter",
        gpu,
        "temperature.gpu",
        before,
        after,
        5,
        m.value("hw_temperature_celsius", id).orElse(null));
    number(
        rows,
        "exporter",
        gpu,
        "power.draw",
        before,
        after,
        6,
        m.value("hw_power_watts", id).orElse(null));
    number(
        rows,
        "exporter",
        gpu,
        "clocks.sm",
        before,
        after,
        7,
        m.value("opspulse_gpu_clock_hertz", Map.of("hw_id", uuid, "clock", "sm"))
            .map(v -> v / 1e6)
            .orElse(null));
    number(
        rows,
        "exporter",
        gpu,
        "clocks.mem",
        before,
        after,
        8,
        m.value("opspulse_gpu_clock_hertz", Map.of("hw_id", uuid, "clock", "memory"))
            .map(v -> v / 1e6)
            .orElse(null));
  }

  @SuppressWarnings("unchecked")
  private static void compareJson(
      List<Row> rows, List<Object> gpus, String uuid, List<String> before, List<String> after) {
    Map<String, Object> d =
        gpus.stream()
            .map(g -> (Map<String, Object>) g)
            .filter(g -> uuid.equals(g.get("uuid")))
            .findFirst()
            .orElse(Map.of());
    String gpu = d.containsKey("index") ? fmt((Double) d.get("index")) : "?";
    text(rows, "gpu --json", gpu, "name", before.get(0), (String) d.get("name"));
    text(rows, "gpu --json", gpu, "uuid", uuid, (String) d.get("uuid"));
    number(
        rows,
        "gpu --json",
        gpu,
        "memory.used",
        before,
        after,
        2,
        scaled(d.get("memory_used_bytes"), 1 / MIB));
    number(
        rows,
        "gpu --json",
        gpu,
        "memory.total",
        before,
        after,
        3,
        scaled(d.get("memory_total_bytes"), 1 / MIB));
    number(
        rows,
        "gpu --json",
        gpu,
        "utilization.gpu",
        before,
        after,
        4,
        scaled(d.get("utilization_gpu_percent"), 1));
    number(
        rows,
        "gpu --json",
        gpu,
        "temperature.gpu",
        before,
        after,
        5,
        scaled(d.get("temperature_celsius"), 1));
    number(
        rows,
        "gpu --json",
        gpu,
        "power.draw",
        before,
        after,
        6,
        scaled(d.get("power_milliwatts"), 1e-3));
    number(
        rows, "gpu --json", gpu, "clocks.sm", before, after, 7, scaled(d.get("sm_clock_mhz"), 1));
    number(
        rows,
        "gpu --json",
        gpu,
        "clocks.mem",
        before,
        after,
        8,
        scaled(d.get("memory_clock_mhz"), 1));
  }

  /**
   * Each compute app nvidia-smi saw both times must be in the exporter's process series with its
   * memory.
   */
  private static void compareProcesses(
      List<Row> rows, Metrics m, List<List<String>> before, List<List<String>> after) {
    for (List<String> app : after) {
      String pid = app.get(0);
      String uuid = app.get(1);
      List<String> earlier =
          before.stream()
              .filter(b -> b.get(0).equals(pid) && b.get(1).equals(uuid))
              .findFirst()
              .orElse(null);
      if (earlier == null) {
        continue; // started between the two readings: nothing stable to compare
      }
      String gpu =
          m.first("hw_gpu_memory_limit_bytes", Map.of("hw_id", uuid))
              .map(s -> s.labels.get("gpu"))
              .orElse("?");
      Double ops =
          m.sum(
                  "opspulse_gpu_process_memory_bytes",
                  Map.of("hw_id", uuid, "pid", pid, "process_type", "compute"))
              .map(v -> v / MIB)
              .orElse(null);
      if (ops == null) {
        // A pid nvidia-smi lists as compute may be compute_graphics to NVML's two lists.
        ops =
            m.sum(
                    "opspulse_gpu_process_memory_bytes",
                    Map.of("hw_id", uuid, "pid", pid, "process_type", "compute_graphics"))
                .map(v -> v / MIB)
                .orElse(null);
      }
      number(
          rows,
          "exporter",
          gpu,
          "process " + pid + " used_memory",
          List.of(earlier.get(2)),
          List.of(app.get(2)),
          0,
          ops,
          2);
    }
  }

  private static Double scaled(Object v, double factor) {
    return v instanceof Double d ? d * factor : null;
  }

  private static void text(
      List<Row> rows, String source, String gpu, String field, String smi, String ops) {
    String result = ops == null ? "FAIL" : smi.equals(ops) ? "PASS" : "FAIL";
    rows.add(new Row(source, gpu, field, smi, ops == null ? "(missing)" : ops, "exact", result));
  }

  private static void number(
      List<Row> rows,
      String source,
      String gpu,
      String field,
      List<String> before,
      List<String> after,
      int column,
      Double ops) {
    number(
        rows,
        source,
        gpu,
        field,
        List.of(before.get(column)),
        List.of(after.get(column)),
        0,
        ops,
        -1);
  }

  /**
   * Passes when {@code ops} lies within [min - tol, max + tol] of nvidia-smi's two readings.
   * nvidia-smi answering N/A means the GPU lacks the reading: then opspulse must lack it too.
   */
  private static void number(
      List<Row> rows,
      String source,
      String gpu,
      String field,
      List<String> before,
      List<String> after,
      int column,
      Double ops,
      double fixedTolerance) {
    Double a = parse(before.get(column));
    Double b = parse(after.get(column));
    String smiText =
        before.get(column).equals(after.get(column))
            ? before.get(column)
            : before.get(column) + " .. " + after.get(column);
    if (a == null || b == null) {
      rows.add(
          new Row(
              source,
              gpu,
              field,
              smiText,
              ops == null ? "(missing)" : fmt(ops),
              "-",
              ops == null ? "PASS" : "FAIL"));
      return;
    }
    double lo = Math.min(a, b);
    double hi = Math.max(a, b);
    double tol = fixedTolerance >= 0 ? fixedTolerance : tolerance(field, hi);
    String result = ops != null && ops >= lo - tol && ops <= hi + tol ? "PASS" : "FAIL";
    rows.add(
        new Row(
            source,
            gpu,
            field,
            smiText,
            ops == null ? "(missing)" : fmt(ops),
            "±" + fmt(tol),
            result));
  }

  private static Double parse(String s) {
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      return null; // [N/A], [Not Supported]
    }
  }

  // --- poll timing -------------------------------------------------------------------------------

  record Timing(
      int gpus,
      int polls,
      double medianPerGpuMillis,
      double p95PerGpuMillis,
      double maxPerGpuMillis,
      String status) {
    String markdown(Metrics m) {
      String exporter =
          m.value("opspulse_gpu_poll_duration_seconds", Map.of())
              .map(v -> fmt(v * 1000 / Math.max(1, gpus)) + " ms per GPU (its last poll)")
              .orElse("(missing)");
      return "# GpuProbe.poll() time per GPU\n\n"
          + "| GPUs | polls (after 10 warm-up) | median | p95 | max | goal | result |\n|---|---|---|---|---|---|---|\n"
          + "| "
          + gpus
          + " | "
          + polls
          + " | "
          + fmt(medianPerGpuMillis)
          + " ms | "
          + fmt(p95PerGpuMillis)
          + " ms | "
          + fmt(maxPerGpuMillis)
          + " ms | < "
          + pollGoalMillis
          + " ms | "
          + (medianPerGpuMillis < pollGoalMillis ? "PASS" : "FAIL")
          + " |\n\n"
          + "Probe status: "
          + status
          + ". The exporter's own opspulse_gpu_poll_duration_seconds: "
          + exporter
          + ".\n";
    }
  }

  /**
   * Polls NVML in this JVM, as the exporter's poller does, and divides each poll by the GPU count.
   */
  static Timing timePolls(int polls) {
    try (GpuProbe probe = GpuProbe.open()) {
      for (int i = 0; i < 10; i++) {
        probe.poll();
      }
      double[] perGpu = new double[polls];
      int gpus = 0;
      String status = "ok";
      for (int i = 0; i < polls; i++) {
        GpuSnapshot s = probe.poll();
        gpus = Math.max(1, s.devices().size());
        status = s.status().label();
        perGpu[i] = s.pollDuration().toNanos() / 1e6 / gpus;
      }
      Arrays.sort(perGpu);
      return new Timing(
          gpus,
          polls,
          perGpu[polls / 2],
          perGpu[(int) Math.min(polls - 1, Math.ceil(polls * 0.95) - 1)],
          perGpu[polls - 1],
          status);
    }
  }

  // --- what else the exporter published: the dcgm-style signals, for the record
  // ---------------------

  static String signals(Metrics m) {
    StringBuilder out =
        new StringBuilder("# Health signals as this GPU reported them (for the record)\n\n")
            .append(
                "No series means NVML answered NOT_SUPPORTED (or the GPU lacks the feature).\n\n")
            .append("| series | labels | value |\n|---|---|---|\n");
    for (Sample s : m.samples) {
      if (s.name.startsWith("opspulse_gpu_xid")
          || s.name.startsWith("opspulse_gpu_pcie")
          || s.name.startsWith("opspulse_gpu_nvlink")
          || s.name.startsWith("opspulse_gpu_retired")
          || s.name.startsWith("opspulse_gpu_remapped")
          || s.name.startsWith("opspulse_gpu_row_remap")
          || s.name.startsWith("opspulse_gpu_mig")
          || s.name.equals("opspulse_gpu_probe_up")
          || s.name.equals("opspulse_gpu_process_memory_bytes")) {
        out.append("| ")
            .append(s.name)
            .append(" | ")
            .append(s.labels.toString().replace("|", "/"))
            .append(" | ")
            .append(fmt(s.value))
            .append(" |\n");
      }
    }
    return out.toString();
  }

  // --- output
  // -------------------------------------------------------------------------------------

  private static void writeTsv(Path file, List<Row> rows) throws IOException {
    StringBuilder out =
        new StringBuilder("source\tgpu\tfield\tnvidia_smi\topspulse\ttolerance\tresult\n");
    for (Row r : rows) {
      out.append(
              String.join("\t", r.source, r.gpu, r.field, r.smi, r.opspulse, r.tolerance, r.result))
          .append('\n');
    }
    Files.writeString(file, out.toString());
  }

  private static void writeMarkdown(Path file, List<Row> rows, long passed, long failed)
      throws IOException {
    StringBuilder out =
        new StringBuilder("# opspulse vs nvidia-smi\n\n")
            .append(passed)
            .append(" passed, ")
            .append(failed)
            .append(" failed. Moving values pass within nvidia-smi's ")
            .append("readings before and after opspulse's, widened by the tolerance.\n\n")
            .append(
                "| source | gpu | field | nvidia-smi | opspulse | tolerance | result |\n|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      out.append("| ")
          .append(
              String.join(
                  " | ",
                  r.source,
                  r.gpu,
                  r.field,
                  r.smi.replace("|", "/"),
                  r.opspulse.replace("|", "/"),
                  r.tolerance,
                  r.result))
          .append(" |\n");
    }
    Files.writeString(file, out.toString());
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String csv(List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    rows.forEach(r -> out.append(String.join(", ", r)).append('\n'));
    return out.toString();
  }

  // --- plumbing
  // ------------------------------------------------------------------------------------

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      System.err.println("DeviceCheck: missing " + key);
      System.exit(2);
    }
    return v;
  }

  /** nvidia-smi's CSV (noheader, nounits) as rows of trimmed cells. */
  static List<List<String>> smi(List<String> command, String query)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(command);
    cmd.add(query);
    cmd.add("--format=csv,noheader,nounits");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + text);
    }
    List<List<String>> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        rows.add(Arrays.stream(line.split(",")).map(String::strip).toList());
      }
    }
    return rows;
  }

  /**
   * The gpu command's JSON, through its real picocli entry point, in this JVM (no second JVM
   * start).
   */
  static String gpuCommandJson() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new GpuCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("--json");
    if (exit != 0) {
      System.err.println("gpu --json exited " + exit + ": " + err);
    }
    return out.toString();
  }

  static String waitForGpuMetrics(String url, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = get(url);
        if (last.contains("opspulse_gpu_devices")) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "no GPU metrics at "
            + url
            + " within "
            + seconds
            + " s; last answer: "
            + last.substring(0, Math.min(2000, last.length())));
  }

  static String get(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  /** One sample of the Prometheus text format. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** The samples of one scrape, with label-subset lookups. */
  record Metrics(List<Sample> samples) {
    static Metrics parse(String text) {
      List<Sample> out = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0 && brace < space) {
          name = line.substring(0, brace);
          int i = brace + 1;
          while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            StringBuilder v = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"') {
              char c = line.charAt(j);
              if (c == '\\') {
                char n = line.charAt(++j);
                v.append(n == 'n' ? '\n' : n);
              } else {
                v.append(c);
              }
              j++;
            }
            labels.put(key, v.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
              i++;
            }
          }
          space = line.indexOf(' ', line.indexOf('}', i));
        } else {
          name = line.substring(0, line.indexOf(' '));
          space = line.indexOf(' ');
        }
        String[] rest = line.substring(space + 1).strip().split(" ");
        out.add(new Sample(name, labels, Double.parseDouble(rest[0])));
      }
      return new Metrics(out);
    }

    java.util.Optional<Sample> first(String name, Map<String, String> match) {
      return samples.stream()
          .filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(match.entrySet()))
          .findFirst();
    }

    java.util.Optional<Double> value(String name, Map<String, String> match) {
      return first(name, match).map(Sample::value);
    }

    java.util.Optional<Double> sum(String name, Map<String, String> match) {
      List<Sample> found =
          samples.stream()
              .filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(match.entrySet()))
              .toList();
      return found.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(found.stream().mapToDouble(Sample::value).sum());
    }
  }

  /**
   * Just enough JSON for the gpu command's output: objects, arrays, strings, numbers, booleans,
   * null.
   */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json j = new Json(text);
      Object v = j.value();
      j.ws();
      if (j.i != text.length()) {
        throw new IllegalArgumentException("JSON: trailing text at " + j.i);
      }
      return v;
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private Object value() {
      ws();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        while (true) {
          ws();
          String k = string();
          ws();
          i++; // :
          m.put(k, value());
          ws();
          if (s.charAt(i++) == '}') {
            return m;
          }
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value());
          ws();
          if (s.charAt(i++) == ']') {
            return l;
          }
        }
      }
      if (c == '"') {
        return string();
      }
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      return Double.parseDouble(s.substring(start, i));
    }

    private String string() {
      StringBuilder b = new StringBuilder();
      i++; // opening quote
      while (s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'r' -> b.append('\r');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      i++;
      return b.toString();
    }
  }
}
