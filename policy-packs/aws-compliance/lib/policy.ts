/**
 * How every policy of the pack is defined: metadata (severity, control ids, frameworks,
 * remediation), messages that name the resource, the control and the fix, exemptions with evidence,
 * and per-resource handling of values unknown at preview time in stack policies.
 *
 *   resourcePolicy({ name, ..., resourceTypes: T.bucket }, ({ props, fail }) => { ... fail(problem, fix) })
 *   stackPolicy({ name, ... }, ({ forEach, attached, fail }) => { ... })
 *
 * Exemptions: a resource is exempted from a named policy only with a reason, either in the pack
 * config (`"<policy>": { "exemptions": [{ "resource": "<urn, name or glob>", "reason": "...",
 * "expires": "2027-03-31" }] }`) or by a tag `policy-exemption:<policy>` = `<reason>[; expires=<date>]`.
 * An exemption is reported as an advisory diagnostic starting with `EXEMPTED` (so it shows in every
 * preview); an expired one is a violation at the policy's level.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { asArray, get, isUnknown, raw } from "./values";

export type Framework = "FSBP" | "HIPAA" | "PCI DSS" | "CIS" | "NIST 800-53" | "Blueprints";

export interface PolicyMeta {
  /** Unique, kebab-case. */
  name: string;
  /** What must be true, in one sentence. */
  description: string;
  severity: Severity;
  /** Control ids: FSBP (`S3.5`), CIS/NIST-only Security Hub ids, or `BP.<Area>.<n>` for our own rules. */
  controls: string[];
  frameworks: Framework[];
  /** How to fix, in steps a user can follow (v7 property or resource to set). */
  remediationSteps: string;
  /** Default level when the stack's pack config does not set one. Default: mandatory. */
  enforcementLevel?: EnforcementLevel;
  /** Policy parameters (JSON schema properties, with defaults). `exemptions` is added to every policy. */
  config?: Record<string, Record<string, unknown>>;
  /** Link to the control's documentation. */
  url?: string;
}

/** The metadata of every defined policy, by name (the listing and the tests read it). */
export const policyRegistry = new Map<string, PolicyMeta & { kind: "resource" | "stack"; resourceTypes?: readonly string[] }>();

export interface Exemption {
  resource: string;
  reason: string;
  expires?: string;
}

const exemptionsSchema = {
  type: "array",
  description: "Resources exempted from this policy, each with a reason (and an optional expiry date, YYYY-MM-DD).",
  items: {
    type: "object",
    properties: {
      resource: { type: "string", description: "URN, logical name, or a glob (*) over either" },
      reason: { type: "string", minLength: 10 },
      expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    },
    required: ["resource", "reason"],
  },
  default: [],
};

function configSchemaFor(meta: PolicyMeta): PolicyConfigSchema {
  return { properties: { ...(meta.config ?? {}), exemptions: exemptionsSchema } as any };
}

function fsbpUrl(control: string): string | undefined {
  const [service] = control.split(".");
  if (!service || control.startsWith("BP.")) return undefined;
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service.toLowerCase()}-controls.html#${control.toLowerCase().replace(".", "-")}`;
}

function baseFields(meta: PolicyMeta) {
  const url = meta.url ?? fsbpUrl(meta.controls[0] ?? "");
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: meta.enforcementLevel ?? ("mandatory" as EnforcementLevel),
    severity: meta.severity,
    remediationSteps: meta.remediationSteps,
    tags: [...meta.controls, ...meta.frameworks],
    ...(url ? { url } : {}),
    ...(meta.frameworks.includes("FSBP") && meta.controls[0] && !meta.controls[0].startsWith("BP.")
      ? { framework: { name: "AWS Foundational Security Best Practices", version: "1.0.0", reference: meta.controls.join(", "), specification: meta.description } }
      : {}),
    configSchema: configSchemaFor(meta),
  };
}

/** `media (aws:s3/bucket:Bucket)` */
export function label(r: { name: string; type: string }): string {
  return `${r.name} (${r.type})`;
}

