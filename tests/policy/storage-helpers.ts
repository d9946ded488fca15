/** Assertions shared by the storage policy tests (storage-*.test.ts). */
import { expect } from "chai";
import type { Policy } from "@pulumi/policy";
import type { PlannedResource, Violation } from "../../tools/policy/harness";
import { evaluate, findings, unknowns } from "../helpers/policy";

/** No diagnostics at all. */
export async function expectPass(policy: Policy, rs: PlannedResource | PlannedResource[], config: Record<string, unknown> = {}): Promise<void> {
  const vs = await evaluate(policy, rs, config);
  expect(vs.map((v) => v.message)).to.deep.equal([]);
}

/** Exactly one finding, whose message contains every part. */
export async function expectFail(policy: Policy, rs: PlannedResource | PlannedResource[], parts: string[], config: Record<string, unknown> = {}): Promise<Violation> {
  const vs = findings(await evaluate(policy, rs, config));
  expect(vs.map((v) => v.message), "one finding").to.have.length(1);
  for (const p of parts) expect(vs[0]!.message).to.include(p);
  return vs[0]!;
}

/** No finding, one advisory "cannot be decided at preview" diagnostic. */
export async function expectUnknown(policy: Policy, rs: PlannedResource | PlannedResource[], config: Record<string, unknown> = {}): Promise<void> {
  const vs = await evaluate(policy, rs, config);
  expect(findings(vs).map((v) => v.message)).to.deep.equal([]);
  expect(unknowns(vs)).to.have.length(1);
  expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
}
