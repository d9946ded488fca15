/**
 * `npm run bench`: timings from one run, side by side, so ratios are meaningful on a noisy machine.
 *
 * 1. The floor: `node -e "require('@pulumi/aws')"`.
 * 2. Planning at scale, each as a ratio to the floor measured in the same run (wall and CPU time):
 *    a synthetic 1,000-resource stack (goal 4x), the largest real stack (goal 3x), one small stack,
 *    and every stack in parallel (`npm run plan`; goal 15 s for twelve stacks on 2 cores), also with
 *    a process per stack (`--fresh-workers`) to show what reusing workers saves.
 * 3. Program start the two ways the Pulumi CLI could run our `.ts` programs: transpile-only (esbuild-register,
 *    what our Pulumi.yaml files choose) and ts-node with type-checking (the CLI's default).
 * 4. Policy evaluation time of the largest stack next to the time to run its program.
 *
 * Each measurement is the median of N runs (default 3; `--runs N`).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;
const loader = ["--require", require.resolve("esbuild-register")];

function time(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; okCodes?: number[] } = {}): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...opts.env }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!(opts.okCodes ?? [0]).includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(label: string, fn: () => number): number {
  const xs = Array.from({ length: runs }, fn);
  const m = median(xs);
  console.log(`  ${label.padEnd(58)} ${(m / 1000).toFixed(2).padStart(6)} s   (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(", ")})`);
  return m;
}

const benchProject = fs.existsSync(path.join(root, "Pulumi.yaml")) ? root : path.join(root, "tests/fixtures/projects/base");
const rel = path.relative(root, benchProject) || ".";
console.log(`bench on ${os.cpus().length} cores, node ${process.version}, median of ${runs}\n`);

console.log("Offline plan (wall time, and CPU time user+sys of the whole process tree: the machine may be shared)");
/** Wall and CPU time (user + sys of the command and its children, from bash's `time`). */
function timeCpu(args: string[], okCodes = [0, 1]): { ms: number; cpuMs: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", 'TIMEFORMAT="%3U %3S"; time "$@" > /dev/null', "bash", process.execPath, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  const [u, sy] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { ms, cpuMs: ((u ?? 0) + (sy ?? 0)) * 1000 };
}
function measureBoth(label: string, args: string[]): { ms: number; cpuMs: number } {
  const xs = Array.from({ length: runs }, () => timeCpu(args));
  const ms = median(xs.map((x) => x.ms));
  const cpuMs = median(xs.map((x) => x.cpuMs));
  console.log(`  ${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(6)} s wall, ${(cpuMs / 1000).toFixed(2).padStart(6)} s CPU   (wall runs: ${xs.map((x) => (x.ms / 1000).toFixed(2)).join(", ")})`);
  return { ms, cpuMs };
}
const plan = (...a: string[]) => [...loader, "tools/plan/cli.ts", "--no-tree", ...a];
const floorT = measureBoth(`floor: node -e "require('@pulumi/aws')"`, ["-e", "require('@pulumi/aws')"]);
const floor = floorT.ms;
// Every stack once first: function bundles cached (.plan/cache) and the largest stack found.
const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
time(process.execPath, plan("--json", path.join(out, "all.json")), { okCodes: [0, 1] });
const plans = JSON.parse(fs.readFileSync(path.join(out, "all.json"), "utf8")) as { project: string; stack: string; resources: unknown[]; timings?: { programMs: number; policiesMs: number } }[];
const largest = [...plans].sort((a, b) => b.resources.length - a.resources.length)[0]!;
const largestDir = largest.project === "platform" ? "." : `projects/${largest.project}`;
const ratio = (t: { ms: number; cpuMs: number }) => `${(t.ms / floor).toFixed(2)}x wall, ${(t.cpuMs / floorT.cpuMs).toFixed(2)}x CPU`;
const synthetic = measureBoth("synthetic 1,000 resources (tests/fixtures/projects/synthetic)", plan("--project", "tests/fixtures/projects/synthetic", "--stack", "dev"));
// The stacks it reads by StackReference answered from their outputs (as `--stack-outputs` does in
// CI), so that the figure is this stack's own.
const refs = plans
  .filter((p) => p !== largest)
  .flatMap((p) => {
    const f = path.join(out, `${p.project}.${p.stack}.outputs.json`);
    fs.writeFileSync(f, JSON.stringify((p as { outputs?: unknown }).outputs ?? {}));
    return ["--stack-outputs", `organization/${p.project}/${p.stack}=${f}`];
  });
