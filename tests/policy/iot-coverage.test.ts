/** IoT Core: wildcard grants (resource-policy-not-public, BP.IoT.1) and tags (IoT.1-6 are tagging-standard controls, decided by required-tags). */
import { expect } from "chai";
import type * as aws from "@pulumi/aws";
import { resourcePolicyNotPublic } from "../../policy-packs/aws-compliance/policies/resource-policies";
import { requiredTags } from "../../policy-packs/aws-compliance/policies/tagging";
import { fixture } from "../helpers/fixture";
import { evaluate, findings } from "../helpers/policy";

const tags = { project: "health", environment: "prod", owner: "iot-team", "data-classification": "restricted", compliance: "hipaa" };
const devicePolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "iot:Connect", Resource: "arn:aws:iot:eu-west-1:111122223333:client/${iot:Connection.Thing.ThingName}" }],
});

describe("IoT Core coverage", () => {
  it("requires tags on IoT policies and role aliases (IoT.5, IoT.6 ask for tags; required-tags decides them)", async () => {
    const untagged = [
      fixture<aws.iot.PolicyArgs>("aws:iot/policy:Policy", { policy: devicePolicy }, { name: "device" }),
      fixture<aws.iot.RoleAliasArgs>("aws:iot/roleAlias:RoleAlias", { alias: "device-role", roleArn: "arn:aws:iam::111122223333:role/device" }, { name: "alias" }),
    ];
    const vs = findings(await evaluate(requiredTags, untagged));
    expect(vs.map((v) => v.message.match(/\] (\S+) \(/)?.[1])).to.have.members(["device", "alias"]);
    const tagged = [
      fixture<aws.iot.PolicyArgs>("aws:iot/policy:Policy", { policy: devicePolicy, tags }),
      fixture<aws.iot.RoleAliasArgs>("aws:iot/roleAlias:RoleAlias", { alias: "device-role", roleArn: "arn:aws:iam::111122223333:role/device", tags }),
    ];
    expect(findings(await evaluate(requiredTags, tagged))).to.deep.equal([]);
  });
  it("passes a device policy scoped to its own client id", async () => {
    expect(await evaluate(resourcePolicyNotPublic, fixture<aws.iot.PolicyArgs>("aws:iot/policy:Policy", { policy: devicePolicy, tags }))).to.deep.equal([]);
  });
});
