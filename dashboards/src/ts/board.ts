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
import * as heatmap from "@grafana/grafana-foundation-sdk/heatmap";
import { Catalog } from "./catalog";
import { Filters, Promql } from "./promql";
import { Rules } from "./rules";

export const DATASOURCE: common.DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/**
 * The import input Grafana's import dialog asks for (see generate.ts's __inputs): the datasource
 * variable starts on it, and every panel follows the variable.
 */
export const DATASOURCE_INPUT = "DS_PROMETHEUS";

/** The variable holding the port of the agent's profiler endpoint (its profiler.port). */
export const PROFILER_PORT_VARIABLE = "profiler_port";

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

/** A link on each value of a panel (Grafana's data link): ${__field.labels.x} names the series' label x. */
export interface DataLink {
  title: string;
  url: string;
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
  /**
   * The alerts whose signal the panel shows: the panel links to each one's runbook (the runbook_url
   * the rule carries) and the board's alert annotations show when they fired.
   */
  alerts?: string[];
  dataLinks?: DataLink[];
  w: number;
  h: number;
}

/** Threshold units from the catalog and the Grafana units a panel drawing them may use. */
const THRESHOLD_UNITS: Record<string, string[]> = {
  ratio: ["percentunit"],
  seconds: ["s"],
  "": ["short", "none", "suffix:/h", "suffix:/10m"],
};

export class Board {
  readonly q: Promql;
  private readonly builder: dashboard.DashboardBuilder;
  private nextId = 1;
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  /** A collapsed row keeps its panels inside itself; it is added when the next row starts. */
  private collapsedRow: dashboard.RowBuilder | undefined;
  private collapsedRowY = 0;
  private readonly alertNames = new Set<string>();
  private readonly filters: Filters;

