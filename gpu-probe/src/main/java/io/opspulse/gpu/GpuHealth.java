package io.opspulse.gpu;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The signals that say a GPU is failing rather than busy: XID errors, PCIe replays and traffic,
 * NVLink state and errors, retired pages and remapped rows. Each is optional on its own; a GPU
 * without NVLink has no links.
 *
 * @param xidErrors critical XID events seen since the probe opened, by XID code
 */
public record GpuHealth(
    Map<Long, Long> xidErrors,
    OptionalLong pcieReplays,
    OptionalLong pcieTxBytesPerSecond,
    OptionalLong pcieRxBytesPerSecond,
    List<NvLink> nvLinks,
    OptionalLong retiredPagesSingleBit,
    OptionalLong retiredPagesDoubleBit,
    Optional<Boolean> retiredPagesPending,
    Optional<RemappedRows> remappedRows) {

  public static final GpuHealth NONE =
      new GpuHealth(
          Map.of(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          List.of(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          Optional.empty(),
          Optional.empty());

  public GpuHealth {
    xidErrors = Collections.unmodifiableSortedMap(new TreeMap<>(xidErrors));
    Objects.requireNonNull(pcieReplays, "pcieReplays");
    nvLinks = List.copyOf(nvLinks);
    Objects.requireNonNull(retiredPagesPending, "retiredPagesPending");
    Objects.requireNonNull(remappedRows, "remappedRows");
  }
}
