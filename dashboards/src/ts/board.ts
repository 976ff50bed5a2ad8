// One dashboard under construction: the conventions every opspulse dashboard follows live here, so
// the dashboard files only say what each panel shows. Every panel gets a title, a description,
// a unit, the $datasource variable, and thresholds taken from the catalog (or none at all, so Grafana's
// default "red at 80" never appears on a panel the alerts do not watch).
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import { Catalog } from "./catalog";
import { Filters, Promql } from "./promql";

export const DATASOURCE: common.DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** The dashboards, by uid: links between them use these. */
export const DASHBOARDS = [
  { uid: "opspulse-fleet", title: "opspulse / Fleet overview" },
  { uid: "opspulse-containers", title: "opspulse / Containers" },
  { uid: "opspulse-gpus", title: "opspulse / GPUs" },
  { uid: "opspulse-jvm", title: "opspulse / JVM service" },
  { uid: "opspulse-host", title: "opspulse / Host" },
] as const;

export interface Query {
  expr: string;
  legend?: string;
  /** Instant query in table format (tables, stats and bar gauges that show "now"). */
  instant?: boolean;
}

/** Colours below the first catalog threshold, then at each threshold, in ascending order. */
export interface ThresholdSpec {
  base: string;
  steps: Array<[key: string, color: string]>;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  thresholds?: ThresholdSpec;
  min?: number;
  max?: number;
  /** Value to text/colour, for state-like values (0/1). */
  mappings?: Record<string, { text: string; color: string }>;
  w: number;
  h: number;
}

/** Threshold units from the catalog and the Grafana units a panel drawing them may use. */
const THRESHOLD_UNITS: Record<string, string[]> = {
  ratio: ["percentunit"],
  seconds: ["s"],
  "": ["short", "none", "suffix:/h"],
};

export class Board {
  readonly q: Promql;
  private readonly builder: dashboard.DashboardBuilder;
  private nextId = 1;
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  constructor(
    readonly catalog: Catalog,
    readonly uid: (typeof DASHBOARDS)[number]["uid"],
    description: string,
    tags: string[],
    filters: Filters,
  ) {
    const title = DASHBOARDS.find((d) => d.uid === uid)!.title;
    this.q = new Promql(catalog, filters);
    this.builder = new dashboard.DashboardBuilder(title)
      .uid(uid)
      .description(description)
      .tags(["opspulse", ...tags])
      .editable()
      .timezone("browser")
      .time({ from: "now-1h", to: "now" })
      .refresh("30s")
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(
        new dashboard.DatasourceVariableBuilder("datasource")
          .label("Data source")
          .description("The Prometheus that scrapes the opspulse exporter and the agent-instrumented services.")
          .type("prometheus"),
      );
    for (const other of DASHBOARDS) {
      if (other.uid !== uid) {
        this.builder.link(
          new dashboard.DashboardLinkBuilder(other.title)
            .type(dashboard.DashboardLinkType.Link)
            .url(`/d/${other.uid}`)
            .tooltip(`Open ${other.title} with the same time range and filters`)
            .icon("dashboard")
            .includeVars(true)
            .keepTime(true),
        );
      }
    }
  }

  /**
   * A filter variable over the label values of {@code metric}, narrowed by the variables declared
   * before it. Multi-valued with "All" as {@code .*}, so series whose label is empty (a container
   * outside compose) still match when nothing is picked.
   */
  variable(name: string, label: string, metric: string, narrowBy: Record<string, string>, title: string): this {
    this.catalog.requireLabel(metric, label);
    // A histogram has no series of its own name: list label values from its _count series.
    const series = this.catalog.metric(metric).type === "histogram" ? this.catalog.histogram(metric, "count") : metric;
    const matchers = Object.entries(narrowBy).map(([l, v]) => {
      this.catalog.requireLabel(metric, l);
      return `${l}=~"$${v}"`;
    });
    const query = `label_values(${series}${matchers.length ? `{${matchers.join(", ")}}` : ""}, ${label})`;
    this.builder.withVariable(
      new dashboard.QueryVariableBuilder(name)
        .label(title)
        .description(`Filters every panel by the ${label} label.`)
        .datasource(DATASOURCE)
        .query(query)
        .definition(query)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue(".*")
        .current({ selected: true, text: ["All"], value: ["$__all"] }),
    );
    return this;
  }

  /** Starts the next panels on a new line of the grid. */
  newLine(): this {
    if (this.x > 0) {
      this.x = 0;
      this.y += this.rowHeight;
      this.rowHeight = 0;
    }
    return this;
  }

  /**
   * A row header across the grid (expanded): the panels after it, up to the next row, are its panels,
   * and Grafana folds them away when the row is collapsed.
   */
  row(title: string): this {
    this.newLine();
    this.builder.withRow(new dashboard.RowBuilder(title).id(this.nextId++).gridPos({ x: 0, y: this.y, w: 24, h: 1 }));
    this.y += 1;
    return this;
  }

  timeseries(spec: PanelSpec, configure?: (p: timeseries.PanelBuilder) => void): this {
    const p = new timeseries.PanelBuilder()
      .lineWidth(1)
      .fillOpacity(10)
      .showPoints(common.VisibilityMode.Never)
      .legend(new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .calcs([]))
      .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
    if (spec.thresholds) {
      p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
    }
    configure?.(p);
    return this.add(p, spec);
  }