  constructor(
    readonly catalog: Catalog,
    readonly rules: Rules,
    readonly uid: (typeof DASHBOARDS)[number]["uid"],
    description: string,
    tags: string[],
    filters: Filters,
  ) {
    const title = DASHBOARDS.find((d) => d.uid === uid)!.title;
    this.filters = filters;
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
          .type("prometheus")
          // Import replaces ${DS_PROMETHEUS} with the data source picked in its dialog; a provisioned
          // copy finds no such data source and Grafana starts the variable on the default Prometheus.
          .current({ selected: true, text: `\${${DATASOURCE_INPUT}}`, value: `\${${DATASOURCE_INPUT}}` }),
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
   * A row header across the grid: the panels after it, up to the next row, are its panels. A
   * collapsed row holds them inside itself (Grafana's JSON for a folded row) and takes one line of
   * the grid; an expanded row is followed by its panels.
   */
  row(title: string, options: { collapsed?: boolean } = {}): this {
    this.closeRow();
    this.newLine();
    const row = new dashboard.RowBuilder(title).id(this.nextId++).gridPos({ x: 0, y: this.y, w: 24, h: 1 });
    this.y += 1;
    if (options.collapsed) {
      this.collapsedRow = row.collapsed(true);
      this.collapsedRowY = this.y;
    } else {
      this.builder.withRow(row);
    }
    return this;
  }

  /**
   * {@code record{<dashboard filters>, <matchers>}}: a recording rule of the rule file, filtered by the
   * dashboard's variables on the labels the recorded series keeps ({@code labels}, as its expression
   * aggregates them), so the panel reads the very series its alert compares.
   */
  rec(name: string, labels: string[], ...matchers: string[]): string {
    this.rules.record(name);
    const parts = Object.entries(this.filters)
      .filter(([label]) => labels.includes(label))
      .map(([label, variable]) => `${label}=~"$${variable}"`);
    parts.push(...matchers);
    return parts.length === 0 ? name : `${name}{${parts.join(", ")}}`;
  }

  /**
   * A text box naming the port of the agent's profiler endpoint (profiler.port): the flame-graph
   * links go to that port on the host of the series they sit on.
   */
  profilerPortVariable(): this {
    this.builder.withVariable(
      new dashboard.TextBoxVariableBuilder(PROFILER_PORT_VARIABLE)
        .label("Profiler port")
        .description("The port the opspulse agent serves /debug/flamegraph on (its profiler.port), used by the flame graph links.")
        .defaultValue("9465")
        .current({ selected: true, text: "9465", value: "9465" }),
    );
    return this;
  }

  /** A heatmap of a histogram's buckets: the query returns one series per le, in Grafana's heatmap format. */
  heatmap(spec: PanelSpec & { cellUnit: string }): this {
    const p = new heatmap.PanelBuilder()
      .calculate(false)
      .color(new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme("Oranges")
        .fill("dark-orange")
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64)
        .reverse(false))
      .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
      .yAxis(new heatmap.YAxisConfigBuilder().unit(spec.unit).axisPlacement(common.AxisPlacement.Left))
      .cellValues(new heatmap.CellValuesBuilder().unit(spec.cellUnit))
      .filterValues(new heatmap.FilterValueRangeBuilder().le(1e-9))
      .showValue(common.VisibilityMode.Never)
      .cellGap(1)
      .showLegend()
      .tooltip(new heatmap.HeatmapTooltipBuilder().mode(common.TooltipDisplayMode.Single).yHistogram(true).showColorScale(true))
      .exemplarsColor("rgba(255,0,255,0.7)");
    return this.add(p, spec, prometheus.PromQueryFormat.Heatmap);
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
    this.closeRow();
    if (this.alertNames.size > 0) {
      this.builder.annotation(this.alertAnnotation());
    }
    const built = this.builder.build();
    // The SDK's default puts an annotation's toggle in the controls menu (Grafana 12); the alerts'
    // toggle belongs on the dashboard, where older Grafana versions put it anyway.
    built.annotations.list?.forEach((a) => delete a.placement);
    return built;
  }

  /**
   * The board's alerts as annotations: a region while each fires, from Prometheus' ALERTS series
   * (no Grafana alerting needed), narrowed to the alerts the board's panels show.
   */
  private alertAnnotation(): dashboard.AnnotationQueryBuilder {
    const names = [...this.alertNames].sort();
    this.catalog.requireLabel("ALERTS", "alertstate");
    this.catalog.requireLabel("ALERTS", "alertname");
    const expr = `${this.catalog.metric("ALERTS").name}{alertstate="firing", alertname=~"${names.join("|")}"}`;
    return new dashboard.AnnotationQueryBuilder()
      .name("Firing alerts")
      .datasource(DATASOURCE)
      .enable(true)
      .iconColor("red")
      .expr(expr)
      .step("60s")
      .titleFormat("{{alertname}}")
      .textFormat("{{severity}} on {{instance}}")
      .tagKeys("alertname,severity,instance")
      .useValueForTime(false);
  }

  private closeRow(): void {
    if (this.collapsedRow !== undefined) {
      this.builder.withRow(this.collapsedRow);
      this.collapsedRow = undefined;
      // Folded, the row takes one line: what follows starts right below its header.
      this.x = 0;
      this.rowHeight = 0;
      this.y = this.collapsedRowY;
    }
  }

  private add(p: PanelLike, spec: PanelSpec, format?: prometheus.PromQueryFormat): this {
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
        if (format !== undefined) {
          target.format(format);
        }
      }
      p.withTarget(target);
    });
    const links = (spec.alerts ?? []).map((name) => {
      const alert = this.rules.alert(name);
      this.alertNames.add(alert.name);
      return new dashboard.DashboardLinkBuilder(`Runbook: ${alert.name}`)
        .type(dashboard.DashboardLinkType.Link)
        .url(alert.runbookUrl)
        .tooltip(`What to do when ${alert.name} fires`)
        .icon("doc")
        .targetBlank(true);
    });
    if (links.length > 0) {
      p.links(links);
    }
    if (spec.dataLinks) {
      p.dataLinks(spec.dataLinks.map((l) => new dashboard.DashboardLinkBuilder(l.title)
        .type(dashboard.DashboardLinkType.Link)
        .url(l.url)
        .tooltip(l.title)
        .icon("external link")
        .targetBlank(true)));
    }
    if (this.collapsedRow !== undefined) {
      this.collapsedRow.withPanel(p);
    } else {
      this.builder.withPanel(p);
    }
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
  links(links: cog.Builder<dashboard.DashboardLink>[]): this;
  dataLinks(links: cog.Builder<dashboard.DashboardLink>[]): this;
}

/**
 * A data link to the flame graph of the JVM behind a series: the profiler's endpoint on the series'
 * host (its instance without the port, in a host label the query adds) at the profiler port.
 */
export function flameGraphLink(): DataLink {
  return {
    title: "Flame graph (CPU) of this JVM",
    url: `http://\${__field.labels.host}:\${${PROFILER_PORT_VARIABLE}}/debug/flamegraph?event=cpu`,
  };
}

/**
 * Adds a host label (the instance without its port) to each series of {@code expr}; $1 is
 * label_replace's capture group, which Grafana leaves alone.
 */
export function withHost(expr: string): string {
  return `label_replace(${expr}, "host", "$1", "instance", "(.*):[0-9]+")`;
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
