/**
 * `npm run plan`: the offline plan.
 *
 *   npm run plan                                   every project and stack, platform first
 *   npm run plan -- --project <dir> --stack <name> [--policy-pack <dir>] [--policy-pack-config <file>]
 *                   [--json <file>] [--preview] [--org <name>] [--no-policy] [--no-tree]
 *                   [--stack-outputs <org/project/stack>=<file.json>] [--concurrency <n>]
 *                   [--base <git-ref>] [--report <dir>]
 *                   [--adopter-examples <file> | --no-adopter-examples] [--timeout <seconds>] [--fresh-workers]
 *
 * Stacks run in parallel in worker processes, each stack in a fresh run of the Pulumi runtime; a
 * worker plans another stack when the last one left nothing behind (reuse.ts), else it exits.
 * StackReferences are answered from the referenced stack's own plan, planned on demand.
 * Exit codes: 0 clean or advisory only; 1 mandatory violations; 2 a program or config failed.
 */
import { ChildProcess, fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultAdopterExamplesFile } from "./adopter-examples";
import { discoverProjects, ProjectInfo, readProject } from "./project";
import { counts, dim, renderStack, renderSummaryLine } from "./report";
import { resolveRef } from "./base";
import { review, startBase } from "./report/review";
import { bySize, recordDurations } from "./schedule";
import { failedPlan, type ParentMessage, type PlanJob, type StackPlan, type WorkerMessage } from "./types";

// PLAN_REPO_ROOT: set by `--base` to plan another commit's checkout with this CLI (tools/plan/base.ts).
export const repoRoot = process.env.PLAN_REPO_ROOT ? path.resolve(process.env.PLAN_REPO_ROOT) : path.resolve(__dirname, "..", "..");
const workerPath = path.join(__dirname, "worker.ts");
const defaultPack = path.join(repoRoot, "policy-packs", "aws-compliance");
/** A stack's time limit unless `--timeout` says otherwise. */
export const defaultTimeoutMs = 120_000;

export interface PlanOptions {
  organization: string;
  preview: boolean;
  /** Policy pack directory; `null` for none. */
  policyPack: string | null;
  /** Explicit pack config file; otherwise `<pack>/config/<stack>.json` when it exists. */
  policyPackConfig?: string;
  /** Outputs to answer StackReferences with, by fully qualified name, instead of planning. */
  stackOutputs: Map<string, Record<string, unknown>>;
  concurrency: number;
  /** Per-stack time limit in ms (default 120 s): the stack ends with an error past it. */
  timeoutMs?: number;
  /** `false`: every stack in a new process (`--fresh-workers`); by default a worker plans several (reuse.ts). */
  reuseWorkers?: boolean;
  /** Projects a StackReference may name (by project name). */
  knownProjects: ProjectInfo[];
  /** Example values for adopter-specific keys (tools/plan/adopter-examples.yaml); `null` for none. */
  adopterExamples?: string | null;
  onStart?: (key: string) => void;
  onDone?: (plan: StackPlan) => void;
}