  stat(spec: PanelSpec): this {
    const p = new stat.PanelBuilder()
      .graphMode(common.BigValueGraphMode.Area)
      .colorMode(spec.thresholds || spec.mappings ? common.BigValueColorMode.Background : common.BigValueColorMode.None)
      .textMode(common.BigValueTextMode.Auto)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
    return this.add(p, spec);
  }

  bargauge(spec: PanelSpec): this {
    const p = new bargauge.PanelBuilder()
      .displayMode(common.BarGaugeDisplayMode.Gradient)
      .orientation(common.VizOrientation.Horizontal)
      .showUnfilled(true)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
    return this.add(p, spec);
  }

  table(spec: PanelSpec, sortBy?: { field: string; desc: boolean }): this {
    const p = new table.PanelBuilder()
      .showHeader(true)
      .cellHeight(common.TableCellHeight.Sm)
      .withTransformation({ id: "organize", options: { excludeByName: { Time: true } } });
    if (sortBy) {
      p.sortBy([new common.TableSortByFieldStateBuilder().displayName(sortBy.field).desc(sortBy.desc)]);
    }
    if (spec.thresholds || spec.mappings) {
      p.cellOptions({ type: common.TableCellDisplayMode.ColorBackground } as common.TableCellOptions);
    }
    return this.add(p, spec);
  }

  stateTimeline(spec: PanelSpec): this {
    const p = new statetimeline.PanelBuilder()
      .showValue(common.VisibilityMode.Never)
      .mergeValues(true)
      .fillOpacity(70);
    return this.add(p, spec);
  }

  build(): dashboard.Dashboard {
    return this.builder.build();
  }

  private add(p: PanelLike, spec: PanelSpec): this {
    if (spec.queries.length === 0) {
      throw new Error(`${this.uid}: panel '${spec.title}' has no query`);
    }
    if (this.x + spec.w > 24) {
      this.newLine();
    }
    p.id(this.nextId++)
      .title(spec.title)
      .description(spec.description + this.thresholdNote(spec))
      .unit(spec.unit)
      .datasource(DATASOURCE)
      .gridPos({ x: this.x, y: this.y, w: spec.w, h: spec.h })
      .thresholds(this.thresholds(spec));
    if (spec.min !== undefined) p.min(spec.min);
    if (spec.max !== undefined) p.max(spec.max);
    if (spec.mappings) {
      const options: Record<string, dashboard.ValueMappingResult> = {};
      Object.entries(spec.mappings).forEach(([value, r], index) => {
        options[value] = { text: r.text, color: r.color, index };
      });
      p.mappings([{ type: dashboard.MappingType.ValueToText, options }]);
    }
    spec.queries.forEach((query, i) => {
      const target = new prometheus.DataqueryBuilder()
        .datasource(DATASOURCE)
        .refId(String.fromCharCode(65 + i))
        .expr(query.expr)
        .legendFormat(query.legend ?? "__auto");
      if (query.instant) {
        target.instant().format(prometheus.PromQueryFormat.Table);
      } else {
        target.range();
      }
      p.withTarget(target);
    });
    this.builder.withPanel(p);
    this.x += spec.w;
    this.rowHeight = Math.max(this.rowHeight, spec.h);
    return this;
  }

  private thresholds(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
    const steps: dashboard.Threshold[] = [{ value: null, color: spec.thresholds?.base ?? "text" }];
    const entries = (spec.thresholds?.steps ?? []).map(([key, color]) => ({ t: this.catalog.threshold(key), color }));
    entries.sort((a, b) => a.t.value - b.t.value);
    for (const { t, color } of entries) {
      const allowed = THRESHOLD_UNITS[t.unit] ?? [];
      if (!allowed.includes(spec.unit)) {
        throw new Error(`${this.uid}: panel '${spec.title}' draws threshold ${t.key} (unit '${t.unit}') on unit '${spec.unit}'`);
      }
      steps.push({ value: t.value, color });
    }
    return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
  }

  /** Names the catalog thresholds a panel draws, so a reader (and the structural test) can check them. */
  private thresholdNote(spec: PanelSpec): string {
    if (!spec.thresholds || spec.thresholds.steps.length === 0) {
      return "";
    }
    const named = spec.thresholds.steps
      .map(([key]) => this.catalog.threshold(key))
      .map((t) => `${t.key} = ${t.value}`);
    return ` Thresholds (the alert rules use the same catalog values): ${named.join(", ")}.`;
  }
}

/** What every SDK panel builder offers that {@link Board.add} needs. */
interface PanelLike extends cog.Builder<dashboard.Panel> {
  id(id: number): this;
  title(title: string): this;
  description(description: string): this;
  unit(unit: string): this;
  datasource(datasource: common.DataSourceRef): this;
  gridPos(gridPos: dashboard.GridPos): this;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): this;
  min(min: number): this;
  max(max: number): this;
  mappings(mappings: dashboard.ValueMapping[]): this;
  withTarget(target: cog.Builder<cog.Dataquery>): this;
}

/** The Grafana unit for a metric's catalog unit. */
export function unit(catalog: Catalog, metric: string): string {
  const units: Record<string, string> = {
    "": "short", seconds: "s", bytes: "bytes", ratio: "percentunit", cores: "short",
    celsius: "celsius", watts: "watt", joules: "joule", hertz: "hertz", bytes_per_second: "Bps",
  };
  const u = catalog.metric(metric).unit;
  const grafana = units[u];
  if (grafana === undefined) {
    throw new Error(`${catalog.path}: metric '${metric}' has unit '${u}', which the dashboards cannot draw`);
  }
  return grafana;
}
