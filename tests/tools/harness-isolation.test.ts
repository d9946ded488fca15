/**
 * The harness gives each policy call its own copy of a resource's props, as the engine deserialises
 * a fresh one per call: a policy that mutates what it is given changes nothing another policy sees.
 */
import { expect } from "chai";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies } from "../../tools/policy/harness";
import { res } from "../helpers/policy";

describe("policy harness: each call gets its own props", () => {
  it("a mutating policy cannot change the inputs a later policy sees, at any depth, nor the planned resource", async () => {
    const seen: unknown[] = [];
    const mutate: ResourceValidationPolicy = {
      name: "mutates",
      description: "mutates its props",
      enforcementLevel: "advisory",
      validateResource: (args) => {
        const p = args.props as any;
        p.tags.owner = "mallory";
        p.rules[0].ports.push(22);
        p.added = true;
      },
    };
    const observe: ResourceValidationPolicy = {
      name: "observes",
      description: "records its props",
      enforcementLevel: "advisory",
      validateResource: (args) => {
        seen.push(JSON.parse(JSON.stringify(args.props)));
      },
    };
    const inputs = { tags: { owner: "alice" }, rules: [{ ports: [443] }], nothing: null, count: 2 };
    const r = res("aws:ec2/securityGroup:SecurityGroup", inputs);
    await evaluatePolicies({ name: "p", version: "1", enforcementLevel: "advisory", policies: [mutate, observe] }, [r, r]);
    expect(seen).to.deep.equal([
      { tags: { owner: "alice" }, rules: [{ ports: [443] }], nothing: null, count: 2 },
      { tags: { owner: "alice" }, rules: [{ ports: [443] }], nothing: null, count: 2 },
    ]);
    expect(r.inputs).to.deep.equal({ tags: { owner: "alice" }, rules: [{ ports: [443] }], nothing: null, count: 2 });
  });
});
