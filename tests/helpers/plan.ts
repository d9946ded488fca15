/**
 * Run the offline plan as a user would (`npm run plan -- ...`) and read its JSON. Each call is a
 * fresh process tree, so a test can plan any project and stack.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

export interface PlanJson {
  project: string;
  stack: string;
  status: "ok" | "error";
  error?: string;
  resources: {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    custom: boolean;
    inputs: Record<string, any>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    provider: string | null;
  }[];
  outputs: Record<string, any>;
  violations: { policyPack: string; policy: string; enforcementLevel: string; urn: string | null; message: string; severity?: string }[];
  exemptions: { policy: string; urn: string | null; message: string }[];
  notes: string[];
}

export interface PlanRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  json?: PlanJson;
}

/** Plan one stack of a project directory (relative to the repo root or absolute). */
export function runPlan(projectDir: string, stack: string, extraArgs: string[] = []): PlanRun {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "plan.json");
  const r = spawnSync(
    process.execPath,
    ["--require", require.resolve("esbuild-register"), path.join(repoRoot, "tools/plan/cli.ts"), "--project", path.resolve(repoRoot, projectDir), "--stack", stack, "--json", out, "--no-tree", ...extraArgs],
    { cwd: repoRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 },
  );
  return {
    exitCode: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json: fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as PlanJson) : undefined,
  };
}

/** Resources of a plan by type token. */
export function ofType(plan: PlanJson, ...types: string[]): PlanJson["resources"] {
  return plan.resources.filter((r) => types.includes(r.type));
}

/**
 * Plan a project's stacks once, in the calling suite's `before` hook, and look up their resources:
 * `all(stack, type, name?)`, `one(stack, type, name?)` (throws unless exactly one).
 */
export function projectPlans<S extends string>(plan: Record<S, () => PlanRun>) {
  const runs = {} as Record<S, PlanRun>;
  const plans = {} as Record<S, PlanJson>;
  before(() => {
    for (const stack of Object.keys(plan) as S[]) {
      runs[stack] = plan[stack]();
      if (!runs[stack].json) throw new Error(`no plan for ${stack}:\n${runs[stack].stdout}\n${runs[stack].stderr}`);
      plans[stack] = runs[stack].json!;
    }
  });
  const all = (stack: S, type: string, name?: string): PlanJson["resources"] => ofType(plans[stack], type).filter((r) => name === undefined || r.name === name);
  const one = (stack: S, type: string, name?: string): PlanJson["resources"][number] => {
    const found = all(stack, type, name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` ${name}` : ""} in ${stack}, found ${found.length}`);
    return found[0]!;
  };
  return { runs, plans, all, one };
}
