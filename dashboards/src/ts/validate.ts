// Checks dashboard JSON files against Grafana's published dashboard schema, as the Grafana Foundation
// SDK ships it: the TypeScript types generated from Grafana's schemas (the dashboard kind, each panel
// plugin's Options and FieldConfig, the Prometheus query). The JSON of each file becomes an object
// literal typed as a dashboard and the TypeScript compiler checks it, so a missing required field, a
// value of the wrong type, an enum value Grafana does not know or a property the schema does not
// declare fails, naming the file and line.
//   node target/ts/validate.js FILE.json|DIR...
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import * as ts from "typescript";

/**
 * The JSON form of a schema type: an enum becomes the union of its values (JSON holds the value, not
 * the enum), methods of the SDK's classes vanish, and everything else maps through unchanged.
 */
const SCHEMA = `
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import type * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import type * as stat from "@grafana/grafana-foundation-sdk/stat";
import type * as table from "@grafana/grafana-foundation-sdk/table";
import type * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import type * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import type * as heatmap from "@grafana/grafana-foundation-sdk/heatmap";

type Json<T> =
  0 extends (1 & T) ? T
  : T extends string ? \`\${T}\`
  : T extends number | boolean | null | undefined ? T
  : T extends Array<infer U> ? Array<Json<U>>
  : T extends object ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Json<T[K]> }
  : T;

/** A panel of one plugin: its options, its custom field config and Prometheus queries, per the schema. */
type PanelOf<Type extends string, Options, Custom> =
  Omit<dashboard.Panel, "type" | "options" | "fieldConfig" | "targets"> & {
    type: Type;
    options?: Options;
    fieldConfig?: Omit<dashboard.FieldConfigSource, "defaults"> & {
      defaults: Omit<dashboard.FieldConfig, "custom"> & { custom?: Custom };
    };
    targets?: prometheus.Dataquery[];
  };

type AnyPanel =
  | PanelOf<"timeseries", timeseries.Options, timeseries.FieldConfig>
  | PanelOf<"stat", stat.Options, Record<string, never>>
  | PanelOf<"table", table.Options, table.FieldConfig>
  | PanelOf<"bargauge", bargauge.Options, Record<string, never>>
  | PanelOf<"state-timeline", statetimeline.Options, statetimeline.FieldConfig>
  | PanelOf<"heatmap", heatmap.Options, heatmap.FieldConfig>;

/** What Grafana's import dialog reads: the inputs it asks for (dashboard export format). */
interface ImportInput {
  name: string;
  label: string;
  description?: string;
  type: "datasource" | "constant";
  pluginId?: string;
  pluginName?: string;
  value?: string;
}

export type DashboardFile = Json<Omit<dashboard.Dashboard, "panels"> & {
  __inputs?: ImportInput[];
  panels?: Array<AnyPanel | (Omit<dashboard.RowPanel, "panels"> & { panels: AnyPanel[] })>;
}>;
`;

/** Where a check's generated sources go: inside the package, so the SDK resolves from node_modules. */
const WORK = resolve(__dirname, "..", "schema-check");

function jsonFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (statSync(a).isDirectory()) {
      out.push(...readdirSync(a).filter((f) => f.endsWith(".json")).sort().map((f) => join(a, f)));
    } else {
      out.push(a);
    }
  }
  return out;
}

/** The problems of each file, as "FILE:LINE: message"; empty when every file fits the schema. */
export function validate(files: string[]): string[] {
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, "schema.ts"), SCHEMA, "utf8");
  const PREFIX = `import type { DashboardFile } from "./schema";\nexport const dashboard: DashboardFile = `;
  const problems: string[] = [];
  const checks = new Map<string, string>();
  files.forEach((file, i) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
      JSON.parse(text);
    } catch (e) {
      problems.push(`${file}: not JSON: ${(e as Error).message}`);
      return;
    }
    const check = join(WORK, `check${i}-${basename(file, ".json").replace(/[^A-Za-z0-9_-]/g, "_")}.ts`);
    // The JSON starts on the prefix's last line, so line N of the check is line N-1 of the file.
    writeFileSync(check, PREFIX + text.trimEnd() + ";\n", "utf8");
    checks.set(check, file);
  });
  if (checks.size === 0) {
    return problems;
  }
  const program = ts.createProgram([...checks.keys()], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    skipLibCheck: true,
    types: [],
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
    const source = d.file ? checks.get(resolve(d.file.fileName)) : undefined;
    if (d.file && source !== undefined && d.start !== undefined) {
      const line = d.file.getLineAndCharacterOfPosition(d.start).line; // 0-based; the JSON starts on line 1
      problems.push(`${source}:${line}: ${message}`);
    } else {
      problems.push(`${d.file?.fileName ?? "schema"}: ${message}`);
    }
  }
  return problems;
}

function main(args: string[]): void {
  if (args.length === 0) {
    throw new Error("usage: validate FILE.json|DIR...");
  }
  const files = jsonFiles(args);
  if (files.length === 0) {
    throw new Error(`no dashboard JSON in ${args.join(", ")}`);
  }
  const problems = validate(files);
  if (problems.length > 0) {
    console.error(`dashboards: ${problems.length} schema problem(s):\n${problems.join("\n")}`);
    process.exit(1);
  }
  console.log(`${files.length} dashboard(s) match Grafana's dashboard schema (Foundation SDK types)`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`dashboards: ${(e as Error).message}`);
    process.exit(1);
  }
}