/** Plans stacks in worker processes; each stack is planned once and shared by whoever asks. */
export class Planner {
  private readonly plans = new Map<string, Promise<StackPlan>>();
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly options: PlanOptions) {}

  /** Plan one stack (cached). `urgent` skips the concurrency queue: a waiting stack needs it. */
  plan(projectDir: string, stack: string, chain: string[] = [], urgent = false, preview = this.options.preview): Promise<StackPlan> {
    const key = `${path.resolve(projectDir)}#${stack}`;
    const cacheKey = `${key}#${preview ? "preview" : "update"}`;
    const existing = this.plans.get(cacheKey);
    if (existing) {
      // A stack waiting for a slot that another stack now waits for (a StackReference): start it
      // now, or the slots held by its readers would never free up.
      if (urgent) this.promote.get(cacheKey)?.();
      return existing;
    }
    const p = this.acquire(urgent, cacheKey).then(() =>
      this.runWorker(projectDir, stack, [...chain, key], preview).finally(() => this.release()),
    );
    this.plans.set(cacheKey, p);
    return p;
  }

  private readonly promote = new Map<string, () => void>();

  private acquire(urgent: boolean, cacheKey: string): Promise<void> {
    if (urgent || this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const start = () => {
        this.promote.delete(cacheKey);
        this.running++;
        resolve();
      };
      this.queue.push(start);
      this.promote.set(cacheKey, () => {
        const i = this.queue.indexOf(start);
        if (i >= 0) {
          this.queue.splice(i, 1);
          start();
        }
      });
    });
  }

  private release(): void {
    this.running--;
    const next = this.queue.shift();
    if (next) next();
  }

  private packConfigFor(): string | undefined {
    // Without an explicit file, the worker layers <pack>/config/<stack>.json and the project's
    // overlay (tools/policy/pack-config.ts).
    return this.options.policyPackConfig ? path.resolve(this.options.policyPackConfig) : undefined;
  }

  private async resolveStackReference(name: string, chain: string[]): Promise<{ outputs: Record<string, unknown>; secretOutputNames: string[] }> {
    const given = this.options.stackOutputs.get(name);
    if (given) return { outputs: given, secretOutputNames: [] };
    const parts = name.split("/");
    if (parts.length !== 3) throw new Error(`StackReference '${name}': expected <organization>/<project>/<stack>`);
    const [org, projectName, stack] = parts as [string, string, string];
    if (org !== this.options.organization) {
      throw new Error(`StackReference '${name}': organization '${org}' is not the plan's ('${this.options.organization}'); pass --org ${org} or --stack-outputs ${name}=<file>`);
    }
    const project = this.options.knownProjects.find((p) => p.name === projectName);
    if (!project) {
      throw new Error(`StackReference '${name}': no project named '${projectName}' in this repository (known: ${this.options.knownProjects.map((p) => p.name).join(", ") || "none"}); pass --stack-outputs ${name}=<file.json>`);
    }
    if (!project.stacks.includes(stack)) throw new Error(`StackReference '${name}': project '${projectName}' has no stack '${stack}' (stacks: ${project.stacks.join(", ")})`);
    const key = `${project.dir}#${stack}`;
    if (chain.includes(key)) throw new Error(`StackReference cycle: ${[...chain, key].map((k) => path.relative(repoRoot, k) || k).join(" -> ")}`);
    // A StackReference reads a deployed stack, whose outputs are known even in a preview: the
    // referenced stack is planned as applied.
    const plan = await this.plan(project.dir, stack, chain, true, false);
    if (plan.status === "error") throw new Error(`StackReference '${name}': the referenced stack failed to plan: ${plan.error?.split("\n")[0]}`);
    return { outputs: plan.outputs, secretOutputNames: [] };
  }

  /** Worker processes started, and the stacks after which a worker could not plan another (reuse.ts). */
  readonly workers = { started: 0, retired: [] as { stack: string; reasons: string[] }[] };

  /** Workers waiting for a stack; at most `concurrency` are kept (reuse.ts says why this is safe). */
  private readonly idle: PlanWorker[] = [];
  private closed = false;

  /** A waiting worker, or a new one. */
  private worker(): PlanWorker {
    for (let w = this.idle.pop(); w; w = this.idle.pop()) if (w.alive) return w;
    this.workers.started++;
    return new PlanWorker();
  }

  private giveBack(w: PlanWorker): void {
    if (this.closed || this.options.reuseWorkers === false || this.idle.length >= this.options.concurrency) void w.close();
    else this.idle.push(w);
  }

  /**
   * Ends the waiting workers, resolving when they have exited (so that their CPU time is counted
   * with this process's, as `time` reports it). Idle workers never keep this process alive.
   */
  close(): Promise<void> {
    this.closed = true;
    return Promise.all(this.idle.splice(0).map((w) => w.close())).then(() => undefined);
  }

  private runWorker(projectDir: string, stack: string, chain: string[], preview: boolean): Promise<StackPlan> {
    const key = `${path.basename(projectDir)}/${stack}`;
    this.options.onStart?.(key);
    const packConfig = this.packConfigFor();
    const job: PlanJob = {
      projectDir: path.resolve(projectDir),
      stack,
      organization: this.options.organization,
      preview,
      ...(this.options.policyPack ? { policyPack: this.options.policyPack } : {}),
      ...(packConfig ? { policyPackConfig: packConfig } : {}),
      ...(this.options.adopterExamples ? { adopterExamples: this.options.adopterExamples } : {}),
      repoRoot,
      timeoutMs: this.options.timeoutMs ?? defaultTimeoutMs,
    };
    const worker = this.worker();
    return worker
      .run(job, (name) => this.resolveStackReference(name, chain))
      .then(({ result, output, exit, killedAfterMs }) => {
        if (result?.reusable) this.giveBack(worker);
        else void worker.close();
        if (result?.retire) this.workers.retired.push({ stack: key, reasons: result.retire });
        const plan: StackPlan =
          result?.plan ??
          failedPlan(
            { project: path.basename(projectDir), stack, dir: path.relative(repoRoot, projectDir) || "." },
            killedAfterMs !== undefined
              ? `the program did not finish within ${killedAfterMs / 1000} s (--timeout ${killedAfterMs / 1000}) and blocked its event loop, so it was killed${output ? `:\n${output.trim()}` : ""}`
              : `the plan process exited (${exit?.signal ?? `code ${exit?.code}`}) without a result${output ? `:\n${output.trim()}` : ""}`,
          );
        if (plan.status === "error" && output.trim() && result) plan.notes.push(`program output:\n${output.trim()}`);
        this.options.onDone?.(plan);
        return plan;
      });
  }
}

