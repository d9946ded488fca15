/**
 * Typed references. An input that names another resource (a `webAclId`, a `kmsKeyId`, a side
 * resource's `vpcId`) is often unknown at preview: it is some resource's output. What it refers to
 * is then known only through its property dependency, the resource the value came from:
 *
 * - a known, non-empty value is set (a literal id, ARN or name);
 * - an unknown value whose property dependency is a resource of the right type is set, to that resource;
 * - any other unknown (from a resource of another type, a component, an `apply` over something
 *   else, or with no dependency) might be anything: undecidable, never a pass.
 *
 * Stack policies see property dependencies; resource policies (inputs only) do not, so a rule
 * that must tell these apart reads the reference in a stack policy.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { UnknownValueError as PolicyUnknownValueError } from "@pulumi/policy";
import { exemptionState, resourcePolicy, stackPolicy, type PolicyMeta, type ResourceCheck } from "./policy";
import { containsUnknown, get, isUnknown } from "./values";

/** The resource types common references come from. */
export const SOURCES = {
  /** A KMS key reference: a key's `arn`/`keyId`, a replica or external key, or an alias (`arn`/`name`, `targetKeyArn`). */
  kmsKey: ["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:ExternalKey", "aws:kms/replicaExternalKey:ReplicaExternalKey", "aws:kms/alias:Alias"],
  logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
  role: ["aws:iam/role:Role"],
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  firehose: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
} as const;

/** What a reference input amounts to. */
export type Reference =
  | { kind: "absent" }
  | { kind: "value"; value: unknown }
  /** Unknown at preview, from these resources of the expected types. */
  | { kind: "resource"; targets: PolicyResource[] }
  /** Unknown at preview, from nothing of the expected types. */
  | { kind: "unknown"; from: PolicyResource[] };

/** The resources input `path`'s value came from (property dependencies are kept per top-level input). */
export function dependenciesOf(r: PolicyResource, path: string): PolicyResource[] {
  return r.propertyDependencies?.[path.split(".")[0]!] ?? [];
}

/** Read reference `path` of `r`, which should come from a resource of `types`. */
export function reference(r: PolicyResource, path: string, types: readonly string[]): Reference {
  const value = get(r.props, path);
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return { kind: "absent" };
  if (!containsUnknown(value)) return { kind: "value", value };
  const deps = dependenciesOf(r, path);
  const targets = deps.filter((d) => types.includes(d.type));
  return targets.length > 0 ? { kind: "resource", targets } : { kind: "unknown", from: deps };
}

/** A plain-English name for a token: `aws:wafv2/webAcl:WebAcl` -> `aws.wafv2.WebAcl`. */
export function className(type: string): string {
  const m = /^([^:]+):([^/:]+)(?:\/[^:]*)?:(.+)$/.exec(type);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : type;
}

/** The message of an undecidable reference: what is unknown, where it came from, how to make it known. */
export function unknownReferenceMessage(r: PolicyResource, path: string, types: readonly string[], from: readonly PolicyResource[]): string {
  const all = [...new Set(types.filter((t) => t.startsWith("aws:")).map(className))];
  // Name the usual type, and the others in brackets when there are many (keys: replica, external, alias).
  const wanted = all.length > 2 ? [`${all[0]} (or ${all.slice(1).join(", ")})`] : all;
  const source = from.length > 0 ? `an output of ${from.map((d) => `${d.name} (${className(d.type)})`).join(", ")}` : "a value with no resource of this stack behind it";
  return (
    `\`${path}\` of ${r.name} is unknown until apply (${source}), so whether it refers to ${wanted.length > 0 ? `an ${wanted.join(" or ")}` : "the right kind of resource"} cannot be told. ` +
    `To make it known, set it from ${wanted.length > 0 ? `an ${wanted.join(" or ")}` : "the resource"} of this stack (its id or ARN output), or to a literal id or ARN`
  );
}

/**
 * Stop this check as undecidable at preview, with `message` (plain English, saying how to make the
 * value known). Stack policies built with `stackPolicy` report it as an advisory note for the
 * resource; resource policies as the engine's advisory "can't run ... during preview".
 */
export function undecidableBecause(message: string): never {
  const e = new PolicyUnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", []);
  e.message = message;
  throw e;
}

/**
 * True when reference `path` is set: a known value, or an unknown one from a resource of `types`.
 * False when absent. Undecidable (throws) when unknown from anything else.
 */
export function referenceIsSet(r: PolicyResource, path: string, types: readonly string[]): boolean {
  const ref = reference(r, path, types);
  if (ref.kind === "absent") return false;
  if (ref.kind === "unknown") undecidableBecause(unknownReferenceMessage(r, path, types, ref.from));
  return true;
}

/**
 * Side resources whose pointer `path` is unknown at preview and came from no resource of
 * `targetTypes`: they might point at any target, so a "nothing attached" verdict is undecidable
 * while they exist. (One whose pointer came from a resource of those types points at that one.)
 */