const big = measureBoth(`largest real stack (${largest.project}/${largest.stack}, ${largest.resources.length} resources)`, plan("--project", largestDir, "--stack", largest.stack, ...refs));
const one = measureBoth(`one stack, fresh process (${rel} dev)`, plan("--project", rel, "--stack", "dev"));
const allT = measureBoth(`all ${plans.length} stacks in parallel (npm run plan)`, plan());
const all = allT.ms;
// The same with a new process for every stack, as before workers planned several (tools/plan/reuse.ts).
const freshT = measureBoth(`all ${plans.length} stacks, a process per stack (--fresh-workers)`, plan("--fresh-workers"));
console.log(`  synthetic 1,000 / floor = ${ratio(synthetic)} (goal <= 4x)`);
console.log(`  largest real stack / floor = ${ratio(big)} (goal <= 3x)`);
console.log(`  one stack / floor = ${ratio(one)}`);
console.log(`  all ${plans.length} stacks = ${(all / 1000).toFixed(1)} s wall on ${os.cpus().length} cores, ${(allT.ms / floor).toFixed(1)}x the floor (goal <= 15 s for the 12 stacks of five workloads and the platform)`);
console.log(`  workers planning several stacks / a process per stack = ${(allT.ms / freshT.ms).toFixed(2)}x wall, ${(allT.cpuMs / freshT.cpuMs).toFixed(2)}x CPU\n`);

console.log(`Program start under the Pulumi CLI's loaders (${rel} dev, mock engine)`);
const startArgs = ["tools/bench/start-program.ts", rel, "dev"];
let rssEsbuild = 0;
let rssTsNode = 0;
const viaEsbuild = measure("transpile-only: --require esbuild-register (our choice)", () => {
  const r = time(process.execPath, [...loader, ...startArgs]);
  rssEsbuild = JSON.parse(r.stdout.trim().split("\n").pop()!).maxRssMb;
  return r.ms;
});
const tsNodeCache = fs.mkdtempSync(path.join(os.tmpdir(), "ts-node-"));
const viaTsNode = measure("type-checking: ts-node (the CLI default), cold cache", () => {
  const r = time(process.execPath, ["--require", require.resolve("ts-node/register"), ...startArgs], {
    env: { TS_NODE_TRANSPILE_ONLY: "false", TS_NODE_FILES: "true", TS_NODE_COMPILER_OPTIONS: JSON.stringify({ skipLibCheck: false }), TMPDIR: tsNodeCache },
  });
  rssTsNode = JSON.parse(r.stdout.trim().split("\n").pop()!).maxRssMb;
  return r.ms;
});
console.log(`  type-checking / transpile-only = ${(viaTsNode / viaEsbuild).toFixed(1)}x wall; peak RSS ${rssTsNode} MB vs ${rssEsbuild} MB\n`);

console.log("Policy pack evaluation vs program run (largest stack)");
if (largest.timings) {
  console.log(`  ${largest.project}/${largest.stack}: ${largest.resources.length} resources; program ${largest.timings.programMs} ms, policies ${largest.timings.policiesMs} ms (${((largest.timings.policiesMs / Math.max(1, largest.timings.programMs)) * 100).toFixed(0)}% of the program)`);
}

console.log("\nLambda handler bundles (esbuild, minified, SDK bundled) and module-load time in a fresh node");
const { bundleHandler } = require("../../components/compute/bundle") as typeof import("../../components/compute/bundle");
// Every Lambda entry point: functions/**/handler.ts and functions/**/*-handler.ts.
const handlers = fs
  .readdirSync(path.join(root, "projects"))
  .flatMap((p) => {
    const dir = path.join(root, "projects", p, "functions");
    return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /(^|[/-])handler\.ts$/.test(f)).map((f) => path.join(dir, f)) : [];
  })
  .sort();
