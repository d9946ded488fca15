/**
 * The CrossGuard harness: evaluates `@pulumi/policy` policies against planned resources the way the
 * policy analyzer does in a real `pulumi preview`, and is the one harness both the offline plan and
 * the policy tests use.
 *
 * Faithful to `@pulumi/policy`'s server (1.21): enforcement level = pack config for the policy, else
 * the policy's own, else the pack's; `disabled` skips; `remediate` reports as mandatory; props are
 * wrapped in `unknownCheckingProxy`, so a policy that reads a value unknown at preview time yields
 * an advisory "can't run ... during preview" diagnostic instead of passing or failing silently;
 * `notApplicable()` is honoured; `isType`/`asType` match by type token; stack policies get parents,
 * dependencies and property dependencies as resource objects. Resource policies get inputs; stack
 * policies get output-shaped resources (`stackShape`): in preview mode the inputs plus every
 * property the provider computes and the program did not set, unknown; in update mode the outputs.
 */
import * as path from "node:path";
import type {
  EnforcementLevel,
  Policy,
  PolicyPackConfig,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
// The proxy module alone: `@pulumi/policy`'s index loads its gRPC server, which a plan without a
// policy pack should not pay for at start-up.
// (`@pulumi/policy` re-exports both; the module's own typings mark them internal.)
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T>(props: T) => T;
  UnknownValueError: new (...args: any[]) => Error;
};

/** The sentinel Pulumi's wire format uses for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource as planned (the offline plan's JSON records these). */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent, if any. */
  parent?: string;
  custom: boolean;
  /** Inputs as registered; unknown values are the `UNKNOWN` sentinel. */
  inputs: Record<string, unknown>;
  /** URNs this resource depends on. */
  dependencies: string[];
  /** Input property name -> URNs its value came from. */
  propertyDependencies?: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  /** Provider reference (`<provider urn>::<id>`), when one was given. */
  provider?: string;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
  /** Outputs the (mock) provider returned; stack outputs for the root stack. */
  outputs?: Record<string, unknown>;
}

export interface Violation {
  policyPack: string;
  policy: string;
  enforcementLevel: EnforcementLevel;
  severity?: string;
  urn?: string;
  message: string;
  /** True for "can't run during preview" diagnostics caused by unknown values. */
  unknown?: boolean;
}

/** A policy pack as loaded: what `new PolicyPack(name, args, initialConfig)` was given. */
export interface LoadedPolicyPack {
  name: string;
  version: string;
  enforcementLevel: EnforcementLevel;
  policies: Policy[];
  initialConfig?: PolicyPackConfig;
}

export interface EvaluationOptions {
  /** Pack config as `--policy-pack-config` takes it. */
  config?: PolicyPackConfig;
  stackTags?: Map<string, string>;
  /**
   * What stack policies see, as the engine's `AnalyzeStack` gets each resource's outputs:
   * `preview` (default): the inputs, plus every property the provider computes that the program did
   * not set, unknown; `update`: the inputs with the (mock) provider's outputs over them.
   */
  mode?: "preview" | "update";
}

interface SchemaTypes {
  aliases: Record<string, string>;
  types: Record<string, { computed?: string[] }>;
}
let schemaTypes: SchemaTypes | undefined;

/**
 * The properties the provider computes for a type token (or an alias token), from the generated
 * tools/schema/aws-properties.json (@pulumi/aws's own type definitions); empty for other packages.
 */
export function computedProperties(type: string): readonly string[] {
  if (!type.startsWith("aws:")) return [];
  schemaTypes ??= require(path.join(__dirname, "..", "schema", "aws-properties.json")) as SchemaTypes;
  const t = schemaTypes.types[type] ?? schemaTypes.types[schemaTypes.aliases[type] ?? ""];
  return t?.computed ?? [];
}

/**
 * A resource's properties as the engine hands them to stack policies (`AnalyzeStack` runs on the
 * outputs of each resource). In a preview of a create, the provider's planned state: what the
 * program set, and every property it computes and the program did not set as the unknown
 * sentinel (a policy touching one gets `UnknownValueError`). After an update, the outputs the
 * provider returned (here: the mocks'), over the inputs. Components and the stack keep their inputs.
 */
