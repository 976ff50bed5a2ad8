package io.opspulse.exporter;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Untrusted text the compose and cgroup code reads: compose labels any container can carry,
 * variables in compose files and .env files, /proc/pid/cgroup paths. Each is answered or refused;
 * nothing else.
 */
class ComposeInputsFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void refusesButNeverThrows(FuzzedDataProvider data) {
    switch (data.consumeInt(0, 3)) {
      case 0 -> {
        ComposeLabels labels =
            new ComposeLabels(
                data.consumeString(64),
                data.consumeString(512),
                data.consumeString(256),
                data.consumeRemainingAsString());
        try {
          labels.resolve();
        } catch (ComposeLabels.RefusedException expected) {
          // counted by reason by the reconciler
        }
        new ComposeReconciler(List.of(), List.of()).refresh(List.of(labels));
      }
      case 1 -> {
        try {
          Interpolation.apply(data.consumeRemainingAsString(), Map.of("A", "a", "EMPTY", ""));
        } catch (Interpolation.Failure expected) {
          // a file error naming file:line
        }
      }
      case 2 -> Interpolation.parseEnvFile(data.consumeRemainingAsString());
      default ->
          CgroupReader.resolve(
              Path.of("/nonexistent-cgroup-root"),
              data.consumeString(512),
              data.consumeRemainingAsString());
    }
  }
}
