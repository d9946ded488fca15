/**
 * npm run smoke -- --stack <org>/<project>/<stack> [--outputs <file.json>] [--json <report.json>]
 *
 * Proves a deployed stack does its jobs: reads the stack's outputs (`pulumi stack output --json
 * --show-secrets` in the project's directory, or `--outputs` from a file), loads the project's
 * module `tools/smoke/<project>.ts` (interface: types.ts, README.md), runs its checks in order and
 * prints one line per check. Exit 0: all passed; 1: a check failed; 2: bad arguments, no module
 * for the project, missing outputs, or unreadable outputs.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import type { SmokeContext, SmokeEnvironment, SmokeModule } from "./types";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "../..");

export interface SmokeResult {
  stack: string;
  passed: boolean;
  checks: { name: string; passed: boolean; detail: string; seconds: number }[];
}

export class UsageError extends Error {}

export function parseStack(value: string | undefined): { org: string; project: string; stack: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value ?? "");
  if (!m) throw new UsageError(`--stack ${JSON.stringify(value ?? null)}: expected <org>/<project>/<stack>, e.g. acme/ecommerce/dev`);
  return { org: m[1]!, project: m[2]!, stack: m[3]! };
}

/** The smoke module of a project, by file name; none is a usage error listing the modules there are. */
export function loadModule(project: string, dir = __dirname): SmokeModule {
  const file = path.join(dir, `${project}.ts`);
  const available = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && !["cli.ts", "types.ts"].includes(f)).map((f) => f.replace(/\.ts$/, ""));
  if (!/^[a-z0-9-]+$/.test(project) || !fs.existsSync(file)) throw new UsageError(`no smoke module for project ${project}: add tools/smoke/${project}.ts (modules: ${available.join(", ")})`);
  const mod = require(file).smoke as SmokeModule | undefined;
  if (!mod || mod.project !== project || !Array.isArray(mod.checks)) throw new UsageError(`tools/smoke/${project}.ts must export smoke: SmokeModule with project "${project}"`);
  return mod;
}

/** Where a project's Pulumi.yaml is: the platform is the repository root, workloads are projects/<name>. */
export function projectDirectory(project: string): string {
  return project === "platform" ? repoRoot : path.join(repoRoot, "projects", project);
}

export async function readOutputs(stack: string, project: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], { cwd: projectDirectory(project), maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}

export async function runSmoke(module: SmokeModule, ctx: SmokeContext): Promise<SmokeResult> {
  const missing = module.requiredOutputs.filter((k) => ctx.outputs[k] === undefined || ctx.outputs[k] === null);
  if (missing.length > 0) throw new UsageError(`${ctx.stack} lacks the outputs the ${module.project} checks read: ${missing.join(", ")}`);
  const result: SmokeResult = { stack: ctx.stack, passed: true, checks: [] };
  for (const check of module.checks) {
    const start = Date.now();
    let passed = true;
    let detail: string;
    try {
      detail = await check.run(ctx);
    } catch (error) {
      passed = false;
      detail = (error as Error).message;
    }
    const seconds = (Date.now() - start) / 1000;
    result.checks.push({ name: check.name, passed, detail, seconds });
    result.passed &&= passed;
    ctx.env.log(`${passed ? "PASS" : "FAIL"}  ${check.name} (${seconds.toFixed(1)} s): ${detail}`);
  }
  return result;
}

export const realEnvironment = (): SmokeEnvironment => ({
  fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(60_000) }),
  dynamodb: (region) => new DynamoDBClient({ region }),
  awsCli: async (args) => (await run("aws", [...args, "--output", "json"], { maxBuffer: 16 << 20 })).stdout,
  log: (message) => console.log(message),
});

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  try {
    const { project, stack } = parseStack(arg("--stack"));
    const module = loadModule(project);
    const outputsFile = arg("--outputs");
    const outputs = outputsFile ? JSON.parse(fs.readFileSync(outputsFile, "utf8")) : await readOutputs(arg("--stack")!, project);
    const env = realEnvironment();
    env.log(`smoke ${arg("--stack")}: ${module.checks.length} checks`);
    const result = await runSmoke(module, { stack: arg("--stack")!, project, stackName: stack, outputs, env, runId: `smoke-${Date.now()}-${randomBytes(3).toString("hex")}` });
    const report = arg("--json");
    if (report) fs.writeFileSync(report, JSON.stringify(result, null, 2));
    env.log(result.passed ? "smoke: all checks passed" : "smoke: FAILED");
    return result.passed ? 0 : 1;
  } catch (error) {
    console.error(`smoke: ${(error as Error).message}`);
    return 2;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
