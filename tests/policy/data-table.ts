/**
 * Table-driven cases for the data-area policy tests: each policy gets compliant cases (no
 * violations), non-compliant cases (a finding that names the control, the resource and the fix),
 * unknown-at-preview cases (an advisory "cannot decide" note, no finding) and config cases (the
 * same resource flips verdict with a parameter).
 */
import type { Policy } from "@pulumi/policy";
import { expect } from "chai";
import type { PlannedResource } from "../../tools/policy/harness";
import { evaluate, findings, res, unknowns } from "../helpers/policy";

export interface Case {
  /** What the case shows (test title). */
  title: string;
  type: string;
  inputs: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** More resources evaluated with it (stack policies). */
  with?: (self: PlannedResource) => PlannedResource[];
  /** Property dependencies of the subject (a reference unknown at preview and where it came from). */
  deps?: Record<string, PlannedResource[]>;
  name?: string;
}

export interface FailCase extends Case {
  /** Substrings the message must contain (besides the control, the resource and "Fix:"). */
  expect: string[];
}

export interface Spec {
  policy: Policy;
  /** The `[..]` prefix of messages, e.g. `RDS.3` or `RDS.9, RDS.36, RDS.40, RDS.42`. */
  controls: string;
  pass: Case[];
  fail: FailCase[];
  unknown?: Case[];
}

async function run(c: Case, policy: Policy) {
  const self = res(c.type, c.inputs, { name: c.name ?? "subject", ...(c.deps ? { deps: c.deps } : {}) });
  const sources = Object.values(c.deps ?? {}).flat();
  return evaluate(policy, [self, ...(c.with?.(self) ?? []), ...sources.filter((d, i) => sources.indexOf(d) === i)], c.config ?? {});
}

export function runSpecs(specs: Spec[]): void {
  for (const s of specs) {
    describe(`policy ${s.policy.name} (${s.controls})`, () => {
      for (const c of s.pass) {
        it(`passes: ${c.title}`, async () => {
          expect(await run(c, s.policy)).to.deep.equal([]);
        });
      }
      for (const c of s.fail) {
        it(`fails: ${c.title}`, async () => {
          const vs = findings(await run(c, s.policy));
          expect(vs, "one finding").to.have.length(1);
          const msg = vs[0]!.message;
          expect(msg).to.include(`[${s.controls}] ${c.name ?? "subject"} (${c.type})`);
          expect(msg).to.include("Fix:");
          for (const e of c.expect) expect(msg).to.include(e);
        });
      }
      for (const c of s.unknown ?? []) {
        it(`cannot decide at preview: ${c.title}`, async () => {
          const vs = await run(c, s.policy);
          expect(findings(vs), "no finding").to.deep.equal([]);
          expect(unknowns(vs), "an unknown-value note").to.have.length.greaterThan(0);
          expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
        });
      }
    });
  }
}

/** Exactly one finding, on `name (type)` with the given controls, mentioning every substring and a fix. */
export function expectOne(vs: { message: string }[], controls: string, name: string, type: string, ...substrings: string[]): void {
  const fs = findings(vs as any);
  expect(fs, `one finding, got: ${fs.map((f) => f.message).join(" | ")}`).to.have.length(1);
  const msg = fs[0]!.message;
  expect(msg).to.include(`[${controls}] ${name} (${type})`);
  expect(msg).to.include("Fix:");
  for (const s of substrings) expect(msg).to.include(s);
}

/** No finding, and an advisory unknown-at-preview note. */
export function expectUndecided(vs: any[]): void {
  expect(findings(vs), "no finding").to.deep.equal([]);
  expect(unknowns(vs), "an unknown-value note").to.have.length.greaterThan(0);
  expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
}
