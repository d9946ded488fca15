/**
 * Table-driven cases for the network and compute policy tests: each case is a set of planned
 * resources, an optional policy config, and what must come out (no diagnostics, only
 * "undecidable at preview" notes, or findings whose messages contain given fragments).
 */
import type { Policy } from "@pulumi/policy";
import { expect } from "chai";
import { policyRegistry } from "../../policy-packs/aws-compliance/lib/policy";
import type { PlannedResource } from "../../tools/policy/harness";
import { evaluate, findings, unknowns } from "../helpers/policy";

export interface Case {
  it: string;
  resources: PlannedResource[];
  config?: Record<string, unknown>;
  /**
   * "pass": no diagnostic at all; "unknown": undecidable-at-preview notes only;
   * otherwise one entry per expected finding, each a list of fragments its message contains.
   */
  expect: "pass" | "unknown" | string[][];
  /** Expected enforcement level of every finding (default: not checked). */
  level?: "advisory" | "mandatory";
}

/** `[EC2.3] vol (aws:ebs/volume:Volume)`, the head of a finding about `r`. */
export function head(policy: Policy, r: PlannedResource): string {
  const meta = policyRegistry.get(policy.name)!;
  return `[${meta.controls.join(", ")}] ${r.name} (${r.type})`;
}

export function describePolicy(policy: Policy, cases: Case[]): void {
  const meta = policyRegistry.get(policy.name);
  describe(`policy ${policy.name} (${meta?.controls.join(", ")})`, () => {
    it("is registered with complete metadata", () => {
      expect(meta, "registered").to.not.equal(undefined);
      expect(meta!.controls.length).to.be.greaterThan(0);
      expect(meta!.frameworks.length).to.be.greaterThan(0);
      expect(meta!.description).to.match(/\.$/);
      expect(meta!.remediationSteps.length).to.be.greaterThan(20);
      expect(["low", "medium", "high", "critical"]).to.include(meta!.severity);
    });
    for (const c of cases) {
      it(c.it, async () => {
        const vs = await evaluate(policy, c.resources, c.config ?? {});
        const fs = findings(vs);
        const us = unknowns(vs);
        if (c.expect === "pass") {
          expect(vs.map((v) => v.message), "no diagnostics").to.deep.equal([]);
        } else if (c.expect === "unknown") {
          expect(fs.map((v) => v.message), "no findings").to.deep.equal([]);
          expect(us.length, "an undecidable-at-preview note").to.be.greaterThan(0);
          for (const u of us) expect(u.enforcementLevel).to.equal("advisory");
        } else {
          expect(us.map((v) => v.message), "no undecidable notes").to.deep.equal([]);
          expect(fs.map((v) => v.message), "findings").to.have.length(c.expect.length);
          c.expect.forEach((fragments, i) => {
            for (const f of fragments) expect(fs[i]!.message).to.include(f);
            expect(fs[i]!.message).to.include(". Fix: ");
          });
          if (c.level) for (const f of fs) expect(f.enforcementLevel).to.equal(c.level);
        }
      });
    }
  });
}
