/**
 * Plans one stack at a time, each in a fresh run store of the Pulumi runtime; after a stack it says
 * whether it can plan another (reuse.ts), and exits when it cannot or when the parent disconnects.
 *
 * Runs the real program under `@pulumi/pulumi`'s mock runtime, records every registration through
 * a wrapped `MockMonitor` (type, name, parent, inputs, dependencies, protect, retainOnDelete,
 * provider), answers with AWS-shaped outputs, asks the parent process for StackReference outputs,
 * then evaluates the policy pack over what was recorded. Started by `cli.ts` with `fork`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as url from "node:url";
import { buildPackConfig, mergePackConfig } from "../policy/pack-config";
import { evaluatePolicies, LoadedPolicyPack, loadPolicyPack, PlannedResource, UNKNOWN, validatePolicyConfig } from "../policy/harness";
import { defaultMockContext, hex, MockContext, mockAwsInvoke, mockAwsResource, mockAwsxComponent } from "./aws-mocks";
import { deferClosureSerialization, skipStackCapture } from "./fast-runtime";
import { isDependency, JobScope, watchForReuse } from "./reuse";
import { overlayAdopterExamples, readAdopterExamples } from "./adopter-examples";
import { awsxChildren, awsxComponentOutputs } from "./awsx-children";
import { checkInputs, reportUnknownAwsInputs } from "./input-check";
import { loadStackConfig, readProject } from "./project";
import { failedPlan, type ParentMessage, type PlanJob, type StackPlan, type WorkerMessage } from "./types";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** What a response shows in the SDK's (discarded) debug messages: its type, not its serialised content. */
function protobufDebugString(this: object): string {
  return `[${this.constructor?.name ?? "response"}]`;
}

/** Wire-format value -> plain JSON: secrets unwrapped, resource references as their id or URN. */
export function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG] === SECRET_SIG) return plain(o.value);
    if (o[SIG] === RESOURCE_SIG) return (o.id as string) || (o.urn as string);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

let nextRequest = 1;
const pendingRefs = new Map<number, (m: Extract<ParentMessage, { kind: "stackRefResult" }>) => void>();

function askStackReference(name: string): Promise<{ outputs: Record<string, unknown>; secretOutputNames: string[] }> {
  const requestId = nextRequest++;
  return new Promise((resolve, reject) => {
    pendingRefs.set(requestId, (m) => {
      if (m.error) reject(new Error(m.error));
      else resolve({ outputs: m.outputs ?? {}, secretOutputNames: m.secretOutputNames ?? [] });
    });
    send({ kind: "stackRef", requestId, name });
  });
}

function resolveFrom(dirs: string[], id: string): string {
  return require.resolve(id, { paths: dirs });
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    // Config errors and RunErrors carry their whole story in the message; others need the stack.
    const isRunError = (e as { __pulumiRunError?: boolean }).__pulumiRunError === true;
    if (isRunError || !e.stack) return e.message;
    // Keep the program's frames; drop the loader's, the runtime's and this worker's.
    const noise = /node:internal|node_modules[\\/](tsx|@pulumi)|tools[\\/]plan[\\/]worker/;
    return e.stack
      .split("\n")
      .filter((line) => !(line.trimStart().startsWith("at ") && noise.test(line)))
      .join("\n");
  }
  return String(e);
}

