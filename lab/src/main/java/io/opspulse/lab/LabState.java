package io.opspulse.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a running lab started, on disk ({@code .lab/state.json} in the repository), so that {@code
 * ./opspulse stop} in another terminal can remove all of it by pid even when the lab's own JVM is
 * gone. Rewritten (atomically) after every start, so a lab interrupted half-way is still known.
 */
final class LabState {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /**
   * One process the lab started; {@code startMillis} tells it apart from a later process reusing
   * the pid.
   */
  record Proc(String label, long pid, @Nullable Long startMillis) {
    static Proc of(String label, long pid) {
      return new Proc(
          label,
          pid,
          ProcessHandle.of(pid)
              .flatMap(h -> h.info().startInstant())
              .map(java.time.Instant::toEpochMilli)
              .orElse(null));
    }
  }

  /** The file's content. */
  record Data(
      long labPid,
      @Nullable Long labStartMillis,
      @Nullable String workDir,
      @Nullable String dockerHost,
      @Nullable String privateDaemonRoot,
      List<Proc> processes,
      List<String> dirs,
      Map<String, String> urls) {}

  private final Path file;
  private final long labPid = ProcessHandle.current().pid();
  private final @Nullable Long labStart =
      ProcessHandle.current()
          .info()
          .startInstant()
          .map(java.time.Instant::toEpochMilli)
          .orElse(null);
  private final List<Proc> processes = new ArrayList<>();
  private final List<String> dirs = new ArrayList<>();
  private final Map<String, String> urls = new LinkedHashMap<>();
  private @Nullable String workDir;
  private @Nullable String dockerHost;
  private @Nullable String privateDaemonRoot;

  LabState(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  synchronized void workDir(Path dir) {
    workDir = dir.toString();
    save();
  }

  synchronized void docker(String host, @Nullable Path privateRoot) {
    dockerHost = host;
    privateDaemonRoot = privateRoot == null ? null : privateRoot.toString();
    save();
  }

  synchronized void process(String label, long pid) {
    processes.add(Proc.of(label, pid));
    save();
  }

  synchronized void dir(Path dir) {
    dirs.add(dir.toString());
    save();
  }

  synchronized void url(String what, String url) {
    urls.put(what, url);
    save();
  }

  synchronized Data data() {
    return new Data(
        labPid,
        labStart,
        workDir,
        dockerHost,
        privateDaemonRoot,
        List.copyOf(processes),
        List.copyOf(dirs),
        new LinkedHashMap<>(urls));
  }

  private void save() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), data());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write the lab's state", e);
    }
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<Data> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Data.class));
    } catch (IOException e) {
      throw new IllegalStateException(
          file + ": not a lab state file (" + e.getMessage() + "); remove it by hand", e);
    }
  }
}
