import { expect } from "chai";
import { kmsKeyRotation } from "../../policy-packs/aws-compliance/policies/kms";
import { requiredTags } from "../../policy-packs/aws-compliance/policies/tagging";
import { evaluate, findings, res, UNKNOWN, unknowns } from "../helpers/policy";

describe("policy kms-key-rotation-enabled (KMS.4)", () => {
  it("passes a key with rotation", async () => {
    expect(await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { enableKeyRotation: true }))).to.deep.equal([]);
  });
  it("fails a symmetric key without rotation", async () => {
    const vs = await evaluate(kmsKeyRotation, res("aws:kms/key:Key", {}, { name: "data" }));
    expect(vs[0]!.message).to.include("[KMS.4] data (aws:kms/key:Key): key rotation is off. Fix: set `enableKeyRotation: true`");
  });
  it("does not apply to asymmetric keys, which cannot rotate", async () => {
    expect(await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }))).to.deep.equal([]);
  });
  it("does not apply to keys in a custom key store (KMS cannot rotate them); a store id unknown in preview is undecidable, not a pass", async () => {
    expect(await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { customKeyStoreId: "cks-1234567890abcdef0" }))).to.deep.equal([]);
    const vs = await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { customKeyStoreId: UNKNOWN }));
    expect(unknowns(vs)).to.have.length(1);
    expect(vs[0]!.enforcementLevel).to.equal("advisory");
  });
  it("reads the key spec from keySpec as well as the deprecated customerMasterKeySpec", async () => {
    expect(await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { keySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }))).to.deep.equal([]);
    expect(await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { keySpec: "SYMMETRIC_DEFAULT" }))).to.have.length(1);
  });
  it("cannot run during preview when rotation is unknown, and says so", async () => {
    const vs = await evaluate(kmsKeyRotation, res("aws:kms/key:Key", { enableKeyRotation: UNKNOWN }));
    expect(unknowns(vs)).to.have.length(1);
    expect(vs[0]!.message).to.include("can't run policy 'kms-key-rotation-enabled'");
    expect(vs[0]!.enforcementLevel).to.equal("advisory");
  });
});

describe("policy required-tags (BP.Tags.1)", () => {
  const tags = { project: "p", environment: "dev", owner: "team", "data-classification": "internal", compliance: "none" };
  it("passes a taggable resource with every required tag", async () => {
    expect(await evaluate(requiredTags, res("aws:sqs/queue:Queue", { tags }))).to.deep.equal([]);
  });
  it("fails one that misses tags, naming them", async () => {
    const vs = findings(await evaluate(requiredTags, res("aws:sqs/queue:Queue", { tags: { project: "p", owner: "" } }, { name: "jobs" })));
    expect(vs[0]!.message).to.include("missing required tags environment, owner, data-classification, compliance");
  });
  it("reads the tag list of an Auto Scaling group", async () => {
    const list = Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
    expect(await evaluate(requiredTags, res("aws:autoscaling/group:Group", { tags: list }))).to.deep.equal([]);
    const vs = findings(await evaluate(requiredTags, res("aws:autoscaling/group:Group", { tags: list.slice(1) }, { name: "web" })));
    expect(vs[0]!.message).to.include("missing required tag project");
  });

  it("ignores resource types that take no tags", async () => {
    expect(await evaluate(requiredTags, res("aws:s3/bucketPolicy:BucketPolicy", {}))).to.deep.equal([]);
  });
  it("reads the required keys from config", async () => {
    const vs = findings(await evaluate(requiredTags, res("aws:sqs/queue:Queue", { tags }), { tags: ["cost-center"] }));
    expect(vs[0]!.message).to.include("missing required tag cost-center");
  });
  it("honours the provider's defaultTags (an object or the JSON text the engine passes); the resource's own value wins", async () => {
    const provider = res("pulumi:providers:aws", { region: "us-east-1", defaultTags: { tags: { project: "p", environment: "dev", owner: "team" } } });
    expect(await evaluate(requiredTags, [provider, res("aws:sqs/queue:Queue", { tags: { "data-classification": "internal", compliance: "none" } }, { provider })])).to.deep.equal([]);
    const asText = res("pulumi:providers:aws", { region: "us-east-1", defaultTags: JSON.stringify({ tags: { project: "p", environment: "dev", owner: "team", "data-classification": "internal" } }) });
    const vs = findings(await evaluate(requiredTags, [asText, res("aws:sqs/queue:Queue", { tags: { owner: "" } }, { provider: asText, name: "q" })]));
    // The resource's empty owner overrides the default (as in tagsAll), so it is missing, with compliance.
    expect(vs.map((v) => v.message.split(": ")[1])).to.deep.equal(["missing required tags owner, compliance. Fix"]);
  });
  it("an Auto Scaling group's tag list gets no provider defaults (the provider does not merge them there)", async () => {
    const provider = res("pulumi:providers:aws", { defaultTags: { tags } });
    const vs = findings(await evaluate(requiredTags, [provider, res("aws:autoscaling/group:Group", { tags: [] }, { provider, name: "web" })]));
    expect(vs).to.have.length(1);
  });
  it("skips types whose `tags` is not a tag map (a DevOps Guru collection's tag filter)", async () => {
    expect(await evaluate(requiredTags, res("aws:devopsguru/resourceCollection:ResourceCollection", { type: "AWS_TAGS", tags: { appBoundaryKey: "DevOps-Guru-app", tagValues: ["*"] } }))).to.deep.equal([]);
  });
});