/** The nearest package.json's `type` from the program's directory up (what Node and the CLI read). */
function packageType(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, "package.json");
    if (fs.existsSync(f)) {
      try {
        return JSON.parse(fs.readFileSync(f, "utf8")).type;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Loads the program as the Node language host does (`@pulumi/pulumi/cmd/run/run.js`): a CommonJS
 * program is `require`d; an ES module (nearest package.json `"type": "module"`) is `import()`ed, and
 * a default export replaces the named exports. The CLI transpiles an ES-module TypeScript program
 * with ts-node's ESM loader in `nodenext` mode; here `esm-hooks.mjs` does the same transpile-only
 * work with esbuild and the project's tsconfig (`./x.js` imports resolve to `./x.ts`).
 */
async function loadProgram(main: string, projectDir: string): Promise<any> {
  if (packageType(path.dirname(main)) !== "module") return require(main);
  if (/\.[mc]?ts$/.test(main)) {
    const tsconfig = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? path.join(projectDir, "tsconfig.json");
    let compilerOptions: Record<string, unknown> = {};
    if (fs.existsSync(tsconfig)) {
      const ts = require("typescript") as typeof import("typescript");
      const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
      if (read.error) throw new Error(`${tsconfig}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
      compilerOptions = read.config?.compilerOptions ?? {};
    }
    const nodeModule = require("node:module") as typeof import("node:module");
    nodeModule.register(url.pathToFileURL(path.join(__dirname, "esm-hooks.mjs")).href, { data: { tsconfigRaw: { compilerOptions } } });
  }
  const exported = await import(url.pathToFileURL(fs.realpathSync(main)).href);
  if (Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
    if (Object.keys(exported).length !== 1) throw new Error("expected entrypoint module to have either a default export or named exports but not both");
    return exported.default;
  }
  return exported;
}

let logErrorSink: ((msg: string) => void) | undefined;
const patchedLogs = new WeakSet<object>();

/** Send the SDK's error-level log messages to `sink` (patched once per copy of the SDK; the sink is per stack). */
function captureLogErrors(log: { error: (msg: string, ...rest: unknown[]) => unknown }, sink: (msg: string) => void): void {
  logErrorSink = sink;
  if (patchedLogs.has(log)) return;
  patchedLogs.add(log);
  const original = log.error;
  log.error = (msg: string, ...rest: unknown[]) => {
    logErrorSink?.(String(msg));
    return original.call(log, msg, ...rest);
  };
}

/** The pack, loaded once per worker (its policies read their config per evaluation). */
const packs = new Map<string, LoadedPolicyPack>();

async function plan(job: PlanJob, scope: JobScope): Promise<StackPlan> {
  const started = Date.now();
  const notes: string[] = [];
  const base = {
    project: path.basename(job.projectDir),
    stack: job.stack,
    dir: path.relative(job.repoRoot, job.projectDir) || ".",
  };
  let adopterExamples: string[] = [];
  const failed = (error: string, extra: Partial<StackPlan> = {}): StackPlan => ({
    ...base,
    ...(adopterExamples.length > 0 ? { adopterExamples } : {}),
    status: "error",
    error,
    resources: [],
    outputs: {},
    violations: [],
    exemptions: [],
    notes,
    timings: { programMs: 0, policiesMs: 0, totalMs: Date.now() - started },
    ...extra,
  });

  let project;
  let stackConfig;
  try {
    project = readProject(job.projectDir);
    base.project = project.name;
    stackConfig = loadStackConfig(project, job.stack);
  } catch (e) {
    return failed((e as Error).message);
  }
  notes.push(...stackConfig.notes);
  // Adopter-specific keys (GitHub repository, e-mails, domains, cost acknowledgements...) are never
  // committed; the plan stands in example values for the ones the stack does not set, and says so.
  let config = stackConfig.config;
  if (job.adopterExamples) {
    try {
      const overlay = overlayAdopterExamples(config, readAdopterExamples(job.adopterExamples), project.name, job.stack);
      config = overlay.config;
      adopterExamples = overlay.overlaid;
    } catch (e) {
      return failed((e as Error).message);
    }
    if (adopterExamples.length > 0) {
      notes.push(`adopter-specific keys planned with example values from ${path.relative(job.repoRoot, job.adopterExamples)} (a real stack must set them): ${adopterExamples.join(", ")}`);
    }
  }
  if (stackConfig.stoodIn.length > 0) {
    notes.push(`secure config stood in, not decrypted: ${stackConfig.stoodIn.join(", ")}`);
  }

  // The program's own copy of @pulumi/pulumi, else the repository's.
  const lookup = [job.projectDir, job.repoRoot];
  const pulumiDir = path.dirname(resolveFrom(lookup, "@pulumi/pulumi/package.json"));
  deferClosureSerialization(pulumiDir);
  const pulumi = require(resolveFrom(lookup, "@pulumi/pulumi")) as typeof import("@pulumi/pulumi");
  const settings = require(path.join(pulumiDir, "runtime", "settings.js"));
  const log = require(path.join(pulumiDir, "log", "index.js"));
  skipStackCapture(pulumiDir);

  let pack: LoadedPolicyPack | undefined;
  let packConfig: Record<string, any> | undefined;
  let packConfigFiles: string[] = job.policyPackConfig ? [job.policyPackConfig] : [];
  if (job.policyPack) {
    try {
      pack = packs.get(job.policyPack) ?? loadPolicyPack(job.policyPack);
      packs.set(job.policyPack, pack);
      if (job.policyPackConfig) {
        // A layer file (with "$pack" shared settings) is merged as `npm run policy:config` would.
        packConfig = mergePackConfig([JSON.parse(fs.readFileSync(job.policyPackConfig, "utf8"))], pack.policies);
        const problems = validatePolicyConfig(pack, packConfig!);
        if (problems.length > 0) return failed(`policy pack config ${job.policyPackConfig} is invalid:\n  - ${problems.join("\n  - ")}`);
      } else {
        // The layered config (stack defaults + project overlay), as `npm run policy:config` builds it for CI.
        const built = buildPackConfig({ packDir: job.policyPack, project: project.name, stack: job.stack, policies: pack.policies });
        if (built.problems.length > 0) return failed(`policy pack config for ${project.name}/${job.stack} is invalid:\n  - ${built.problems.join("\n  - ")}`);
        if (built.files.length > 0) {
          packConfig = built.config;
          packConfigFiles = built.files;
        }
      }
    } catch (e) {
      return failed(`policy pack ${job.policyPack} failed to load: ${errorText(e)}`);
    }
  }

  const region = stackConfig.config["aws:region"] ?? process.env.AWS_REGION ?? defaultMockContext.region;
  const ctx: MockContext = { ...defaultMockContext, region };
  const unmockedInvokes = new Set<string>();

  const mocks = {
    async newResource(args: { type: string; name: string; inputs: any; custom?: boolean; id?: string }) {
      const { type, name } = args;
      // The inputs as the engine sees them: a resource passed where an id is expected (a RestApi
      // object as a Stage's `restApi`) is its id, not a rehydrated object that prints as
      // "[object Object]" (the recording below reads the same request).
      const pending = records.findLast((r) => r.type === type && r.name === name && r.urn === "");
      const inputs = pending ? pending.inputs : args.inputs;
      if (type === "pulumi:pulumi:StackReference") {
        const refName = String(inputs.name ?? args.id ?? name);
        const ref = await askStackReference(refName);
        return { id: refName, state: { name: refName, outputs: ref.outputs, secretOutputNames: ref.secretOutputNames } };
      }
      if (type.startsWith("pulumi:providers:")) {
        return { id: job.preview ? undefined : `${hex(`${type}::${name}`, 8)}-provider`, state: inputs };
      }
      if (!args.custom) {
        const awsx =
          mockAwsxComponent(type, name, inputs, ctx) ??
          ((state) => (state ? { id: undefined, state } : undefined))(
            awsxComponentOutputs(type, name, inputs, region, (t, n, i) => {
              const m = mockAwsResource(t, n, i, ctx);
              return { ...i, ...(m.state as Record<string, unknown>), id: m.id };
            }),
          );
        if (awsx) return job.preview ? { id: undefined, state: inputs } : awsx;
        return { id: undefined, state: {} };
      }
      if (job.preview) return { id: undefined, state: inputs };
      if (type.startsWith("aws:")) return mockAwsResource(type, name, inputs, ctx);
      if (type.startsWith("random:")) {
        const result = hex(`${type}::${name}`, Number(inputs.length ?? inputs.byteLength ?? 16));
        return { id: result, state: { ...inputs, result, hex: result, b64Std: Buffer.from(result).toString("base64"), dec: String(parseInt(result.slice(0, 8), 16)) } };
      }
      return { id: `${name}-${hex(`${type}::${name}`, 8)}`, state: inputs };
    },
    call(args: { token: string; inputs: any }) {
      const answer = mockAwsInvoke(args.token, args.inputs, ctx);
      if (answer) return answer;
      unmockedInvokes.add(args.token);
      return { id: hex(args.token, 8), ...args.inputs };
    },
  };

  await pulumi.runtime.setMocks(mocks, project.name, job.stack, job.preview, job.organization);
  pulumi.runtime.setAllConfig(config, stackConfig.secretKeys);

  // Record every registration with what the engine would see.
  type Rec = PlannedResource & { read?: boolean; order: number };
  const records: Rec[] = [];
  /** Components a provider builds (awsx): their children exist only in a real deployment. */
  const remoteComponents = new Set<Rec>();
  const registeredOutputs = new Map<string, Record<string, unknown>>();
  const monitor = settings.getMonitor();
  const wrap = (method: "registerResource" | "readResource") => {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req: any, callback: (err: unknown, resp: any) => void) => {
      const propertyDependencies: Record<string, string[]> = {};
      if (method === "registerResource") {
        req.getPropertydependenciesMap().forEach((v: any, k: string) => {
          propertyDependencies[k] = v.getUrnsList();
        });
      }
      const rec: Rec = {
        order: records.length,
        urn: "",
        type: req.getType(),
        name: req.getName(),
        ...(req.getParent() ? { parent: req.getParent() } : {}),
        custom: method === "readResource" ? true : req.getCustom(),
        inputs: plain((method === "registerResource" ? req.getObject() : req.getProperties())?.toJavaScript() ?? {}) as Record<string, unknown>,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        protect: method === "registerResource" ? Boolean(req.getProtect()) : false,
        retainOnDelete: method === "registerResource" ? Boolean(req.getRetainondelete()) : false,
        ...(req.getProvider() ? { provider: req.getProvider() } : {}),
        ...(method === "registerResource" && req.getIgnorechangesList().length ? { ignoreChanges: req.getIgnorechangesList() } : {}),
        ...(method === "registerResource" && req.getDeletebeforereplacedefined() ? { deleteBeforeReplace: req.getDeletebeforereplace() } : {}),
        ...(method === "registerResource" && req.getAdditionalsecretoutputsList().length ? { additionalSecretOutputs: req.getAdditionalsecretoutputsList() } : {}),
        ...(method === "readResource" ? { read: true } : {}),
      };
      if (method === "registerResource" && req.getRemote?.()) remoteComponents.add(rec);
      records.push(rec);
      original(req, (err: unknown, resp: any) => {
        if (!err && resp) {
          rec.urn = resp.getUrn();
          const out = plain(resp.getObject?.()?.toJavaScript?.() ?? resp.getProperties?.()?.toJavaScript?.() ?? {});
          rec.outputs = out as Record<string, unknown>;
          // The SDK interpolates the whole response into a debug message nobody reads offline
          // (`resp: ${innerResponse}`): protobuf's toString serialises every property of it.
          if (typeof resp === "object") resp.toString = protobufDebugString;
        }
        callback(err, resp);
      });
    };
  };
  wrap("registerResource");
  wrap("readResource");
  const originalInvoke = monitor.invoke.bind(monitor);
  monitor.invoke = (req: any, callback: (err: unknown, resp: any) => void) =>
    originalInvoke(req, (err: unknown, resp: any) => {
      if (resp && typeof resp === "object") resp.toString = protobufDebugString;
      callback(err, resp);
    });
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
    registeredOutputs.set(req.getUrn(), plain(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
    originalOutputs(req, callback);
  };

  // Errors the real CLI would fail the update for: thrown by the program, rejected promises
  // (a failed apply, a failed registration) and messages logged at error level.
  const errors: string[] = [];
  captureLogErrors(log, (msg) => errors.push(msg));
  // The runtime can wait forever once a registration's input has failed (a rejected input promise,
  // a callback that cannot be serialized): the CLI ends the update at the first error, so the plan
  // gives the program a short grace to report more, then ends the stack with what it has.
  let firstError: () => void = () => {};
  const errored = new Promise<"errored">((resolve) => (firstError = () => setTimeout(() => resolve("errored"), job.errorGraceMs ?? 2000).unref()));
  const pushError = errors.push.bind(errors);
  errors.push = (...items: string[]) => {
    firstError();
    return pushError(...items);
  };
  const onRejection = (e: unknown) => errors.push(errorText(e));
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onRejection);

  // Inputs @pulumi/aws 7 does not take are dropped by its classes: report them as the CLI would.
  reportUnknownAwsInputs((p) => errors.push(p.message));

  const programStart = Date.now();
  const timeoutMs = job.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  process.chdir(project.dir);
  scope.programStarts();
  const run = (async () => {
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        let main = await loadProgram(project.main, project.dir);
        if (main && main.__esModule && typeof main.default === "function") main = main.default;
        if (typeof main === "function") main = await main();
        return main;
      });
      await settings.waitForRPCs?.();
    } catch (e) {
      firstError();
      errors.unshift(errorText(e));
    }
    return "done" as const;
  })();
  const how = await Promise.race([run, errored, timedOut]);
  clearTimeout(timer);
  if (how === "timeout") {
    const waiting = records.filter((r) => !r.urn).length;
    const last = records[records.length - 1];
    errors.unshift(
      `the program did not finish within ${timeoutMs / 1000} s (--timeout ${timeoutMs / 1000}): ${records.length} resources registered` +
        `${waiting ? `, ${waiting} still waiting on their inputs` : ""}${last ? ` (last: ${last.type} '${last.name}')` : ""}`,
    );
  }
  // Let stray promise rejections surface before judging the run.
  await new Promise((r) => setImmediate(r));
  const programMs = Date.now() - programStart;
  if (unmockedInvokes.size > 0) notes.push(`invokes with no offline answer (their inputs were echoed): ${[...unmockedInvokes].sort().join(", ")}`);

  const resources: PlannedResource[] = records
    .sort((a, b) => a.order - b.order)
    .map(({ order: _order, read: _read, ...r }) => {
      const outs = registeredOutputs.get(r.urn);
      return outs && !r.custom ? { ...r, outputs: outs } : r;
    });
  // awsx components: their children as awsx's provider creates them (tools/plan/awsx-children.ts),
  // so the pack judges them as it would in a real preview; the others are listed as unevaluated.
  const unevaluated: NonNullable<StackPlan["unevaluated"]> = [];
  for (const component of remoteComponents) {
    if (!component.urn) continue;
    const children = awsxChildren(component.type, component.name, component.inputs, component.outputs ?? {}, region);
    if (!children) {
      unevaluated.push({ urn: component.urn, type: component.type, reason: `a component its provider builds (${component.type.split(":")[0]}), which the offline plan does not model: its resources are not evaluated` });
      continue;
    }
    const [urnHead, project, qualifiedType] = component.urn.split("::");
    const urns = children.map((c) => `${urnHead}::${project}::${qualifiedType}$${c.type}::${c.name}`);
    children.forEach((c, i) => {
      const propertyDependencies = Object.fromEntries(Object.entries(c.refs ?? {}).map(([k, j]) => [k, [urns[j]!]]));
      const mocked = job.preview ? undefined : mockAwsResource(c.type, c.name, c.inputs, ctx);
      resources.push({
        urn: urns[i]!,
        type: c.type,
        name: c.name,
        parent: component.urn,
        custom: true,
        inputs: c.inputs,
        dependencies: [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
        protect: component.protect,
        retainOnDelete: component.retainOnDelete,
        ...(mocked ? { outputs: { ...c.inputs, ...(mocked.state as Record<string, unknown>), id: c.id ?? mocked.id } } : {}),
      });
    });
  }
  if (unevaluated.length > 0) notes.push(`partial: ${unevaluated.length} component(s) not evaluated: ${unevaluated.map((u) => u.type).join(", ")}`);

  const stackResource = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const outputs = (stackResource && registeredOutputs.get(stackResource.urn)) ?? {};

  // Inputs @pulumi/aws 7 does not take (removed in v7, misspelt): the provider's Check stops them.
  for (const r of resources) {
    if (r.custom && r.type.startsWith("aws:")) for (const p of checkInputs(r)) errors.push(p.message);
  }

  if (errors.length > 0) {
    return failed([...new Set(errors)].join("\n"), { resources, timings: { programMs, policiesMs: 0, totalMs: Date.now() - started } });
  }

  let violations: StackPlan["violations"] = [];
  let exemptions: StackPlan["exemptions"] = [];
  let checks: StackPlan["checks"];
  const policiesStart = Date.now();
  if (pack) {
    try {
      const evaluation = await evaluatePolicies(pack, resources, { config: packConfig ?? {}, mode: job.preview ? "preview" : "update" });
      // A pack reports an exemption as an advisory diagnostic starting with EXEMPTED (so that a real
      // preview shows it too); the plan lists those apart from the violations.
      exemptions = evaluation.violations.filter((v) => v.message.startsWith("EXEMPTED"));
      violations = evaluation.violations.filter((v) => !v.message.startsWith("EXEMPTED"));
      checks = evaluation.checked;
    } catch (e) {
      return failed(errorText(e), { resources, outputs });
    }
  }
  const policiesMs = Date.now() - policiesStart;
  const unknownCount = job.preview ? resources.filter((r) => JSON.stringify(r.inputs).includes(UNKNOWN)).length : 0;
  if (unknownCount > 0) notes.push(`preview mode: ${unknownCount} resources have inputs unknown until apply`);

  return {
    ...base,
    status: "ok",
    resources,
    outputs,
    violations,
    exemptions,
    ...(checks ? { checks } : {}),
    ...(unevaluated.length > 0 ? { unevaluated } : {}),
    notes,
    ...(adopterExamples.length > 0 ? { adopterExamples } : {}),
    ...(pack
      ? {
          policyPack: {
            name: pack.name,
            version: pack.version,
            policies: pack.policies.length,
            ...(packConfigFiles.length > 0 ? { config: packConfigFiles.map((f) => path.relative(job.repoRoot, f)).join(" + ") } : {}),
          },
        }
      : {}),
    timings: { programMs, policiesMs, totalMs: Date.now() - started },
  };
}

// The worker starts in the repository's root (cli.ts): its node_modules are the dependencies that stay loaded.
watchForReuse(path.join(process.cwd(), "node_modules"));

/** Plans one stack in a fresh run store; then says whether this process can plan another (reuse.ts). */
async function planJob(job: PlanJob): Promise<{ plan: StackPlan; retire: string[] }> {
  const scope = new JobScope();
  let pulumiDir: string | undefined;
  let result: StackPlan;
  try {
    pulumiDir = path.dirname(resolveFrom([job.projectDir, job.repoRoot], "@pulumi/pulumi/package.json"));
    process.chdir(job.projectDir);
    // The Pulumi runtime keeps a run's state (settings, config, the stack resource, the monitor)
    // in a store: each stack gets a new one, as the Automation API does for each inline program.
    const state = require(path.join(pulumiDir, "runtime", "state.js")) as { withLocalStorage: <T>(f: () => Promise<T>) => Promise<T> };
    result = await state.withLocalStorage(() => plan(job, scope));
  } catch (e) {
    result = failedPlan({ project: path.basename(job.projectDir), stack: job.stack, dir: path.relative(job.repoRoot, job.projectDir) || "." }, errorText(e));
  }
  const retire = scope.close();
  if (result.status !== "ok") retire.push("the stack did not plan cleanly (its program may still be running)");
  if (pulumiDir && !isDependency(pulumiDir)) retire.push(`the program uses its own @pulumi/pulumi (${pulumiDir})`);
  return { plan: result, retire };
}

process.on("message", (msg: ParentMessage) => {
  if (msg.kind === "stackRefResult") {
    pendingRefs.get(msg.requestId)?.(msg);
    pendingRefs.delete(msg.requestId);
    return;
  }
  if (msg.kind === "plan") {
    void planJob(msg.job).then(({ plan: result, retire }) => {
      const reusable = retire.length === 0;
      process.send?.({ kind: "result", plan: result, reusable, ...(reusable ? {} : { retire }) } satisfies WorkerMessage, () => {
        if (!reusable) process.exit(0);
      });
    });
  }
});

// The parent closes the channel when it has no more stacks for this worker (or when it exits).
process.on("disconnect", () => process.exit(0));
