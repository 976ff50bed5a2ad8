package io.opspulse.exporter;

import static io.opspulse.catalog.DockerMetrics.CONTAINER_LABELS;

import io.opspulse.catalog.LabelValues;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The label sets of one container's series, built once and reused for as long as what they show
 * (name, compose labels, image, origin, allow-listed Docker labels) stays the same. A rendering of
 * 1,000 containers would otherwise build and validate about 20,000 label sets each time a cgroup
 * sample lands.
 */
final class ContainerLabels {
  private final Identity identity;

  /**
   * id, name, compose_project, compose_service: the whole label set of most per-container series.
   */
  final Labels id;

  /** {@link #id} plus image, origin and the allow-listed Docker labels. */
  final Labels info;

  /** {@link #id} plus state, one per {@link LabelValues#CONTAINER_STATES}, in that order. */
  final Labels[] states;

  /** {@link #id} plus reason, by {@link ExitReason#ordinal()}. */
  final Labels[] reasons;

  /** {@link #id} plus status, one per {@link LabelValues#HEALTH_STATUSES}, in that order. */
  final Labels[] health;

  private ContainerLabels(Identity identity, Map<String, String> allowListedNames) {
    this.identity = identity;
    this.id =
        Labels.of(
            CONTAINER_LABELS.toArray(String[]::new),
            new String[] {
              identity.shortId,
              LabelText.value(identity.name),
              LabelText.value(identity.project),
              LabelText.value(identity.service)
            });
    Labels withInfo =
        id.merge(
            new String[] {"image", "origin"},
            new String[] {LabelText.value(identity.image), identity.origin.label()});
    int i = 0;
    for (String value : identity.allowListedValues) {
      if (value != null) {
        withInfo =
            withInfo.add(allowListedNames.get(identity.allowList.get(i)), LabelText.value(value));
      }
      i++;
    }
    this.info = withInfo;
    this.states = extend(id, "state", LabelValues.CONTAINER_STATES);
    List<String> reasonValues = new ArrayList<>();
    for (ExitReason r : ExitReason.values()) {
      reasonValues.add(r.label());
    }
    this.reasons = extend(id, "reason", reasonValues);
    this.health = extend(id, "status", LabelValues.HEALTH_STATUSES);
  }

  /**
   * The labels for {@code c}: {@code previous} when it still shows the same identity, new ones
   * otherwise. {@code allowListedNames} maps each allow-listed Docker label to its Prometheus label
   * name.
   */
  static ContainerLabels of(
      FleetView.ContainerView c,
      @Nullable ContainerLabels previous,
      List<String> allowList,
      Map<String, String> allowListedNames) {
    Identity now = Identity.of(c, allowList);
    if (previous != null && previous.identity.equals(now)) {
      return previous;
    }
    return new ContainerLabels(now, allowListedNames);
  }

  private static Labels[] extend(Labels id, String name, List<String> values) {
    Labels[] out = new Labels[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = id.add(name, values.get(i));
    }
    return out;
  }

  /** What the label values are made of, before sanitising. */
  private record Identity(
      String shortId,
      String name,
      String project,
      String service,
      String image,
      Origin origin,
      List<String> allowList,
      List<String> allowListedValues) {
    static Identity of(FleetView.ContainerView c, List<String> allowList) {
      ContainerInfo i = c.info();
      List<String> values = new ArrayList<>(allowList.size());
      for (String label : allowList) {
        values.add(i.labels().get(label));
      }
      return new Identity(
          i.shortId(),
          i.name(),
          i.composeProject(),
          i.composeService(),
          i.image(),
          c.origin(),
          allowList,
          values);
    }
  }
}
