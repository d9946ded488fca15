/**
 * Policy tests through the same harness the offline plan uses (tools/policy/harness.ts): build
 * planned resources, evaluate one policy, read its violations.
 *
 *   const bucket = res("aws:s3/bucket:Bucket", { tags }, { name: "media" });
 *   const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "media-1", ... }, { deps: { bucket: [bucket] } });
 *   const v = await evaluate(policy, [bucket, pab]);
 *
 * Stack policies see output-shaped resources, as the engine gives them (tools/policy/harness.ts
 * `stackShape`): `evaluate` runs a stack policy in preview mode (computed properties the program did
 * not set are unknown) and, when no input is unknown, again in update mode (outputs from the offline
 * plan's mocks), and fails the test if the two verdicts differ; it returns the preview's.
 */
import type { Policy } from "@pulumi/policy";
import { defaultMockContext, mockAwsResource } from "../../tools/plan/aws-mocks";
import { evaluatePolicies, PlannedResource, UNKNOWN, Violation } from "../../tools/policy/harness";

export { UNKNOWN };

let counter = 0;

/** The resource an unknown input of a test came from when the test names none: a type no policy reads. */
export const UNKNOWN_SOURCE: PlannedResource = {
  urn: "urn:pulumi:test::test::test:index:UnknownSource::source",
  type: "test:index:UnknownSource",
  name: "source",
  custom: true,
  inputs: {},
  dependencies: [],
  propertyDependencies: {},
  protect: false,
  retainOnDelete: false,
};

/** A planned resource. `deps` are property dependencies on other planned resources. */
export function res(
  type: string,
  inputs: Record<string, unknown>,
  opts: {
    name?: string;
    deps?: Record<string, PlannedResource[]>;
    parent?: PlannedResource;
    protect?: boolean;
    retainOnDelete?: boolean;
    provider?: PlannedResource;
    /** Outputs after an update, over what the mocks answer (a name or id the test needs to be known). */
    outputs?: Record<string, unknown>;
  } = {},
): PlannedResource {
  const name = opts.name ?? `r${++counter}`;
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, rs] of Object.entries(opts.deps ?? {})) propertyDependencies[k] = rs.map((r) => r.urn);
  // As the SDK records it: a value the program set that is unknown at preview came from some
  // resource's output, so its property has a dependency (here on an inert stand-in, UNKNOWN_SOURCE,
  // when the test names none).
  for (const [k, v] of Object.entries(inputs)) if (!propertyDependencies[k] && JSON.stringify(v ?? null).includes(UNKNOWN)) propertyDependencies[k] = [UNKNOWN_SOURCE.urn];
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
    ...(opts.outputs ? { outputs: opts.outputs } : {}),
  };
}

/**
 * The resources as an update leaves them: each AWS resource with the outputs the offline plan's
 * mocks answer (inputs plus ids, ARNs and computed attributes), as `npm run plan` records them.
 */
export function applied(resources: readonly PlannedResource[]): PlannedResource[] {
  return resources.map((r) => {
    if (!r.custom || !r.type.startsWith("aws:")) return r;
    const m = mockAwsResource(r.type, r.name, structuredClone(r.inputs) as Record<string, any>, defaultMockContext);
    return { ...r, outputs: { ...m.state, ...(m.id !== undefined ? { id: m.id } : {}), ...(r.outputs ?? {}) } };
  });
}

/** Evaluate one policy over resources in one mode (preview: outputs unknown where computed; update: the mocks' outputs). */
export async function evaluateIn(mode: "preview" | "update", policy: Policy, resources: PlannedResource | PlannedResource[], config: Record<string, unknown> = {}): Promise<Violation[]> {
  const given = Array.isArray(resources) ? resources : [resources];
  const list = given.some((r) => Object.values(r.propertyDependencies ?? {}).some((us) => us.includes(UNKNOWN_SOURCE.urn))) && !given.includes(UNKNOWN_SOURCE) ? [...given, UNKNOWN_SOURCE] : given;
  const result = await evaluatePolicies({ name: "aws-compliance", version: "0.0.0-test", enforcementLevel: "mandatory", policies: [policy] }, mode === "update" ? applied(list) : list, {
    config: { [policy.name]: config as any },
    mode,
  });
  return result.violations;
}

const verdict = (vs: Violation[]) => vs.map((v) => `${v.enforcementLevel} ${v.urn ?? "(stack)"}: ${v.message}`).sort();

/**
 * Evaluate one policy over resources, with that policy's config (parameters, exemptions, level).
 * A stack policy runs in preview mode and, when no input is unknown, in update mode too: the two
 * verdicts must be the same (a rule that flips on the output shape fails here); the preview's is returned.
 */
export async function evaluate(policy: Policy, resources: PlannedResource | PlannedResource[], config: Record<string, unknown> = {}): Promise<Violation[]> {
  const list = Array.isArray(resources) ? resources : [resources];
  const preview = await evaluateIn("preview", policy, list, config);
  if (typeof (policy as { validateStack?: unknown }).validateStack === "function" && !list.some((r) => JSON.stringify(r.inputs).includes(UNKNOWN))) {
    const update = await evaluateIn("update", policy, list, config);
    const [p, u] = [verdict(preview), verdict(update)];
    if (JSON.stringify(p) !== JSON.stringify(u)) {
      throw new Error(`${policy.name}: the verdict differs between preview and update mode\npreview:\n  ${p.join("\n  ") || "(none)"}\nupdate:\n  ${u.join("\n  ") || "(none)"}`);
    }
  }
  return preview;
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