// Enough configuration for every handler's cold-start validation (module load, no AWS calls): the
// upper-case names its project's function sources mention, each with a value of the shape its
// suffix says (an ARN, a URL, a number), beside a few the handlers read with formats of their own.
function handlerEnv(file: string): Record<string, string> {
  const dir = path.join(root, "projects", path.relative(path.join(root, "projects"), file).split(path.sep)[0]!, "functions");
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) for (const m of fs.readFileSync(p, "utf8").matchAll(/"([A-Z][A-Z0-9_]{2,})"/g)) names.add(m[1]!);
    }
  };
  walk(dir);
  const value = (n: string): string =>
    /_ARN$/.test(n) ? `arn:aws:${n.includes("TOPIC") ? "sns" : n.includes("STREAM") ? "kinesis" : n.includes("SECRET") ? "secretsmanager" : "states"}:us-east-1:123456789012:${n.toLowerCase()}`
    : /_URL$/.test(n) ? `https://sqs.us-east-1.amazonaws.com/123456789012/${n.toLowerCase()}`
    : /_SECONDS$/.test(n) ? "3600"
    : /_PORT$/.test(n) ? "5432"
    : /(_DAYS|_CENTS|_SIZE)$/.test(n) ? "30"
    : /^DELIVERY_ORIGIN$/.test(n) ? "https://cdn.example.com"
    : n.toLowerCase();
  // One of two alternatives, never both: the warehouse's Serverless workgroup (not its provisioned cluster).
  names.delete("WAREHOUSE_CLUSTER");
  return {
    // A file path (e.g. DB_CA_FILE) is optional and must exist: left unset.
    ...Object.fromEntries([...names].filter((n) => !n.endsWith("_FILE")).map((n) => [n, value(n)])),
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    DB_HOST: "db.example.internal",
    DB_PORT: "5432",
    PARTNERS: "acme-bank",
  };
}
for (const file of handlers) {
  const label = path.relative(root, file);
  const b = bundleHandler(file, { sourcemap: "none", external: ["pg-native"] });
  const bundleOut = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bundle-")), "index.js");
  fs.writeFileSync(bundleOut, b.code);
  let load: string;
  try {
    const ms = measureQuiet(() => time(process.execPath, ["-e", `const t=process.hrtime.bigint();require(${JSON.stringify(bundleOut)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], { env: handlerEnv(file) }).stdout);
    load = `${ms.toFixed(0)} ms`;
  } catch (e) {
    const lines = (e as Error).message.split("\n");
    load = `load failed: ${(lines.find((l) => /^\w*Error: /.test(l.trim())) ?? lines[0]!).trim().slice(0, 200)}`;
  }
  const kb = (b.sizeBytes / 1024).toFixed(0);
  console.log(`  ${label.padEnd(58)} ${kb.padStart(5)} KiB ${b.sizeBytes <= 500 * 1024 ? "(<= 500 KiB)" : "(OVER 500 KiB)"}  module load ${load}`);
}

function measureQuiet(fn: () => string): number {
  const xs = Array.from({ length: runs }, () => Number(fn().trim().split("\n").pop()));
  return median(xs);
}

// The pack as the Pulumi CLI starts it for every preview (built JavaScript, no ts-node).
void (async () => {
  console.log("\nPolicy pack start under Pulumi's runner (cmd/run-policy-pack from the pack's directory, until it prints its port)");
  const { startPack } = require("../policy/run-pack") as typeof import("../policy/run-pack");
  const packDir = path.join(root, "policy-packs", "aws-compliance");
  const packStarts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const running = await startPack(packDir);
    packStarts.push(running.ms);
    running.stop();
  }
  const packStart = median(packStarts);
  console.log(`  ${"aws-compliance (built JavaScript)".padEnd(58)} ${(packStart / 1000).toFixed(2).padStart(6)} s   (runs: ${packStarts.map((x) => (x / 1000).toFixed(2)).join(", ")})`);
  console.log(`  pack start / floor = ${(packStart / floor).toFixed(2)}x (goal <= 2.5x)`);
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
