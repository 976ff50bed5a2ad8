// The Prometheus rules the dashboards sit beside, read from the generated rule file
// (alert-rules/opspulse-rules.yml, or an operator's own run of the rules CLI). Panels that show what an
// alert watches query the alert's recording rule and link to the runbook_url the alert carries, so a
// panel and its alert cannot compute two different things, and a rule renamed or dropped breaks this
// build instead of leaving an empty panel or a dead link.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface AlertEntry {
  name: string;
  /** The alert's runbook_url annotation, as the rules CLI wrote it (its --runbook-url pattern applied). */
  runbookUrl: string;
  group: string;
}

interface RuleNode {
  record?: unknown;
  alert?: unknown;
  annotations?: Record<string, unknown>;
}

export class Rules {
  private readonly records = new Set<string>();
  private readonly alerts = new Map<string, AlertEntry>();

  private constructor(readonly path: string, raw: unknown) {
    const groups = (raw as { groups?: Array<{ name?: unknown; rules?: RuleNode[] }> } | null)?.groups;
    if (!Array.isArray(groups)) {
      throw new Error(`${path}: expected "groups" (a list of rule groups) at the top level`);
    }
    for (const g of groups) {
      for (const r of g.rules ?? []) {
        if (typeof r.record === "string") {
          this.records.add(r.record);
        } else if (typeof r.alert === "string" && !this.alerts.has(r.alert)) {
          const url = r.annotations?.["runbook_url"];
          if (typeof url !== "string" || url === "") {
            throw new Error(`${path}: alert '${r.alert}' has no runbook_url annotation`);
          }
          this.alerts.set(r.alert, { name: r.alert, runbookUrl: url, group: String(g.name) });
        }
      }
    }
  }

  static load(path: string): Rules {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new Error(`${path}: cannot read the rules (${(e as Error).message})`);
    }
    try {
      return new Rules(path, parse(text));
    } catch (e) {
      throw new Error(`${path}: not a valid rule file: ${(e as Error).message}`);
    }
  }

  /** The recording rule named {@code name}; throws when the rule file does not record it. */
  record(name: string): string {
    if (!this.records.has(name)) {
      throw new Error(`${this.path}: a dashboard queries recording rule '${name}', which the rules do not record`);
    }
    return name;
  }

  /** The alert named {@code name}; throws when the rule file has no such alert. */
  alert(name: string): AlertEntry {
    const a = this.alerts.get(name);
    if (a === undefined) {
      throw new Error(`${this.path}: a dashboard links to alert '${name}', which the rules do not define`);
    }
    return a;
  }
}
