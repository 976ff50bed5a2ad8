// Writes the opspulse dashboards as Grafana JSON:
//   node target/ts/generate.js --catalog ../catalog/catalog.json --rules ../alert-rules/opspulse-rules.yml --out json
// With --datasource-uid UID the files are for provisioning instead of import: no __inputs, and the
// datasource variable starts on the data source with that uid.
// Exits non-zero, naming the catalog or rule file and what is missing, when a dashboard uses a metric,
// label or threshold the catalog does not declare, or a recording rule or alert the rules do not have.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Catalog } from "./catalog";
import { Board, DATASOURCE_INPUT } from "./board";
import { Rules } from "./rules";
import { fleet } from "./fleet";
import { containers } from "./containers";
import { gpus } from "./gpus";
import { jvm } from "./jvm";
import { host } from "./host";

const BOARDS: Array<(catalog: Catalog, rules: Rules) => Board> = [fleet, containers, gpus, jvm, host];

/**
 * What Grafana's import dialog asks for: the Prometheus data source. Import replaces every
 * ${DS_PROMETHEUS} in the file with the chosen data source's uid (the datasource variable's start
 * value); provisioning does not read __inputs.
 */
const INPUTS = [{
  name: DATASOURCE_INPUT,
  label: "Prometheus",
  description: "The Prometheus that scrapes the opspulse exporter, node_exporter and the agent-instrumented services, and runs the opspulse rules.",
  type: "datasource",
  pluginId: "prometheus",
  pluginName: "Prometheus",
}];

const USAGE = "usage: generate --catalog CATALOG.json --rules RULES.yml --out DIR [--datasource-uid UID]";

function option(args: string[], name: string): string {
  const value = optional(args, name);
  if (value === undefined) {
    throw new Error(`missing ${name}; ${USAGE}`);
  }
  return value;
}

function optional(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) {
    return undefined;
  }
  if (i + 1 >= args.length) {
    throw new Error(`${name} needs a value; ${USAGE}`);
  }
  return args[i + 1];
}

/**
 * The file Grafana reads. For import: __inputs, and ${DS_PROMETHEUS} where the data source goes. For
 * provisioning, which ignores __inputs: the data source's uid written in its place.
 */
function render(board: Board, datasourceUid: string | undefined): string {
  const json = JSON.stringify({ __inputs: INPUTS, ...board.build() }, null, 2) + "\n";
  if (datasourceUid === undefined) {
    return json;
  }
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(datasourceUid)) {
    throw new Error(`--datasource-uid '${datasourceUid}' is not a Grafana uid (letters, digits, - and _, at most 40)`);
  }
  const { __inputs: _, ...provisioned } = JSON.parse(json.split(`\${${DATASOURCE_INPUT}}`).join(datasourceUid)) as Record<string, unknown>;
  return JSON.stringify(provisioned, null, 2) + "\n";
}

function main(args: string[]): void {
  const catalog = Catalog.load(option(args, "--catalog"));
  const rules = Rules.load(option(args, "--rules"));
  const out = option(args, "--out");
  const datasourceUid = optional(args, "--datasource-uid");
  // Build all before writing any, so a failure leaves no half-updated folder behind.
  const rendered = BOARDS.map((make) => {
    const board = make(catalog, rules);
    return { file: `${board.uid}.json`, json: render(board, datasourceUid) };
  });
  mkdirSync(out, { recursive: true });
  for (const { file, json } of rendered) {
    writeFileSync(join(out, file), json, "utf8");
  }
  console.log(`wrote ${rendered.map((r) => r.file).join(", ")} to ${out}`);
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error(`dashboards: ${(e as Error).message}`);
  process.exit(1);
}
