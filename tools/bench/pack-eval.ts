/**
 * `npm run -s bench:pack -- <plan.json> [--runs n] [--config <file>]`: the aws-compliance pack's
 * evaluation time over one planned stack (the `--json` output of `npm run plan`), median of n runs
 * in one process after a warm-up run, so that module loading is not counted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluatePolicies, loadPolicyPack, type PlannedResource } from "../policy/harness";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
if (!file) {
  console.error("usage: npm run -s bench:pack -- <plan.json> [--runs n] [--config <file>]");
  process.exit(2);
}
const runsIdx = args.indexOf("--runs");
const runs = runsIdx >= 0 ? Number(args[runsIdx + 1]) : 9;
const cfgIdx = args.indexOf("--config");
const plan = JSON.parse(fs.readFileSync(file, "utf8"));
const stack = (Array.isArray(plan) ? plan[0] : plan) as { project: string; stack: string; resources: PlannedResource[] };
const config = cfgIdx >= 0 ? JSON.parse(fs.readFileSync(args[cfgIdx + 1]!, "utf8")) : {};
const pack = loadPolicyPack(path.join(__dirname, "../../policy-packs/aws-compliance"));

void (async () => {
  await evaluatePolicies(pack, stack.resources, { config });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await evaluatePolicies(pack, stack.resources, { config });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${stack.project}/${stack.stack}: ${stack.resources.length} resources, ${pack.policies.length} policies: median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms over ${runs} runs (min ${times[0]!.toFixed(1)}, max ${times[times.length - 1]!.toFixed(1)})`);
})();
