// Builds PromQL from catalog names. Every selector names its metric through the catalog and every
// label it matches or groups by is checked against the metric's declared labels, so the queries can
// only drift from the contract by failing the build.
import { Catalog } from "./catalog";

/** The dashboard's filter variables: which label is filtered by which template variable. */
export type Filters = Record<string, string>;

/** The range every rate() and increase() uses: Grafana's interval that always spans enough scrapes. */
export const RATE_INTERVAL = "$__rate_interval";

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

export class Promql {
  constructor(private readonly catalog: Catalog, private readonly filters: Filters) {}

  /**
   * {@code metric{<dashboard filters>, <matchers>}}: the dashboard's variables are applied to every
   * label of theirs the metric carries (job and instance always), so one selector works for metrics
   * with and without compose or GPU labels.
   */
  sel(metric: string, ...matchers: string[]): string {
    return this.selector(metric, metric, matchers);
  }

  /** A histogram's _bucket/_sum/_count series, with the same filters and checks as {@link sel}. */
  hist(metric: string, part: "bucket" | "sum" | "count", ...matchers: string[]): string {
    return this.selector(metric, this.catalog.histogram(metric, part), matchers);
  }

  /** {@code rate(<selector>[$__rate_interval])}. */
  rate(selector: string): string {
    return `rate(${selector}[${RATE_INTERVAL}])`;
  }

  /** {@code by (labels)}, each label checked against every metric named. */
  by(metrics: string | string[], ...labels: string[]): string {
    for (const metric of Array.isArray(metrics) ? metrics : [metrics]) {
      for (const label of labels) {
        if (label !== "le") {
          this.catalog.requireLabel(metric, label);
        }
      }
    }
    return `by (${labels.join(", ")})`;
  }

  /** {@code on (labels)}, each label checked against every metric named. */
  on(metrics: string | string[], ...labels: string[]): string {
    return "on" + this.by(metrics, ...labels).substring(2);
  }

  /** A catalog threshold's value, formatted for PromQL. */
  threshold(key: string): string {
    return String(this.catalog.threshold(key).value);
  }

  private selector(metric: string, series: string, matchers: string[]): string {
    const parts: string[] = [];
    const matched = new Set<string>();
    for (const m of matchers) {
      const parsed = MATCHER.exec(m);
      if (parsed === null) {
        throw new Error(`${metric}: '${m}' is not a label matcher like label="value"`);
      }
      this.catalog.requireLabel(metric, parsed[1]);
      matched.add(parsed[1]);
    }
    for (const [label, variable] of Object.entries(this.filters)) {
      if (matched.has(label)) {
        continue;
      }
      const entry = this.catalog.metric(metric);
      if (this.catalog.targetLabels.includes(label) || entry.labels.includes(label)) {
        parts.push(`${label}=~"$${variable}"`);
      }
    }
    parts.push(...matchers.map((m) => m.trim()));
    return parts.length === 0 ? series : `${series}{${parts.join(", ")}}`;
  }
}
