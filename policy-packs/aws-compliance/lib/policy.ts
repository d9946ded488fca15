/**
 * How every policy of the pack is defined: metadata (severity, control ids, frameworks,
 * remediation), messages that name the resource, the control and the fix, exemptions with evidence,
 * and per-resource handling of values unknown at preview time in stack policies.
 *
 *   resourcePolicy({ name, ..., resourceTypes: T.bucket }, ({ props, fail }) => { ... fail(problem, fix) })
 *   stackPolicy({ name, ... }, ({ forEach, attached, fail }) => { ... })
 *
 * Exemptions (a reason each, reported as an advisory `EXEMPTED` diagnostic so every preview shows them):
 * - in the pack config, reviewed with the code: `"<policy>": { "exemptions": [{ "resource":
 *   "urn:pulumi:*::<project>::<type>::<name>", "reason": "...", "expires": "2027-03-31" }] }` (a URN
 *   glob naming project, type and name); permanent only with `permanentBecause` (why the control
 *   cannot apply);
 * - by a tag `policy-exemption:<policy>` = `<reason> expires=YYYY-MM-DD` (legal on every taggable
 *   service), only for policies up to `tagExemptions.maxSeverity` (default medium: a tag cannot waive
 *   a critical or high policy) and expiring within `tagExemptions.maxDays` (default 180).
 * An exemption that does not hold (expired, too far, not allowed by tag) is ignored: the resource is
 * evaluated, a finding says why the exemption did not hold, and a resource that passes gets an
 * advisory note to remove it. The pack checks its own config when a policy reads it: an unknown
 * setting or a malformed exemption is an error naming it.
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
import fsbpCatalog from "../catalog/fsbp-controls.json";
import { classifiedDataSchema } from "./classification";
import { declaredView } from "./outputs";
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
  /**
   * The severity for one resource when it differs from `severity` (a rule that is stricter for
   * classified data): what decides whether a tag may waive it.
   */
  severityFor?: (r: { props: unknown; provider?: { props: unknown } | undefined }, config: any) => Severity;
}

/** The metadata of every defined policy, by name (the listing and the tests read it). */
export const policyRegistry = new Map<string, PolicyMeta & { kind: "resource" | "stack"; resourceTypes?: readonly string[] }>();

export interface Exemption {
  /** A URN glob naming project, type and name: `urn:pulumi:*::ecommerce::aws:s3/bucket:Bucket::media`. */
  resource: string;
  reason: string;
  /** YYYY-MM-DD; required unless `permanentBecause` says why the control cannot apply. */
  expires?: string;
  /** Why the control cannot apply to this resource, for an exemption without an expiry. */
  permanentBecause?: string;
}

/** Pack-wide rules for tag exemptions (`npm run policy:config` copies `$pack` into every policy). */
export interface TagExemptionRules {
  /** The most severe policy a tag may waive: "critical" (any), "high", "medium", "low", or "none". */
  maxSeverity: "critical" | "high" | "medium" | "low" | "none";
  /** How far away a tag's expiry may be, in days. */
  maxDays: number;
}

export const DEFAULT_TAG_EXEMPTION_RULES: TagExemptionRules = { maxSeverity: "medium", maxDays: 180 };
const SEVERITY_RANK = ["none", "low", "medium", "high", "critical"];

const exemptionsSchema = {
  type: "array",
  description:
    "Resources exempted from this policy: a URN glob naming project, type and name, a reason, and an expiry (YYYY-MM-DD) or `permanentBecause` (why the control cannot apply).",
  items: {
    type: "object",
    properties: {
      resource: { type: "string", description: "URN glob: urn:pulumi:<stack>::<project>::<type>::<name>, * matches any run of characters" },
      reason: { type: "string", minLength: 10 },
      expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
      permanentBecause: { type: "string", minLength: 20 },
    },
    required: ["resource", "reason"],
  },
  default: [],
};

const tagExemptionsSchema = {
  type: "object",
  description: "Rules for exemptions given as resource tags (policy-exemption:<policy>): the most severe policy a tag may waive, and the farthest expiry in days.",
  properties: {
    maxSeverity: { type: "string", enum: ["critical", "high", "medium", "low", "none"] },
    maxDays: { type: "integer", minimum: 1 },
  },
  default: DEFAULT_TAG_EXEMPTION_RULES,
};