function message(meta: PolicyMeta, r: { name: string; type: string }, problem: string, fix: string, controls: readonly string[] = meta.controls): string {
  return `[${controls.join(", ")}] ${label(r)}: ${problem}. Fix: ${fix}`;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The exemption that applies to a resource, from config or its tags. */
export function findExemption(policyName: string, r: { urn: string; name: string; type: string; props: unknown }, config: { exemptions?: Exemption[] }): (Exemption & { source: string }) | undefined {
  for (const e of config.exemptions ?? []) {
    const re = globToRegExp(e.resource);
    if (re.test(r.urn) || re.test(r.name) || re.test(`${r.type}::${r.name}`)) return { ...e, source: "pack config" };
  }
  const tags = get(r.props, "tags");
  const key = `policy-exemption:${policyName}`;
  // Tags are a map on most resources, a list of { key, value } on a few (Auto Scaling groups).
  const tag = Array.isArray(tags)
    ? tags.map(raw).find((t: any) => t?.key === key)?.value
    : tags && typeof tags === "object"
      ? raw(tags)[key]
      : undefined;
  if (typeof tag === "string" && !isUnknown(tag)) {
    const m = /^(.*?)(?:;\s*expires=(\d{4}-\d{2}-\d{2}))?\s*$/.exec(tag);
    return { resource: r.urn, reason: (m?.[1] ?? tag).trim(), ...(m?.[2] ? { expires: m[2] } : {}), source: `tag policy-exemption:${policyName}` };
  }
  return undefined;
}

type Report = ReportViolation & ((info: { message: string; urn?: string; enforcementLevel?: EnforcementLevel }) => void);

/**
 * Handle an exemption: returns true if the resource is exempt (reported as EXEMPTED) or its
 * exemption expired (reported as a violation); false if the policy should run.
 */
function applyExemption(meta: PolicyMeta, r: { urn: string; name: string; type: string; props: unknown }, config: any, report: Report): boolean {
  const e = findExemption(meta.name, r, config);
  if (!e) return false;
  if (e.reason.trim().length < 10) {
    report({ message: `[${meta.controls.join(", ")}] ${label(r)}: the exemption (${e.source}) has no real reason ("${e.reason}"); an exemption must say why, in 10 characters or more.`, urn: r.urn });
    return true;
  }
  if (e.expires && e.expires < today()) {
    report({ message: `[${meta.controls.join(", ")}] ${label(r)}: the exemption (${e.source}) expired on ${e.expires} (reason: ${e.reason}). Fix the resource (${meta.remediationSteps}) or renew the exemption with a new expiry.`, urn: r.urn });
    return true;
  }
  report({ message: `EXEMPTED [${meta.controls.join(", ")}] ${label(r)} from ${meta.name} (${e.source}${e.expires ? `, until ${e.expires}` : ""}): ${e.reason}`, urn: r.urn, enforcementLevel: "advisory" });
  return true;
}

export interface ResourceCheck {
  /** The resource's inputs (throws `UnknownValueError` on touching a value unknown at preview). */
  props: any;
  type: string;
  name: string;
  urn: string;
  args: ResourceValidationArgs;
  /** The policy's config (parameters from `configSchema`, with defaults). */
  config: any;
  /**
   * Report a violation: what is wrong, and the concrete fix. `controls` narrows the control ids
   * the message carries to those this flaw breaks (a policy spanning several services).
   */
  fail(problem: string, fix: string, controls?: readonly string[]): void;
}

/** A policy over single resources of the given types. */
export function resourcePolicy(meta: PolicyMeta & { resourceTypes: readonly string[] }, check: (c: ResourceCheck) => void): ResourceValidationPolicy {
  policyRegistry.set(meta.name, { ...meta, kind: "resource" });
  const types = new Set(meta.resourceTypes);
  const validateResource: ResourceValidationPolicy["validateResource"] = (args, reportViolation) => {
    if (!types.has(args.type)) return;
    const report = reportViolation as Report;
    const config = args.getConfig<any>();
    const r = { urn: args.urn, name: args.name, type: args.type, props: args.props };
    if (applyExemption(meta, r, config, report)) return;
    check({
      props: args.props,
      type: args.type,
      name: args.name,
      urn: args.urn,
      args,
      config,
      fail: (problem, fix, controls) => report(message(meta, r, problem, fix, controls)),
    });
  };
  // The types this policy applies to, for evaluators that can skip the others without a call.
  (validateResource as { __pulumiTypes?: readonly string[] }).__pulumiTypes = [...types];
  return { ...baseFields(meta), validateResource };
}

export interface StackCheck {
  resources: PolicyResource[];
  config: any;
  args: StackValidationArgs;
  /** Resources of a token group. */
  ofType(types: readonly string[]): PolicyResource[];
  /**
   * Run `fn` for each resource of the group, skipping exempt ones; a value unknown at preview in
   * one resource is reported (advisory, for that resource) instead of stopping the whole policy.
   */
  forEach(types: readonly string[], fn: (r: PolicyResource) => void): void;
  /**
   * Side resources of `sideTypes` that point at `target` through input `prop` (by property
   * dependency, or by value equal to the target's id/name/bucket/arn when known).
   */
  attached(target: PolicyResource, sideTypes: readonly string[], prop: string): PolicyResource[];
  /** Report a violation on a resource. */
  fail(r: PolicyResource, problem: string, fix: string): void;
  /** An advisory note on a resource that the policy cannot judge (e.g. its target is in another stack). */
  note(r: PolicyResource, message: string): void;
  /** Report a violation of the stack as a whole (something missing, not something wrong). */
  failStack(problem: string, fix: string): void;
}

function identifiers(r: PolicyResource): string[] {
  const p = raw(r.props) as Record<string, unknown>;
  return ["bucket", "name", "id", "arn", "functionName", "clusterIdentifier", "loadBalancerName", "allocationId"].map((k) => p?.[k]).filter((v): v is string => typeof v === "string" && v.length > 0 && !isUnknown(v));
}

/** A policy over the whole stack (joins between resources). */
export function stackPolicy(meta: PolicyMeta, check: (c: StackCheck) => void): StackValidationPolicy {
  policyRegistry.set(meta.name, { ...meta, kind: "stack" });
  return {
    ...baseFields(meta),
    validateStack: (args, reportViolation) => {
      const report = reportViolation as Report;
      const config = args.getConfig<any>();
      const ofType = (types: readonly string[]) => args.resources.filter((r) => types.includes(r.type));
      const fail = (r: PolicyResource, problem: string, fix: string) => report(message(meta, r, problem, fix), r.urn);
      const stack = args.resources.find((r) => r.type === "pulumi:pulumi:Stack");
      const failStack = (problem: string, fix: string) =>
        report(`[${meta.controls.join(", ")}] the stack${stack ? ` ${stack.name}` : ""}: ${problem}. Fix: ${fix}`, stack?.urn);
      check({
        resources: args.resources,
        config,
        args,
        ofType,
        fail,
        failStack,
        note: (r, text) => report({ message: `[${meta.controls.join(", ")}] ${label(r)}: ${text}`, urn: r.urn, enforcementLevel: "advisory" }),
        forEach: (types, fn) => {
          for (const r of ofType(types)) {
            if (applyExemption(meta, r, config, report)) continue;
            try {
              fn(r);
            } catch (e) {
              if ((e as Error)?.constructor?.name !== "UnknownValueError") throw e;
              report({ message: `[${meta.controls.join(", ")}] ${label(r)}: cannot be decided during preview: ${(e as Error).message}. It is checked again on \`pulumi up\`.`, urn: r.urn, enforcementLevel: "advisory" });
            }
          }
        },
        attached: (target, sideTypes, prop) => {
          const ids = identifiers(target);
          return ofType(sideTypes).filter((side) => {
            if ((side.propertyDependencies?.[prop] ?? []).some((d) => d.urn === target.urn)) return true;
            // A side resource may point with a single value or a list (groupNames, policyNames...).
            return asArray(get(side.props, prop)).some((v) => typeof v === "string" && ids.includes(v));
          });
        },
      });
    },
  };
}