export function untracedPointers(sides: readonly PolicyResource[], path: string, targetTypes: readonly string[]): PolicyResource[] {
  return sides.filter((s) => isUnknown(get(s.props, path)) && !dependenciesOf(s, path).some((d) => targetTypes.includes(d.type)));
}

/** Stop a "nothing attached" verdict on `target` while a side resource's pointer is untraced. */
export function undecidableIfUntraced(target: PolicyResource, sides: readonly PolicyResource[], path: string): void {
  const s = sides.find((x) => isUnknown(get(x.props, path)));
  if (!s) return;
  const from = dependenciesOf(s, path);
  undecidableBecause(
    `${s.name} (${className(s.type)}) might point at it, but its \`${path}\` is unknown until apply (${from.length > 0 ? `an output of ${from.map((d) => `${d.name} (${className(d.type)})`).join(", ")}` : "with no resource of this stack behind it"}). ` +
      `To make it known, set \`${path}\` from ${target.name}'s own output (e.g. \`${path}: ${target.name}.id\`) or to a literal value`,
  );
}

/** What a reference policy's check gets: a resource policy's context, plus `ref`. */
export interface ReferenceCheck extends ResourceCheck {
  /**
   * Whether reference `path` is set: a known, non-empty value, or an unknown one whose property
   * dependency is a resource of `types`. Absent is false; any other unknown is undecidable.
   */
  ref(path: string, types: readonly string[]): boolean;
}

/** Stops the resource phase of a reference policy where only property dependencies can decide. */
const DEFER = Symbol("decided on the stack's property dependencies");

/**
 * A policy over single resources whose check reads typed references (`ref`). It runs in two
 * phases of the same policy, so each flaw is reported once:
 * - as a resource policy (inputs, at registration, blocking in `pulumi up`): everything it can
 *   decide there, an absent or literal reference included; a reference unknown at preview stops it
 *   without a verdict;
 * - as a stack policy (outputs and property dependencies), only for the resources the first
 *   phase left: an unknown reference from a resource of the right type is set; from anything
 *   else it is undecidable, an advisory note saying how to make it known; the findings that
 *   follow it are reported there.
 * (The policy server runs `validateResource` in Analyze and `validateStack` in AnalyzeStack; the
 * CLI lists it as a resource policy.)
 */
export function referencePolicy(meta: PolicyMeta & { resourceTypes: readonly string[] }, check: (c: ReferenceCheck) => void): ResourceValidationPolicy {
  const stack = stackPolicy(meta, ({ ofType, fail, note, config }) => {
    for (const r of ofType(meta.resourceTypes)) {
      const state = exemptionState(meta, r, config);
      if (state.kind === "valid") continue; // reported by the resource phase
      let deferred = false;
      let failed = false;
      try {
        check({
          props: r.props,
          type: r.type,
          name: r.name,
          urn: r.urn,
          args: { type: r.type, props: r.props, urn: r.urn, name: r.name, opts: r.opts, getConfig: () => config, ...(r.provider ? { provider: r.provider } : {}) } as unknown as ResourceValidationArgs,
          config,
          ref: (path, types) => {
            const ref = reference(r, path, types);
            if (ref.kind === "absent") return false;
            if (ref.kind === "value") return true;
            deferred = true;
            if (ref.kind === "resource") return true;
            return undecidableBecause(unknownReferenceMessage(r, path, types, ref.from));
          },
          // What came before the first unknown reference was reported by the resource phase.
          fail: (problem, fix, controls, level) => {
            if (!deferred) return;
            failed = true;
            fail(r, problem, fix, controls, level);
          },
        });
        // The resource phase left this resource undecided, so the stale-exemption note is ours to give.
        if (deferred && !failed && state.kind === "ignored") note(r, `passes ${meta.name}; ${state.why}, and is not needed: remove it.`);
      } catch (e) {
        if ((e as Error)?.constructor?.name !== "UnknownValueError") throw e;
        // Another unknown before any reference: the resource phase already said it cannot run.
        if (deferred) note(r, `cannot be decided during preview: ${(e as Error).message}. It is checked again on \`pulumi up\`.`);
      }
    }
  });
  const resource = resourcePolicy(meta, (c) =>
    check({
      ...c,
      ref: (path) => {
        const v = get(c.props, path);
        if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) return false;
        if (!containsUnknown(v)) return true;
        throw DEFER;
      },
    }),
  );
  // DEFER leaves through the exemption handling too, so an ignored exemption gets no "passes" note
  // from a phase that decided nothing.
  const inner = resource.validateResource as (args: ResourceValidationArgs, report: ReportViolation) => void;
  const validateResource = (args: ResourceValidationArgs, report: ReportViolation): void => {
    try {
      inner(args, report);
    } catch (e) {
      if (e !== DEFER) throw e;
    }
  };
  (validateResource as { __pulumiTypes?: readonly string[] }).__pulumiTypes = (inner as { __pulumiTypes?: readonly string[] }).__pulumiTypes;
  return { ...resource, validateResource, validateStack: stack.validateStack } as ResourceValidationPolicy;
}