const environmentSchema = {
  type: "string",
  description: "The stack's environment (dev, prod...), usually set once under \"$pack\": rules that apply by environment use it; when empty, each resource's `environment` tag decides.",
  default: "",
};

/** Settings every policy has besides its own (`configSchema.properties`), usually set once under "$pack". */
export const COMMON_SETTINGS = ["exemptions", "tagExemptions", "environment", "classifiedData"] as const;

function configSchemaFor(meta: PolicyMeta): PolicyConfigSchema {
  return { properties: { ...(meta.config ?? {}), exemptions: exemptionsSchema, tagExemptions: tagExemptionsSchema, environment: environmentSchema, classifiedData: classifiedDataSchema } as any };
}

/** A policy's default level: its own, else by severity (low is advisory; medium and above mandatory). */
export function defaultLevel(meta: Pick<PolicyMeta, "enforcementLevel" | "severity">): EnforcementLevel {
  return meta.enforcementLevel ?? (meta.severity === "low" ? "advisory" : "mandatory");
}

function fsbpUrl(control: string): string | undefined {
  const [service] = control.split(".");
  if (!service || control.startsWith("BP.")) return undefined;
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${service.toLowerCase()}-controls.html#${control.toLowerCase().replace(".", "-")}`;
}

/** The ids of the AWS Foundational Security Best Practices standard (catalog/fsbp-controls.json). */
export const FSBP_CONTROL_IDS: ReadonlySet<string> = new Set(fsbpCatalog.controls.map((c) => c.id));

