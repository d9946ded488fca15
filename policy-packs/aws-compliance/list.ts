/**
 * `npm run policy:list [-- --json] [-- --stack <dev|prod>] [-- --project <name>]`: the pack's
 * coverage, each policy's severity and its effective level in dev and prod (the layered config of
 * tools/policy/pack-config.ts: config/<stack>.json plus the project's overlay). With `--stack`, the
 * level column is that stack's only.
 */
import type { PolicyPackConfig } from "@pulumi/policy";
import { effectivePolicyConfig } from "../../tools/policy/harness";
import { buildPackConfig } from "../../tools/policy/pack-config";
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

export function listPolicies(stack?: string, project = "*"): PolicyListing[] {
  const config = stack ? buildPackConfig({ packDir: __dirname, project, stack, policies: allPolicies }).config as PolicyPackConfig : {};
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
    const project = args.includes("--project") ? args[args.indexOf("--project") + 1] : undefined;
    const stacks = stack ? [stack] : ["dev", "prod"];
    const levels = stacks.map((st) => new Map(listPolicies(st, project).map((r) => [r.name, r.enforcementLevel])));
    const w = Math.max(...rows.map((r) => r.name.length));
    console.log(`${"policy".padEnd(w)}  ${"severity".padEnd(8)}  ${"default".padEnd(9)}  ${stacks.map((st) => st.padEnd(9)).join("  ")}  ${"controls".padEnd(22)}  frameworks`);
    for (const r of [...rows].sort((a, b) => a.controls[0]!.localeCompare(b.controls[0]!, "en", { numeric: true }))) {
      console.log(`${r.name.padEnd(w)}  ${r.severity.padEnd(8)}  ${r.enforcementLevel.padEnd(9)}  ${levels.map((l) => String(l.get(r.name)).padEnd(9)).join("  ")}  ${r.controls.join(", ").padEnd(22)}  ${r.frameworks.join(", ")}`);
    }
    const controls = new Set(rows.flatMap((r) => r.controls));
    console.log(`\n${rows.length} policies covering ${controls.size} controls (${[...controls].filter((c) => !c.startsWith("BP.")).length} Security Hub controls); levels per stack from config/<stack>.json${project ? ` + config/projects/${project}/<stack>.json` : ""}`);
  }
}