export function stackShape(r: PlannedResource, mode: "preview" | "update" = "preview"): Record<string, unknown> {
  const props = clone(r.inputs) ?? {};
  if (!r.custom) return props;
  if (mode === "update") return { ...props, ...(clone(r.outputs) ?? {}) };
  for (const k of computedProperties(r.type)) if (props[k] === undefined || props[k] === null) props[k] = UNKNOWN;
  return props;
}

export interface Evaluation {
  violations: Violation[];
  /** Policy name -> reasons it was not applicable, counted. */
  notApplicable: number;
  /** Every (resource policy, resource) pair that ran to the end (whether it reported or not): the compliance matrix's cells. */
  checked: { policy: string; urn: string }[];
}

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "not applicable");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

function getPulumiType(x: unknown): string | undefined {
  return (x as { __pulumiType?: string } | undefined)?.__pulumiType;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const t = getPulumiType(resourceClass);
  if (t) return type === t;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
  return typeof (p as ResourceValidationPolicy).validateResource !== "undefined" || typeof (p as ResourceValidationPolicy).remediateResource === "function";
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** The per-policy config after `all`, initial config and schema defaults are applied. */
export function effectivePolicyConfig(pack: Pick<LoadedPolicyPack, "policies" | "initialConfig">, config: PolicyPackConfig = {}): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const asObject = (v: unknown): Record<string, unknown> => (typeof v === "string" ? { enforcementLevel: v } : ((v as Record<string, unknown>) ?? {}));
  const allLevel = asObject(config.all ?? pack.initialConfig?.all).enforcementLevel;
  for (const p of pack.policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (schema && typeof schema === "object" && "default" in schema) defaults[k] = (schema as { default: unknown }).default;
    }
    const merged = { ...defaults, ...asObject(pack.initialConfig?.[p.name]), ...asObject(config[p.name]) };
    if (merged.enforcementLevel === undefined && allLevel !== undefined) merged.enforcementLevel = allLevel;
    out[p.name] = merged;
  }
  return out;
}

/** Check a pack config against the pack: unknown policy names and required schema keys. */
export function validatePolicyConfig(pack: LoadedPolicyPack, config: PolicyPackConfig): string[] {
  const problems: string[] = [];
  const names = new Set(pack.policies.map((p) => p.name));
  const levels = ["advisory", "mandatory", "remediate", "disabled"];
  for (const [key, value] of Object.entries(config)) {
    if (key !== "all" && !names.has(key)) problems.push(`'${key}' is not a policy of ${pack.name}`);
    const level = typeof value === "string" ? value : (value as { enforcementLevel?: string })?.enforcementLevel;
    if (level !== undefined && !levels.includes(level)) problems.push(`${key}: enforcement level '${level}' is not one of ${levels.join(", ")}`);
    // The CLI copies only `properties` and `required` from a schema, so it would let a misspelt setting pass.
    const policy = pack.policies.find((p) => p.name === key);
    if (policy && value !== null && typeof value === "object") {
      const settings = Object.keys(policy.configSchema?.properties ?? {});
      for (const k of Object.keys(value)) if (k !== "enforcementLevel" && !settings.includes(k)) problems.push(`${key}: '${k}' is not a setting of this policy (settings: ${settings.join(", ") || "none"})`);
    }
  }
  const effective = effectivePolicyConfig(pack, config);
  for (const p of pack.policies) {
    for (const req of p.configSchema?.required ?? []) {
      if (effective[p.name]?.[req] === undefined) problems.push(`${p.name}: config '${req}' is required`);
    }
  }
  return problems;
}

