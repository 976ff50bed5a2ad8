// Writes the opspulse dashboards as Grafana JSON:
//   node target/ts/generate.js --catalog ../catalog/catalog.json --out json
// Exits non-zero, naming the catalog file and what is missing, when a dashboard uses a metric, label
// or threshold the catalog does not declare.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Catalog } from "./catalog";
import { Board } from "./board";
import { fleet } from "./fleet";
import { containers } from "./containers";
import { gpus } from "./gpus";
import { jvm } from "./jvm";
import { host } from "./host";

const BOARDS: Array<(catalog: Catalog) => Board> = [fleet, containers, gpus, jvm, host];

function option(args: string[], name: string): string {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) {
    throw new Error(`missing ${name}; usage: generate --catalog CATALOG.json --out DIR`);
  }
  return args[i + 1];
}

function main(args: string[]): void {
  const catalog = Catalog.load(option(args, "--catalog"));
  const out = option(args, "--out");
  // Build all before writing any, so a failure leaves no half-updated folder behind.
  const rendered = BOARDS.map((make) => {
    const board = make(catalog);
    return { file: `${board.uid}.json`, json: JSON.stringify(board.build(), null, 2) + "\n" };
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
