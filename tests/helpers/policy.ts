/**
 * Policy tests through the same harness the offline plan uses (tools/policy/harness.ts): build
 * planned resources, evaluate one policy, read its violations.
 *
 *   const bucket = res("aws:s3/bucket:Bucket", { tags }, { name: "media" });
 *   const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "media-1", ... }, { deps: { bucket: [bucket] } });
 *   const v = await evaluate(policy, [bucket, pab]);
 */
import type { Policy } from "@pulumi/policy";
import { evaluatePolicies, PlannedResource, UNKNOWN, Violation } from "../../tools/policy/harness";

export { UNKNOWN };

let counter = 0;

/** A planned resource. `deps` are property dependencies on other planned resources. */
export function res(
  type: string,
  inputs: Record<string, unknown>,
  opts: { name?: string; deps?: Record<string, PlannedResource[]>; parent?: PlannedResource; protect?: boolean; retainOnDelete?: boolean; provider?: PlannedResource } = {},
): PlannedResource {
  const name = opts.name ?? `r${++counter}`;
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, rs] of Object.entries(opts.deps ?? {})) propertyDependencies[k] = rs.map((r) => r.urn);
  return {
    urn: `urn:pulumi:test::test::${type}::${name}`,
    type,
    name,
    ...(opts.parent ? { parent: opts.parent.urn } : {}),
    custom: true,
    inputs,
    dependencies: [...new Set(Object.values(propertyDependencies).flat())],
    propertyDependencies,
    protect: opts.protect ?? false,
    retainOnDelete: opts.retainOnDelete ?? false,
    ...(opts.provider ? { provider: `${opts.provider.urn}::provider-id` } : {}),
  };
}

/** Evaluate one policy over resources, with that policy's config (parameters, exemptions, level). */
export async function evaluate(policy: Policy, resources: PlannedResource | PlannedResource[], config: Record<string, unknown> = {}): Promise<Violation[]> {
  const list = Array.isArray(resources) ? resources : [resources];
  const result = await evaluatePolicies({ name: "aws-compliance", version: "0.0.0-test", enforcementLevel: "mandatory", policies: [policy] }, list, {
    config: { [policy.name]: config as any },
  });
  return result.violations;
}

/** Violations that are real findings (not exemptions, not undecidable-at-preview notes). */
export function findings(vs: Violation[]): Violation[] {
  return vs.filter((v) => !v.message.startsWith("EXEMPTED") && !v.unknown && !/cannot be decided during preview/.test(v.message));
}

/** Diagnostics saying a value was unknown at preview (from the engine's proxy or a stack policy). */
export function unknowns(vs: Violation[]): Violation[] {
  return vs.filter((v) => v.unknown || /cannot be decided during preview/.test(v.message));
}

/** Expect exactly one finding and return its message. */
export async function only(policy: Policy, resources: PlannedResource | PlannedResource[], config?: Record<string, unknown>): Promise<string> {
  const { expect } = await import("chai");
  const vs = findings(await evaluate(policy, resources, config));
  expect(vs, JSON.stringify(vs, null, 1)).to.have.length(1);
  return vs[0]!.message;
}

/** Expect no finding and exactly one advisory "undecidable at preview" note. */
export async function undecided(policy: Policy, resources: PlannedResource | PlannedResource[], config?: Record<string, unknown>): Promise<void> {
  const { expect } = await import("chai");
  const vs = await evaluate(policy, resources, config);
  expect(findings(vs), JSON.stringify(vs, null, 1)).to.deep.equal([]);
  expect(unknowns(vs)).to.have.length(1);
  expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
}
