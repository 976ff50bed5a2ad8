// The metric contract, read from catalog/catalog.json (written by the catalog module's CatalogJson).
// Every metric name, label, unit and threshold a dashboard uses goes through this class, and every
// lookup fails loudly: a metric renamed in the catalog breaks the dashboards' build instead of
// leaving a panel that silently shows "No data".
import { readFileSync } from "node:fs";

export interface MetricEntry {
  name: string;
  type: "gauge" | "counter" | "histogram";
  unit: string;
  source: string;
  labels: string[];
  help: string;
}

export interface ThresholdEntry {
  key: string;
  value: number;
  unit: string;
  for: string;
  meaning: string;
}

export class Catalog {
  private readonly metrics = new Map<string, MetricEntry>();
  private readonly thresholds = new Map<string, ThresholdEntry>();
  private readonly labelValueSets = new Map<string, string[]>();
  /** Labels Prometheus attaches to every scraped series (job, instance); the catalog's "targetLabels". */
  readonly targetLabels: string[];

  private constructor(readonly path: string, raw: unknown) {
    const root = raw as {
      metrics?: MetricEntry[];
      thresholds?: Record<string, Omit<ThresholdEntry, "key">>;
      labelValues?: Record<string, string[]>;
      targetLabels?: string[];
    };
    if (!Array.isArray(root.metrics) || typeof root.thresholds !== "object" || root.thresholds === null) {
      throw new Error(`${path}: expected "metrics" (array) and "thresholds" (object) at the top level`);
    }
    if (!Array.isArray(root.targetLabels)) {
      throw new Error(`${path}: expected "targetLabels" (array) at the top level`);
    }
    this.targetLabels = root.targetLabels;
    for (const m of root.metrics) {
      this.metrics.set(m.name, m);
    }
    for (const [key, t] of Object.entries(root.thresholds)) {
      this.thresholds.set(key, { key, ...t });
    }
    for (const [key, values] of Object.entries(root.labelValues ?? {})) {
      this.labelValueSets.set(key, values);
    }
  }

  static load(path: string): Catalog {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new Error(`${path}: cannot read the catalog (${(e as Error).message})`);
    }
    try {
      return new Catalog(path, JSON.parse(text));
    } catch (e) {
      throw new Error(`${path}: not a valid catalog: ${(e as Error).message}`);
    }
  }

  /** The metric named {@code name}; throws when the catalog does not declare it. */
  metric(name: string): MetricEntry {
    const m = this.metrics.get(name);
    if (m === undefined) {
      throw new Error(`${this.path}: a dashboard uses metric '${name}', which the catalog does not declare`);
    }
    return m;
  }

  /** The series name of a histogram's part (_bucket, _sum, _count); throws unless it is a histogram. */
  histogram(name: string, part: "bucket" | "sum" | "count"): string {
    const m = this.metric(name);
    if (m.type !== "histogram") {
      throw new Error(`${this.path}: '${name}' is a ${m.type}, but a dashboard reads its _${part} series`);
    }
    return `${m.name}_${part}`;
  }

  /** Throws unless {@code label} is one of the metric's labels (or a target label). */
  requireLabel(name: string, label: string): void {
    const m = this.metric(name);
    if (!m.labels.includes(label) && !this.targetLabels.includes(label)) {
      throw new Error(`${this.path}: a dashboard uses label '${label}' on '${name}', whose labels are [${m.labels.join(", ")}]`);
    }
  }

  threshold(key: string): ThresholdEntry {
    const t = this.thresholds.get(key);
    if (t === undefined) {
      throw new Error(`${this.path}: a dashboard uses threshold '${key}', which the catalog does not declare`);
    }
    return t;
  }

  /** A closed set of label values (origin, exitReason, containerState, healthStatus). */
  labelValues(key: string): string[] {
    const v = this.labelValueSets.get(key);
    if (v === undefined) {
      throw new Error(`${this.path}: a dashboard uses label value set '${key}', which the catalog does not declare`);
    }
    return v;
  }

  /** Throws unless {@code value} is in the closed set {@code key}; returns it. */
  labelValue(key: string, value: string): string {
    if (!this.labelValues(key).includes(value)) {
      throw new Error(`${this.path}: a dashboard matches ${key}="${value}", which is not one of [${this.labelValues(key).join(", ")}]`);
    }
    return value;
  }
}