function policyResourceOptions(r: PlannedResource) {
  return {
    protect: r.protect,
    ignoreChanges: r.ignoreChanges ?? [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: r.additionalSecretOutputs ?? [],
    ...(r.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/**
 * Deep copy so that a policy mutating its props cannot change what another policy sees, as the
 * engine deserialises a fresh copy for each call. Planned inputs are JSON values (arrays, plain
 * objects, strings, numbers, booleans, null), copied by hand: structuredClone's serialisation was
 * most of the harness's time (`--cpu-prof` over every stack). Anything else goes to structuredClone.
 */
function clone<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = clone((v as Record<string, unknown>)[k]);
  return out as T;
}

/**
 * Evaluate every policy of a pack over planned resources: resource policies per resource (inputs),
 * then stack policies over all of them.
 */
export async function evaluatePolicies(pack: LoadedPolicyPack, resources: readonly PlannedResource[], options: EvaluationOptions = {}): Promise<Evaluation> {
  const effective = effectivePolicyConfig(pack, options.config);
  const stackTags = options.stackTags ?? new Map<string, string>();
  const violations: Violation[] = [];
  const checked: { policy: string; urn: string }[] = [];
  let notApplicable = 0;
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerOf = (r: PlannedResource) => {
    if (!r.provider) return undefined;
    const urn = r.provider.split("::").slice(0, -1).join("::");
    const p = byUrn.get(urn);
    return p ? { type: p.type, props: unknownCheckingProxy(clone(p.inputs)), urn: p.urn, name: p.name } : undefined;
  };
  const levelOf = (p: Policy): EnforcementLevel =>
    ((effective[p.name]?.enforcementLevel as EnforcementLevel | undefined) ?? p.enforcementLevel ?? pack.enforcementLevel ?? "advisory");
  const getConfigFor = (p: Policy) => () => {
    const { enforcementLevel: _ignored, ...rest } = effective[p.name] ?? {};
    return rest as any;
  };
  // As the real server: a string message is appended to the description; the object form (which
  // the server accepts though the typings call it future) may set its own level, severity and URN.
  const reporter = (p: Policy, level: EnforcementLevel, defaultUrn?: string): ReportViolation => (message, urn) => {
    const effectiveLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    if (message !== null && typeof message === "object") {
      const info = message as { name?: string; message?: string; description?: string; urn?: string; enforcementLevel?: EnforcementLevel; severity?: string };
      const sev = info.severity ?? p.severity;
      violations.push({
        policyPack: pack.name,
        policy: info.name ?? p.name,
        enforcementLevel: info.enforcementLevel ?? effectiveLevel,
        ...(sev ? { severity: sev } : {}),
        urn: info.urn ?? defaultUrn,
        message: info.message ?? info.description ?? p.description,
      });
      return;
    }
    violations.push({
      policyPack: pack.name,
      policy: p.name,
      enforcementLevel: effectiveLevel,
      ...(p.severity ? { severity: p.severity } : {}),
      urn: urn ?? defaultUrn,
      message: message ? `${p.description}\n${message}` : p.description,
    });
  };
  const onError = (p: Policy, e: unknown, urn?: string): void => {
    // By class, or by name when the pack resolved its own copy of @pulumi/policy.
    if (e instanceof UnknownValueError || (e as Error)?.constructor?.name === "UnknownValueError") {
      violations.push({
        policyPack: pack.name,
        policy: p.name,
        enforcementLevel: "advisory",
        ...(p.severity ? { severity: p.severity } : {}),
        urn,
        message: `can't run policy '${p.name}' from policy pack '${pack.name}@v${pack.version}' during preview: ${(e as Error).message}`,
        unknown: true,
      });
    } else if (e instanceof NotApplicableError || (e as Error)?.constructor?.name === "NotApplicableError") {
      notApplicable++;
    } else {
      throw new Error(`Error validating ${urn ?? "stack"} with policy '${p.name}' from policy pack '${pack.name}': ${(e as Error)?.stack ?? e}`);
    }
  };


  // Stack policies share one set of resource objects (props proxies over one copy of the outputs):
  // building them per policy cost more than the policies. Policies must not mutate props.
  let stackObjects: Map<string, PolicyResource> | undefined;
  const buildStackObjects = (): Map<string, PolicyResource> => {
    const objs = new Map<string, PolicyResource>();
    for (const r of resources) {
      const props = unknownCheckingProxy(stackShape(r, options.mode ?? "preview"));
      const obj = {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: policyResourceOptions(r),
        dependencies: [] as PolicyResource[],
        propertyDependencies: {} as Record<string, PolicyResource[]>,
        isType: (cls: unknown) => isTypeOf(r.type, cls),
        asType: (cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined),
      } as unknown as PolicyResource;
      const provider = providerOf(r);
      if (provider) (obj as any).provider = provider;
      objs.set(r.urn, obj);
    }
    for (const r of resources) {
      const obj = objs.get(r.urn)! as any;
      if (r.parent && objs.has(r.parent)) obj.parent = objs.get(r.parent);
      obj.dependencies = r.dependencies.map((d) => objs.get(d)).filter(Boolean);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) obj.propertyDependencies[k] = urns.map((u) => objs.get(u)).filter(Boolean);
    }
    return objs;
  };

  for (const p of pack.policies) {
    const level = levelOf(p);
    if (level === "disabled") continue;
    if (isResourcePolicy(p) && p.validateResource) {
      const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
      const onlyType = validations.length === 1 ? getPulumiType(validations[0]) : undefined;
      // The server's fast path for one type, generalised: a validation that lists the types it
      // applies to (`__pulumiTypes`, set by the pack's `resourcePolicy`) is not called for others.
      const onlyTypes = validations.length === 1 ? ((validations[0] as { __pulumiTypes?: readonly string[] }).__pulumiTypes ?? undefined) : undefined;
      for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        if ((onlyType && r.type !== onlyType) || (onlyTypes && !onlyTypes.includes(r.type))) {
          notApplicable++;
          continue;
        }
        for (const validate of validations) {
          try {
            const props = unknownCheckingProxy(clone(r.inputs));
            const args: ResourceValidationArgs = {
              type: r.type,
              props,
              urn: r.urn,
              name: r.name,
              opts: policyResourceOptions(r),
              stackTags,
              isType: (cls: unknown) => isTypeOf(r.type, cls),
              asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as any,
              getConfig: getConfigFor(p),
              notApplicable: throwNotApplicable,
            } as ResourceValidationArgs;
            const provider = providerOf(r);
            if (provider) (args as any).provider = provider;
            await Promise.resolve(validate(args, reporter(p, level, r.urn)));
            checked.push({ policy: p.name, urn: r.urn });
          } catch (e) {
            onError(p, e, r.urn);
          }
        }
      }
    }
    if (isStackPolicy(p)) {
      const onlyType = getPulumiType(p.validateStack);
      if (onlyType && !resources.some((r) => r.type === onlyType)) {
        notApplicable++;
        continue;
      }
      try {
        stackObjects ??= buildStackObjects();
        const objs = stackObjects;
        const args: StackValidationArgs = {
          resources: [...objs.values()],
          getConfig: getConfigFor(p),
          stackTags,
          notApplicable: throwNotApplicable,
        } as StackValidationArgs;
        await Promise.resolve(p.validateStack(args, reporter(p, level)));
      } catch (e) {
        onError(p, e);
      }
    }
  }
  return { violations, notApplicable, checked };
}

/**
 * Load a policy pack directory without serving it: `new PolicyPack(...)` normally binds a gRPC
 * server and never exits, so `serve` is replaced for the duration of the load and what it was
 * given is captured. The entry is package.json `main`, else `index.js`, else `index.ts`.
 */
export function loadPolicyPack(dir: string): LoadedPolicyPack {
  const abs = path.resolve(dir);
  const server = require("@pulumi/policy/server") as { serve: (...a: unknown[]) => void };
  const original = server.serve;
  let captured: LoadedPolicyPack | undefined;
  server.serve = (name: unknown, version: unknown, enforcementLevel: unknown, args: any, initialConfig: unknown) => {
    if (captured) throw new Error(`${abs} defines more than one PolicyPack; a process may serve only one`);
    captured = {
      name: String(name),
      version: String(version),
      enforcementLevel: (enforcementLevel as EnforcementLevel) ?? "advisory",
      policies: args?.policies ?? [],
      ...(initialConfig ? { initialConfig: initialConfig as PolicyPackConfig } : {}),
    };
  };
  const cwd = process.cwd();
  try {
    // PolicyPack reads `${cwd}/package.json` for its version, as the CLI runs packs from their dir.
    process.chdir(abs);
    const fs = require("node:fs") as typeof import("node:fs");
    // As the CLI: package.json `main`, else index.js, else index.ts.
    const pkgFile = path.join(abs, "package.json");
    const main = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")).main as string | undefined) : undefined;
    const entry = [...(main ? [path.resolve(abs, main)] : []), path.join(abs, "index.js"), path.join(abs, "index.ts")].find((f) => fs.existsSync(f));
    if (!entry) throw new Error(`${abs} is not a policy pack: no index.ts, index.js or package.json main`);
    require(entry);
  } finally {
    process.chdir(cwd);
    server.serve = original;
  }
  if (!captured) throw new Error(`${abs} did not create a PolicyPack`);
  const names = new Set<string>();
  for (const p of captured.policies) {
    if (p.name === "all") throw new Error(`${captured.name}: "all" is a reserved policy name`);
    if (names.has(p.name)) throw new Error(`${captured.name}: policy name '${p.name}' is used twice`);
    names.add(p.name);
  }
  return captured;
}