interface WorkerOutcome {
  result?: Extract<WorkerMessage, { kind: "result" }>;
  /** What the program printed during this stack. */
  output: string;
  /** How the process ended, when it did (a worker that can plan another stack stays). */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  killedAfterMs?: number;
}

/**
 * One plan worker process (worker.ts). It plans one stack at a time, and after each says whether
 * it can plan another (reuse.ts); one that cannot exits. Stacks start on a worker that is already
 * loaded, so only the first stack of each pays for loading the SDK, the provider and the pack.
 */
class PlanWorker {
  private readonly child: ChildProcess;
  alive = true;
  private output = "";
  private current: { onMessage: (m: WorkerMessage) => void; onExit: (code: number | null, signal: NodeJS.Signals | null) => void } | undefined;

  constructor() {
    const nodePath = [path.join(repoRoot, "node_modules"), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
    this.child = fork(workerPath, [], {
      cwd: repoRoot,
      // The transpile cache wraps esbuild before esbuild-register loads it (transpile-cache.js);
      // dependencies load without their source maps (dependency-source-maps.js).
      // PLAN_PROF=<dir> writes a CPU profile of each worker there.
      execArgv: ["--require", path.join(__dirname, "transpile-cache.js"), "--require", path.join(__dirname, "dependency-source-maps.js"), "--require", require.resolve("esbuild-register"), ...(process.env.PLAN_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PLAN_PROF}`] : [])],
      // Function bundles and transpiled sources reused across runs while their inputs are unchanged
      // (components/compute/bundle.ts, transpile-cache.js).
      env: {
        ...process.env,
        NODE_PATH: nodePath,
        BLUEPRINTS_BUNDLE_CACHE: process.env.BLUEPRINTS_BUNDLE_CACHE ?? path.join(repoRoot, ".plan", "cache", "bundles"),
        BLUEPRINTS_TRANSPILE_CACHE: process.env.BLUEPRINTS_TRANSPILE_CACHE ?? path.join(repoRoot, ".plan", "cache", "transpile"),
      },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child.stdout?.on("data", (d) => (this.output += d));
    this.child.stderr?.on("data", (d) => (this.output += d));
    this.child.on("message", (m: WorkerMessage) => this.current?.onMessage(m));
    this.child.on("exit", (code, signal) => {
      this.alive = false;
      this.current?.onExit(code, signal);
    });
  }

  /** Plan `job`; `stackReference` answers the program's StackReferences. */
  run(job: PlanJob, stackReference: (name: string) => Promise<{ outputs: Record<string, unknown>; secretOutputNames: string[] }>): Promise<WorkerOutcome> {
    this.output = "";
    this.hold(true);
    return new Promise<WorkerOutcome>((resolve) => {
      let result: WorkerOutcome["result"];
      // The worker ends its own stack at the limit; this backstop is for a program that blocks
      // its event loop (a busy loop, a synchronous wait), which nothing inside it can interrupt.
      let killedAfterMs: number | undefined;
      const backstop = setTimeout(() => {
        killedAfterMs = job.timeoutMs!;
        this.child.kill("SIGKILL");
      }, job.timeoutMs! + 10_000);
      const finish = (exit?: WorkerOutcome["exit"]) => {
        clearTimeout(backstop);
        this.current = undefined;
        resolve({ ...(result ? { result } : {}), output: this.output, ...(exit ? { exit } : {}), ...(killedAfterMs !== undefined ? { killedAfterMs } : {}) });
      };
      this.current = {
        onMessage: (msg) => {
          if (msg.kind === "result") {
            result = msg;
            // A worker that can plan another stack stays; one that cannot is done when it exits.
            if (msg.reusable) {
              this.hold(false);
              finish();
            }
          } else if (msg.kind === "stackRef") {
            stackReference(msg.name).then(
              (r) => this.child.send({ kind: "stackRefResult", requestId: msg.requestId, ...r } satisfies ParentMessage),
              (e: Error) => this.child.send({ kind: "stackRefResult", requestId: msg.requestId, error: e.message } satisfies ParentMessage),
            );
          }
        },
        onExit: (code, signal) => finish({ code, signal }),
      };
      if (!this.alive) return finish({ code: this.child.exitCode, signal: this.child.signalCode });
      this.child.send({ kind: "plan", job } satisfies ParentMessage);
    });
  }

  /** Whether this worker keeps the parent's event loop alive: only while it plans a stack. */
  private hold(busy: boolean): void {
    for (const handle of [this.child, this.child.channel, this.child.stdout, this.child.stderr] as ({ ref(): void; unref(): void } | null | undefined)[]) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  }

  /** Ends the worker once it has finished its stack; resolves when it has exited. */
  close(): Promise<void> {
    if (!this.alive) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    // Held until it exits: an awaited exit must keep this process alive.
    this.hold(true);
    if (this.child.connected) this.child.disconnect();
    return exited;
  }
}

/** The JSON document of one stack (the offline plan's contract). */
export function toJson(plan: StackPlan): Record<string, unknown> {
  return {
    project: plan.project,
    stack: plan.stack,
    // "partial": the program planned, but components a provider builds were not evaluated.
    status: plan.status === "ok" && (plan.unevaluated?.length ?? 0) > 0 ? "partial" : plan.status,
    ...(plan.error ? { error: plan.error } : {}),
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      custom: r.custom,
      inputs: r.inputs,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies ?? {},
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      provider: r.provider ?? null,
    })),
    outputs: plan.outputs,
    violations: plan.violations.map((v) => ({
      policyPack: v.policyPack,
      policy: v.policy,
      enforcementLevel: v.enforcementLevel,
      urn: v.urn ?? null,
      message: v.message,
      ...(v.severity ? { severity: v.severity } : {}),
    })),
    exemptions: plan.exemptions.map((v) => ({ policy: v.policy, urn: v.urn ?? null, message: v.message })),
    unevaluated: plan.unevaluated ?? [],
    ...(plan.policyPack ? { policyPack: plan.policyPack } : {}),
    ...(plan.adopterExamples ? { adopterExamples: plan.adopterExamples } : {}),
    notes: plan.notes,
    timings: plan.timings,
  };
}

export function exitCodeFor(plans: StackPlan[]): 0 | 1 | 2 {
  if (plans.some((p) => p.status === "error")) return 2;
  if (plans.some((p) => counts(p).mandatory > 0)) return 1;
  return 0;
}

interface Args {
  project?: string;
  stack?: string;
  policyPack?: string | null;
  policyPackConfig?: string;
  json?: string;
  preview: boolean;
  org: string;
  tree: boolean;
  stackOutputs: Map<string, Record<string, unknown>>;
  concurrency: number;
  /** Git ref to compare with (change report). */
  base?: string;
  /** Directory for the Markdown/HTML reports. */
  report?: string;
  /** Adopter-examples file; `null` with --no-adopter-examples. */
  adopterExamples?: string | null;
  timeoutMs: number;
  freshWorkers: boolean;
}

const usage = `usage: npm run plan -- [--project <dir> --stack <name>] [--policy-pack <dir> | --no-policy]
                     [--policy-pack-config <file>] [--json <file>] [--preview] [--org <name>]
                     [--no-tree] [--stack-outputs <org/project/stack>=<file.json>] [--concurrency <n>]
                     [--base <git-ref>] [--report <dir>]
                     [--adopter-examples <file> | --no-adopter-examples]
                     [--timeout <seconds per stack, default 120>] [--fresh-workers]`;

function parseArgs(argv: string[]): Args {
  const args: Args = { preview: false, org: "organization", tree: true, stackOutputs: new Map(), concurrency: Math.max(2, os.cpus().length), timeoutMs: defaultTimeoutMs, freshWorkers: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${usage}`);
      return v;
    };
    switch (a) {
      case "--project": args.project = value(); break;
      case "--stack": args.stack = value(); break;
      case "--policy-pack": args.policyPack = path.resolve(value()); break;
      case "--no-policy": args.policyPack = null; break;
      case "--policy-pack-config": args.policyPackConfig = path.resolve(value()); break;
      case "--json": args.json = path.resolve(value()); break;
      case "--preview": args.preview = true; break;
      case "--org": args.org = value(); break;
      case "--no-tree": args.tree = false; break;
      case "--base": args.base = value(); break;
      case "--report": args.report = path.resolve(value()); break;
      case "--adopter-examples": args.adopterExamples = path.resolve(value()); break;
      case "--no-adopter-examples": args.adopterExamples = null; break;
      case "--fresh-workers": args.freshWorkers = true; break;
      case "--concurrency": args.concurrency = Math.max(1, Number.parseInt(value(), 10) || 1); break;
      case "--timeout": {
        const v = value();
        const seconds = Number(v);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--timeout takes a number of seconds greater than 0, got '${v}'`);
        args.timeoutMs = Math.round(seconds * 1000);
        break;
      }
      case "--stack-outputs": {
        const v = value();
        const eq = v.indexOf("=");
        if (eq < 0) throw new Error(`--stack-outputs takes <org/project/stack>=<file.json>, got '${v}'`);
        args.stackOutputs.set(v.slice(0, eq), JSON.parse(fs.readFileSync(v.slice(eq + 1), "utf8")));
        break;
      }
      case "-h":
      case "--help":
        console.log(usage);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument '${a}'\n${usage}`);
    }
  }
  if (args.stack && !args.project) throw new Error(`--stack needs --project\n${usage}`);
  return args;
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const started = Date.now();
  const adopterExamples = args.adopterExamples === null ? null : (args.adopterExamples ?? (fs.existsSync(defaultAdopterExamplesFile) ? defaultAdopterExamplesFile : null));
  const policyPack = args.policyPack === null ? null : (args.policyPack ?? (fs.existsSync(defaultPack) ? defaultPack : null));
  let known: ProjectInfo[];
  let targets: { dir: string; stack: string }[];
  try {
    known = discoverProjects(repoRoot);
    if (args.project) {
      const project = readProject(args.project);
      if (!known.some((p) => p.dir === project.dir)) {
        // A project outside this repository: the projects beside it may be what its
        // StackReferences name. One that cannot be read is skipped, not fatal.
        known = [...known, project];
        for (const d of fs.readdirSync(path.dirname(project.dir)).map((x) => path.join(path.dirname(project.dir), x))) {
          if (d === project.dir || known.some((p) => p.dir === d) || !fs.existsSync(path.join(d, "Pulumi.yaml"))) continue;
          try {
            known = [...known, readProject(d)];
          } catch {
            // not a project the plan can run; a StackReference to it will say so
          }
        }
      }
      const stacks = args.stack ? [args.stack] : project.stacks;
      if (stacks.length === 0) throw new Error(`${project.dir}: no Pulumi.<stack>.yaml files; pass --stack`);
      targets = stacks.map((stack) => ({ dir: project.dir, stack }));
    } else {
      targets = known.flatMap((p) => p.stacks.map((stack) => ({ dir: p.dir, stack })));
    }
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }

  let base: ReturnType<typeof startBase> | undefined;
  if (args.base) {
    try {
      resolveRef(args.project ? path.resolve(args.project) : repoRoot, args.base);
    } catch (e) {
      console.error(`error: ${(e as Error).message}`);
      return 2;
    }
    base = startBase(repoRoot, args.base, argv, args.project);
  }

  const total = targets.length;
  const running = new Set<string>();
  let done = 0;
  const tty = process.stderr.isTTY;
  const progress = () => {
    if (total <= 1) return;
    const line = `[${done}/${total}] planning ${[...running].join(", ") || "..."}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
  };
  const planner = new Planner({
    organization: args.org,
    preview: args.preview,
    policyPack,
    ...(args.policyPackConfig ? { policyPackConfig: args.policyPackConfig } : {}),
    stackOutputs: args.stackOutputs,
    concurrency: args.concurrency,
    timeoutMs: args.timeoutMs,
    reuseWorkers: !args.freshWorkers,
    knownProjects: known,
    adopterExamples,
    onStart: (k) => {
      running.add(k);
      progress();
    },
    onDone: (p) => {
      running.delete(`${path.basename(path.resolve(repoRoot, p.dir))}/${p.stack}`);
      done++;
      if (total > 1 && !tty) process.stderr.write(`[${done}/${total}] ${p.project}/${p.stack} ${p.status}\n`);
      progress();
    },
  });

  // The root (platform) project first: workloads read it by StackReference. `known` lists it first.
  // Started longest-expected first; reported in the targets' order.
  const started_ = new Map(bySize(repoRoot, targets).map((t) => [t, planner.plan(t.dir, t.stack)] as const));
  const plans = await Promise.all(targets.map((t) => started_.get(t)!));
  await planner.close();
  recordDurations(repoRoot, plans);
  if (tty && total > 1) process.stderr.write("\r\x1b[K");
  const shown = plans;
  const reviewed = await review(repoRoot, shown, { ...(base ? { base, baseRef: args.base } : {}), ...(args.report ? { report: args.report } : {}) });

  const withExamples = shown.filter((p) => p.adopterExamples?.length);
  if (withExamples.length > 0) {
    console.log(
      `Adopter-specific config: ${withExamples.length} of ${shown.length} stack${shown.length === 1 ? "" : "s"} planned with example values from ${path.relative(process.cwd(), adopterExamples!) || adopterExamples} for keys no Pulumi.<stack>.yaml commits (a real deploy needs yours; \`pulumi config set\`):`,
    );
    for (const p of withExamples) console.log(`  ${p.project}/${p.stack}: ${p.adopterExamples!.join(", ")}`);
    console.log("");
  }
  for (const p of shown) console.log(`${renderStack(p, { tree: args.tree })}\n`);
  const width = Math.max(20, ...shown.map((p) => `${p.project}/${p.stack}`.length));
  console.log(`Summary (${shown.length} stack${shown.length === 1 ? "" : "s"}, policy pack: ${policyPack ? path.relative(repoRoot, policyPack) || policyPack : "none"}${args.preview ? ", preview mode" : ""}):`);
  for (const p of shown) console.log(`  ${renderSummaryLine(p, width)}`);
  for (const r of reviewed.reports) if (r.cost) console.log(dim(`  ${`${r.plan.project}/${r.plan.stack}`.padEnd(width)}  about $${r.cost.monthlyUsd.toFixed(2)} a month at idle (list prices of ${r.cost.priceDate})`));
  for (const r of reviewed.reports) {
    const c = r.changes;
    if (c) console.log(`  ${`${r.plan.project}/${r.plan.stack}`.padEnd(width)}  vs ${args.base}: +${c.added.length} ~${c.changed.length} +-${c.replaced.length} -${c.removed.length}, findings ${c.findings.new.length} new, ${c.findings.fixed.length} fixed${c.cost ? `, cost ${c.cost.deltaUsd >= 0 ? "+" : ""}${c.cost.deltaUsd.toFixed(2)} USD/month` : ""}`);
  }
  for (const r of reviewed.removedStacks) console.log(`  ${r.name.padEnd(width)}  vs ${args.base}: the stack is gone (${r.resources} resources deleted with it)`);
  if (reviewed.written.length > 0) console.log(dim(`  reports: ${path.relative(process.cwd(), args.report!) || "."}/ (${reviewed.written.length} files)`));
  console.log(dim(`  wall time ${((Date.now() - started) / 1000).toFixed(1)} s, ${planner.workers.started} worker process${planner.workers.started === 1 ? "" : "es"} for ${shown.length} stack${shown.length === 1 ? "" : "s"}`));

  if (args.json) {
    const docs = shown.map((p, i) => ({ ...toJson(p), ...reviewed.extras[i] }));
    const doc = shown.length === 1 && args.project ? docs[0] : docs;
    fs.mkdirSync(path.dirname(args.json), { recursive: true });
    fs.writeFileSync(args.json, `${JSON.stringify(doc, null, 2)}\n`);
  }
  if (reviewed.baseError) {
    console.error(`error: --base ${args.base}: ${reviewed.baseError}`);
    return 2;
  }
  return exitCodeFor(shown);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
