/**
 * `npm run policy:list [-- --json] [-- --stack <dev|prod>]`: the pack's coverage. With `--stack`,
 * enforcement levels are the ones that stack's config file gives (config/<stack>.json).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { effectivePolicyConfig } from "../../tools/policy/harness";
import { policyRegistry } from "./lib/policy";
import { allPolicies } from "./policies";

export interface PolicyListing {
  name: string;
  enforcementLevel: string;
  severity: string;
  controls: string[];
  frameworks: string[];
  kind: "resource" | "stack";
  description: string;
}

export function listPolicies(stack?: string): PolicyListing[] {
  const config = stack ? JSON.parse(fs.readFileSync(path.join(__dirname, "config", `${stack}.json`), "utf8")) : {};
  const effective = effectivePolicyConfig({ policies: allPolicies }, config);
  return allPolicies.map((p) => {
    const meta = policyRegistry.get(p.name);
    if (!meta) throw new Error(`policy ${p.name} was not defined with resourcePolicy/stackPolicy`);
    return {
      name: p.name,
      enforcementLevel: String(effective[p.name]?.enforcementLevel ?? p.enforcementLevel ?? "mandatory"),
      severity: meta.severity,
      controls: meta.controls,
      frameworks: meta.frameworks,
      kind: meta.kind,
      description: meta.description,
    };
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const stackIdx = args.indexOf("--stack");
  const stack = stackIdx >= 0 ? args[stackIdx + 1] : undefined;
  const rows = listPolicies(stack);
  if (args.includes("--json")) {
    console.log(JSON.stringify(rows.map(({ name, enforcementLevel, severity, controls, frameworks }) => ({ name, enforcementLevel, severity, controls, frameworks })), null, 2));
  } else {
    const w = Math.max(...rows.map((r) => r.name.length));
    console.log(`${"policy".padEnd(w)}  ${"level".padEnd(9)}  ${"severity".padEnd(8)}  ${"controls".padEnd(22)}  frameworks`);
    for (const r of [...rows].sort((a, b) => a.controls[0]!.localeCompare(b.controls[0]!, "en", { numeric: true }))) {
      console.log(`${r.name.padEnd(w)}  ${r.enforcementLevel.padEnd(9)}  ${r.severity.padEnd(8)}  ${r.controls.join(", ").padEnd(22)}  ${r.frameworks.join(", ")}`);
    }
    const controls = new Set(rows.flatMap((r) => r.controls));
    console.log(`\n${rows.length} policies covering ${controls.size} controls (${[...controls].filter((c) => !c.startsWith("BP.")).length} Security Hub controls)${stack ? `, levels from config/${stack}.json` : ""}`);
  }
}