function baseFields(meta: PolicyMeta) {
  const url = meta.url ?? fsbpUrl(meta.controls[0] ?? "");
  // The FSBP reference names only the FSBP controls: a merged policy's CIS, PCI DSS or NIST ids
  // (IAM.11, EC2.13, ECR.5...) belong to other Security Hub standards.
  const fsbp = meta.controls.filter((c) => FSBP_CONTROL_IDS.has(c));
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: defaultLevel(meta),
    severity: meta.severity,
    remediationSteps: meta.remediationSteps,
    tags: [...meta.controls, ...meta.frameworks],
    ...(url ? { url } : {}),
    ...(meta.frameworks.includes("FSBP") && fsbp.length > 0
      ? { framework: { name: "AWS Foundational Security Best Practices", version: "1.0.0", reference: fsbp.join(", "), specification: meta.description } }
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

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Problems with one config exemption (shape, URN glob, expiry or permanence), each naming it.
 * `npm run policy:config`, the harness's config check and the pack at run time share this.
 */
export function exemptionProblems(policy: string, e: unknown, i: number): string[] {
  const where = `${policy}.exemptions[${i}]`;
  if (e === null || typeof e !== "object" || Array.isArray(e)) return [`${where}: must be an object { resource, reason, expires | permanentBecause }`];
  const x = e as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(x)) if (!["resource", "reason", "expires", "permanentBecause"].includes(k)) problems.push(`${where}: '${k}' is not a setting of an exemption (allowed: resource, reason, expires, permanentBecause)`);
  const r = x.resource;
  if (typeof r !== "string") problems.push(`${where}.resource: required, a URN glob (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  else {
    const parts = r.startsWith("urn:pulumi:") ? r.slice("urn:pulumi:".length).split("::") : [];
    if (parts.length !== 4 || parts.some((p) => p.length === 0) || /^\**$/.test(parts[2] ?? ""))
      problems.push(
        `${where}.resource '${r}': must be a URN glob naming project, type and name (urn:pulumi:<stack>::<project>::<type>::<name>, e.g. urn:pulumi:*::ecommerce::aws:s3/bucket:Bucket::media), not a bare name another project can reuse`,
      );
  }
  if (typeof x.reason !== "string" || x.reason.trim().length < 10) problems.push(`${where}.reason: required, 10 characters or more saying why (given ${JSON.stringify(x.reason)})`);
  if (x.expires !== undefined && (typeof x.expires !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(x.expires) || Number.isNaN(Date.parse(x.expires))))
    problems.push(`${where}.expires '${String(x.expires)}': must be a date YYYY-MM-DD`);
  if (x.permanentBecause !== undefined && (typeof x.permanentBecause !== "string" || x.permanentBecause.trim().length < 20))
    problems.push(`${where}.permanentBecause: must say in 20 characters or more why the control cannot apply (given ${JSON.stringify(x.permanentBecause)})`);
  if (x.expires === undefined && x.permanentBecause === undefined) problems.push(`${where}: needs 'expires' (YYYY-MM-DD), or 'permanentBecause' stating why the control cannot apply to this resource`);
  if (x.expires !== undefined && x.permanentBecause !== undefined) problems.push(`${where}: give 'expires' or 'permanentBecause', not both`);
  return problems;
}

/** Problems with a policy's config (after defaults): unknown keys, bad exemptions, bad tag rules. */
export function policyConfigProblems(policyName: string, settings: readonly string[], config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(config)) {
    if (k === "enforcementLevel") continue;
    if (!settings.includes(k)) problems.push(`${policyName}: '${k}' is not a setting of this policy (settings: ${settings.join(", ")})`);
  }
  const ex = config.exemptions;
  if (ex !== undefined) {
    if (!Array.isArray(ex)) problems.push(`${policyName}.exemptions: must be a list`);
    else ex.forEach((e, i) => problems.push(...exemptionProblems(policyName, e, i)));
  }
  const t = config.tagExemptions as Record<string, unknown> | undefined;
  if (t !== undefined) {
    if (t === null || typeof t !== "object") problems.push(`${policyName}.tagExemptions: must be an object { maxSeverity, maxDays }`);
    else {
      for (const k of Object.keys(t)) if (k !== "maxSeverity" && k !== "maxDays") problems.push(`${policyName}.tagExemptions: '${k}' is not a setting (allowed: maxSeverity, maxDays)`);
      if (t.maxSeverity !== undefined && !SEVERITY_RANK.includes(String(t.maxSeverity))) problems.push(`${policyName}.tagExemptions.maxSeverity '${String(t.maxSeverity)}': must be one of ${[...SEVERITY_RANK].reverse().join(", ")}`);
      if (t.maxDays !== undefined && !(Number.isInteger(t.maxDays) && (t.maxDays as number) > 0)) problems.push(`${policyName}.tagExemptions.maxDays '${String(t.maxDays)}': must be a whole number of days above 0`);
    }
  }
  const c = config.classifiedData as Record<string, unknown> | undefined;
  if (c !== undefined) {
    if (c === null || typeof c !== "object" || Array.isArray(c)) problems.push(`${policyName}.classifiedData: must be an object { tagKey, classifications, complianceTagKey, regimes }`);
    else
      for (const [k, v] of Object.entries(c)) {
        if (k === "tagKey" || k === "complianceTagKey") {
          if (typeof v !== "string" || v === "") problems.push(`${policyName}.classifiedData.${k}: must be a tag key (given ${JSON.stringify(v)})`);
        } else if (k === "classifications" || k === "regimes") {
          if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) problems.push(`${policyName}.classifiedData.${k}: must be a list of strings (given ${JSON.stringify(v)})`);
        } else problems.push(`${policyName}.classifiedData: '${k}' is not a setting (allowed: tagKey, classifications, complianceTagKey, regimes)`);
      }
  }
  return problems;
}

/** The tag syntax: `<reason> expires=YYYY-MM-DD`, legal on every taggable service (no `;` or `,`). */
export const TAG_EXEMPTION_SYNTAX = "<reason> expires=YYYY-MM-DD";
/** Characters every taggable service accepts in a tag value (IAM and EFS are the strictest). */
const LEGAL_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** What a resource's exemption from a policy amounts to. */
export type ExemptionState =
  | { kind: "none" }
  | { kind: "valid"; e: Exemption & { source: string } }
  /** Present but not honoured (expired, too long, not allowed by tag here): the resource is evaluated. */
  | { kind: "ignored"; e: Exemption & { source: string }; why: string };

function tagOf(props: unknown, key: string): unknown {
  const tags = get(props, "tags");
  // Tags are a map on most resources, a list of { key, value } on a few (Auto Scaling groups).
  return Array.isArray(tags) ? tags.map(raw).find((t: any) => t?.key === key)?.value : tags && typeof tags === "object" ? raw(tags)[key] : undefined;
}

/** The exemption that applies to a resource, from config (URN glob) or its tag, and whether it holds. */
export function exemptionState(
  meta: Pick<PolicyMeta, "name" | "severity" | "severityFor">,
  r: { urn: string; name: string; type: string; props: unknown; provider?: { props: unknown } | undefined },
  config: { exemptions?: Exemption[]; tagExemptions?: Partial<TagExemptionRules> },
): ExemptionState {
  const now = today();
  for (const e of Array.isArray(config.exemptions) ? config.exemptions : []) {
    if (typeof e?.resource !== "string" || !globToRegExp(e.resource).test(r.urn)) continue;
    const found = { ...e, source: "pack config" };
    if (e.expires && e.expires < now) return { kind: "ignored", e: found, why: `its exemption (pack config) expired on ${e.expires}` };
    if (!e.expires && !(typeof e.permanentBecause === "string" && e.permanentBecause.trim().length >= 20))
      return { kind: "ignored", e: found, why: "its exemption (pack config) has neither `expires` nor `permanentBecause`" };
    if (typeof e.reason !== "string" || e.reason.trim().length < 10) return { kind: "ignored", e: found, why: `its exemption (pack config) has no real reason ("${e.reason ?? ""}")` };
    return { kind: "valid", e: found };
  }
  const key = `policy-exemption:${meta.name}`;
  const tag = tagOf(r.props, key);
  if (typeof tag !== "string" || isUnknown(tag)) return { kind: "none" };
  const rules = { ...DEFAULT_TAG_EXEMPTION_RULES, ...(config.tagExemptions ?? {}) };
  const m = /^(.*?)[\s;]*expires=(\d{4}-\d{2}-\d{2})\s*$/.exec(tag);
  const e = { resource: r.urn, reason: (m?.[1] ?? tag).trim(), ...(m?.[2] ? { expires: m[2] } : {}), source: `tag ${key}` };
  let severity = meta.severity ?? "low";
  if (meta.severityFor) {
    try {
      severity = meta.severityFor(r, config);
    } catch {
      severity = "critical"; // what decides is unknown at preview: no tag waiver until it is known
    }
  }
  if (SEVERITY_RANK.indexOf(severity) > SEVERITY_RANK.indexOf(rules.maxSeverity))
    return { kind: "ignored", e, why: `a tag cannot waive a ${severity}-severity policy${severity !== meta.severity ? " (for this resource)" : ""} in this stack (tags may waive up to ${rules.maxSeverity}): that takes a reviewed pack-config exemption` };
  if (!e.expires) return { kind: "ignored", e, why: `its exemption tag ${key} has no expiry (syntax: "${TAG_EXEMPTION_SYNTAX}", at most ${rules.maxDays} days away)` };
  if (e.expires < now) return { kind: "ignored", e, why: `its exemption tag ${key} expired on ${e.expires}` };
  if (e.expires > addDays(now, rules.maxDays)) return { kind: "ignored", e, why: `its exemption tag ${key} expires on ${e.expires}, more than ${rules.maxDays} days away` };
  if (!LEGAL_TAG_VALUE.test(tag)) return { kind: "ignored", e, why: `its exemption tag ${key} uses characters IAM and EFS reject (only letters, digits, spaces and _ . : / = + - @; syntax "${TAG_EXEMPTION_SYNTAX}")` };
  if (e.reason.length < 10) return { kind: "ignored", e, why: `its exemption tag ${key} has no real reason ("${e.reason}")` };
  return { kind: "valid", e };
}

type Report = ReportViolation & ((info: { message: string; urn?: string; enforcementLevel?: EnforcementLevel }) => void);

/** Report a valid exemption as the advisory EXEMPTED diagnostic. */
function reportExempted(meta: PolicyMeta, r: { urn: string; name: string; type: string }, e: Exemption & { source: string }, report: Report): void {
  report({
    message: `EXEMPTED [${meta.controls.join(", ")}] ${label(r)} from ${meta.name} (${e.source}${e.expires ? `, until ${e.expires}` : ", permanent"}): ${e.reason}${e.permanentBecause ? ` (the control cannot apply: ${e.permanentBecause})` : ""}`,
    urn: r.urn,
    enforcementLevel: "advisory",
  });
}

/**
 * Evaluate one resource under its exemption state: a valid exemption skips the check (EXEMPTED);
 * an ignored one (expired, too long, not allowed by tag) lets the check run, and a failure says why
 * the exemption did not hold, while a pass gets an advisory note to remove the stale exemption.
 */
function withExemption(meta: PolicyMeta, r: { urn: string; name: string; type: string; props: unknown }, state: ExemptionState, report: Report, run: (suffix: string) => boolean): void {
  if (state.kind === "valid") return reportExempted(meta, r, state.e, report);
  const suffix = state.kind === "ignored" ? ` (${state.why})` : "";
  const failed = run(suffix);
  if (!failed && state.kind === "ignored") {
    report({ message: `[${meta.controls.join(", ")}] ${label(r)}: passes ${meta.name}; ${state.why.replace(/^its /, "its ")}, and is not needed: remove it.`, urn: r.urn, enforcementLevel: "advisory" });
  }
}

/** Validate a policy's config once per distinct config object (the pack's own check at run time). */
function checkedConfig(meta: PolicyMeta, raw: unknown): any {
  const config = (raw ?? {}) as Record<string, unknown>;
  const problems = policyConfigProblems(meta.name, [...Object.keys(meta.config ?? {}), ...COMMON_SETTINGS], config);
  if (problems.length > 0) throw new Error(`invalid policy pack config: ${problems.join("; ")}`);
  return config;
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
   * the message carries to those this flaw breaks (a policy spanning several services);
   * `advisory` reports it as advisory whatever the policy's level (a control that only advises
   * where the policy's own rule does not apply, e.g. FSBP deletion protection outside production).
   */
  fail(problem: string, fix: string, controls?: readonly string[], level?: "advisory"): void;
}

/** A policy over single resources of the given types. */
export function resourcePolicy(meta: PolicyMeta & { resourceTypes: readonly string[] }, check: (c: ResourceCheck) => void): ResourceValidationPolicy {
  policyRegistry.set(meta.name, { ...meta, kind: "resource" });
  const types = new Set(meta.resourceTypes);
  let lastConfig: string | undefined;
  const validateResource: ResourceValidationPolicy["validateResource"] = (args, reportViolation) => {
    if (!types.has(args.type)) return;
    const report = reportViolation as Report;
    const config = args.getConfig<any>();
    const json = JSON.stringify(config);
    if (json !== lastConfig) {
      checkedConfig(meta, config);
      lastConfig = json;
    }
    const r = { urn: args.urn, name: args.name, type: args.type, props: args.props, provider: args.provider };
    withExemption(meta, r, exemptionState(meta, r, config), report, (suffix) => {
      let failed = false;
      check({
        props: args.props,
        type: args.type,
        name: args.name,
        urn: args.urn,
        args,
        config,
        fail: (problem, fix, controls, level) => {
          failed = true;
          const text = message(meta, r, problem + suffix, fix, controls);
          if (level === "advisory") report({ message: text, urn: args.urn, enforcementLevel: "advisory" });
          else report(text);
        },
      });
      return failed;
    });
  };
  // The types this policy applies to, for evaluators that can skip the others without a call.
  (validateResource as { __pulumiTypes?: readonly string[] }).__pulumiTypes = [...types];
  return { ...baseFields(meta), validateResource };
}

export interface StackCheck {
  /** The stack's resources as declared: outputs, with unknowns the provider computes read as absent (lib/outputs.ts). */
  resources: PolicyResource[];
  config: any;
  args: StackValidationArgs;
  /** Resources of a token group. */
  ofType(types: readonly string[]): PolicyResource[];
  /**
   * Run `fn` for each resource of the group, skipping validly exempt ones; a value unknown at preview in
   * one resource is reported (advisory, for that resource) instead of stopping the whole policy.
   */
  forEach(types: readonly string[], fn: (r: PolicyResource) => void): void;
  /**
   * Side resources of `sideTypes` that point at `target` through input `prop` (by property
   * dependency, or by value equal to the target's id/name/bucket/arn when known).
   */
  attached(target: PolicyResource, sideTypes: readonly string[], prop: string): PolicyResource[];
  /** Report a violation on a resource; `controls` narrows the control ids to those this flaw breaks. */
  fail(r: PolicyResource, problem: string, fix: string, controls?: readonly string[], level?: "advisory"): void;
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
      const config = checkedConfig(meta, args.getConfig<any>());
      // Outputs as the program declared them: unknowns the provider computes read as absent (lib/outputs.ts).
      const resources = declaredView(args.resources);
      const ofType = (types: readonly string[]) => resources.filter((r) => types.includes(r.type));
      // Exemptions per resource, decided once: a valid one reports EXEMPTED once and swallows the
      // resource's findings; an ignored one adds why to each finding, or a note if none came.
      const states = new Map<string, { state: ExemptionState; failed: boolean; reported: boolean }>();
      const stateOf = (r: PolicyResource) => {
        let s = states.get(r.urn);
        if (!s) states.set(r.urn, (s = { state: exemptionState(meta, r, config), failed: false, reported: false }));
        return s;
      };
      const fail = (r: PolicyResource, problem: string, fix: string, controls?: readonly string[], level?: "advisory") => {
        const s = stateOf(r);
        if (s.state.kind === "valid") {
          if (!s.reported) reportExempted(meta, r, s.state.e, report);
          s.reported = true;
          return;
        }
        s.failed = true;
        const text = message(meta, r, problem + (s.state.kind === "ignored" ? ` (${s.state.why})` : ""), fix, controls);
        if (level === "advisory") report({ message: text, urn: r.urn, enforcementLevel: "advisory" });
        else report(text, r.urn);
      };
      const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
      const failStack = (problem: string, fix: string) =>
        report(`[${meta.controls.join(", ")}] the stack${stack ? ` ${stack.name}` : ""}: ${problem}. Fix: ${fix}`, stack?.urn);
      check({
        resources,
        config,
        args,
        ofType,
        fail,
        failStack,
        note: (r, text) => report({ message: `[${meta.controls.join(", ")}] ${label(r)}: ${text}`, urn: r.urn, enforcementLevel: "advisory" }),
        forEach: (types, fn) => {
          for (const r of ofType(types)) {
            const s = stateOf(r);
            if (s.state.kind === "valid") {
              if (!s.reported) reportExempted(meta, r, s.state.e, report);
              s.reported = true;
              continue;
            }
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
      for (const [urn, s] of states) {
        if (s.state.kind !== "ignored" || s.failed) continue;
        const r = resources.find((x) => x.urn === urn)!;
        report({ message: `[${meta.controls.join(", ")}] ${label(r)}: passes ${meta.name}; ${s.state.why}, and is not needed: remove it.`, urn, enforcementLevel: "advisory" });
      }
    },
  };
}

/**
 * Policies merged into another so that one flaw gives one finding (carrying every control it
 * breaks): a config that still names the old policy is refused with the name of the new one
 * (`tools/policy/pack-config.ts`).
 */
export const replacedPolicies: Readonly<Record<string, string | readonly string[]>> = {
  ...Object.fromEntries(["strong", "pci", "uppercase", "lowercase", "symbols", "numbers", "min-length", "reuse-prevention", "expiry"].map((s) => [`iam-password-policy-${s}`, "iam-password-policy"])),
  "ec2-security-group-no-public-ssh": "ec2-security-group-high-risk-ports",
  "ec2-security-group-no-public-rdp": "ec2-security-group-high-risk-ports",
  ...Object.fromEntries(["regional-rule", "regional-rule-group", "regional-web-acl", "global-rule", "global-rule-group", "global-web-acl"].map((k) => [`waf-classic-${k}-not-empty`, "waf-classic-deprecated"])),
  // Deletion protection: one finding per resource, with BP.Data.1 in production and the FSBP controls everywhere.
  ...Object.fromEntries(
    ["kms-key-protected-in-prod", "s3-bucket-no-force-destroy-in-prod", "backup-vault-no-force-destroy-in-prod", "dynamodb-table-deletion-protection", "cognito-user-pool-deletion-protection", "rds-cluster-deletion-protection", "rds-instance-deletion-protection"].map(
      (n) => [n, "stateful-resources-protected"],
    ),
  ),
  // BP.Edge.1 was the union of three: each now carries it for internet-facing resources.
  "waf-in-front-of-internet-facing": ["cloudfront-waf-enabled", "elb-alb-waf", "apigateway-stage-waf-association"],
};
