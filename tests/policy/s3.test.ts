import { expect } from "chai";
import type * as aws from "@pulumi/aws";
import { fixture } from "../helpers/fixture";
import { s3BlockPublicAccess, s3RequireTls } from "../../policy-packs/aws-compliance/policies/s3";
import { evaluate, findings, res, UNKNOWN, unknowns } from "../helpers/policy";

const tlsPolicy = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
};

describe("policy s3-bucket-require-tls (S3.5)", () => {
  for (const type of ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]) {
    it(`passes a ${type} whose side BucketPolicy (JSON string) denies insecure transport`, async () => {
      const bucket = res(type, {}, { name: "media" });
      const policy = res("aws:s3/bucketPolicy:BucketPolicy", { bucket: "media-1", policy: JSON.stringify(tlsPolicy) }, { deps: { bucket: [bucket] } });
      expect(await evaluate(s3RequireTls, [bucket, policy])).to.deep.equal([]);
    });
  }

  it("passes an inline policy given as an object, joined by bucket name", async () => {
    const bucket = res("aws:s3/bucket:Bucket", { bucket: "named", policy: tlsPolicy });
    expect(await evaluate(s3RequireTls, [bucket])).to.deep.equal([]);
  });

  it("fails a bucket without such a policy, naming the control and the fix", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "media" });
    const vs = findings(await evaluate(s3RequireTls, [bucket]));
    expect(vs).to.have.length(1);
    expect(vs[0]!.message).to.include("[S3.5] media (aws:s3/bucket:Bucket): no bucket policy denies requests without TLS");
    expect(vs[0]!.message).to.include("aws.s3.BucketPolicy");
    expect(vs[0]!.enforcementLevel).to.equal("mandatory");
  });

  it("a deny of some actions, for one principal, or on the objects alone is not TLS enforcement; split statements that each deny everything are", async () => {
    const deny = (over: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: [{ ...tlsPolicy.Statement[0], ...over }] });
    for (const [what, doc] of [
      ["one action", deny({ Action: "s3:GetObject" })],
      ["one role", deny({ Principal: { AWS: "arn:aws:iam::123456789012:role/app" } })],
      ["the objects only", deny({ Resource: "arn:aws:s3:::b/*" })],
      ["NotAction", deny({ Action: undefined, NotAction: "s3:GetObject" })],
    ] as const) {
      const vs = findings(await evaluate(s3RequireTls, [res("aws:s3/bucket:Bucket", { policy: doc }, { name: "partial" })]));
      expect(vs.map((v) => v.message), what).to.have.length(1);
      expect(vs[0]!.message, what).to.include("its bucket policy denies requests without TLS only for some principals, actions or resources");
    }
    const split = { Version: "2012-10-17", Statement: [{ ...tlsPolicy.Statement[0], Resource: "arn:aws:s3:::b" }, { ...tlsPolicy.Statement[0], Principal: { AWS: "*" }, Action: "*", Resource: "arn:aws:s3:::b/*" }] };
    expect(await evaluate(s3RequireTls, [res("aws:s3/bucket:Bucket", { policy: split })])).to.deep.equal([]);
  });

  it("says so when the policy document is unknown at preview, and does not fail the bucket", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "media" });
    const policy = res("aws:s3/bucketPolicy:BucketPolicy", { bucket: UNKNOWN, policy: UNKNOWN }, { deps: { bucket: [bucket] } });
    const vs = await evaluate(s3RequireTls, [bucket, policy]);
    expect(findings(vs)).to.deep.equal([]);
    expect(unknowns(vs)).to.have.length(1);
    expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
  });

  it("honours an exemption with a reason from config, and reports it", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "legacy" });
    const vs = await evaluate(s3RequireTls, [bucket], { exemptions: [{ resource: "urn:pulumi:test::test::aws:s3/bucket:Bucket::legacy", expires: "2099-12-31", reason: "legacy SDK clients, migration ticket OPS-42" }] });
    expect(findings(vs)).to.deep.equal([]);
    expect(vs[0]!.message).to.match(/^EXEMPTED \[S3.5\] legacy/);
  });

  it("fails a resource whose exemption tag has expired", async () => {
    const bucket = res("aws:s3/bucket:Bucket", { tags: { "policy-exemption:s3-bucket-require-tls": "vendor tool without TLS; expires=2020-01-31" } }, { name: "old" });
    const vs = findings(await evaluate(s3RequireTls, [bucket]));
    expect(vs).to.have.length(1);
    expect(vs[0]!.message).to.include("expired on 2020-01-31");
  });
});

describe("policy s3-bucket-block-public-access (S3.8)", () => {
  const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
  const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

  it("is a resource policy: it blocks at registration in pulumi up", () => {
    expect(typeof (s3BlockPublicAccess as { validateResource?: unknown }).validateResource).to.equal("function");
  });

  it("passes a block with all four settings on, and a bucket with no block (S3 turns all four on for new buckets since April 2023)", async () => {
    const bucket = fixture<aws.s3.BucketArgs>("aws:s3/bucket:Bucket", {}, { name: "media" });
    const pab = fixture<aws.s3.BucketPublicAccessBlockArgs>(PAB, { bucket: UNKNOWN, ...all }, { deps: { bucket: [bucket] } });
    expect(await evaluate(s3BlockPublicAccess, [bucket, pab])).to.deep.equal([]);
    expect(await evaluate(s3BlockPublicAccess, [fixture<aws.s3.BucketArgs>("aws:s3/bucket:Bucket", {}, { name: "bare" })])).to.deep.equal([]);
  });

  it("fails a block that turns a setting off or leaves one absent (false on this resource), naming them", async () => {
    const pab = fixture<aws.s3.BucketPublicAccessBlockArgs>(PAB, { bucket: "p", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false }, { name: "partial-block" });
    const vs = findings(await evaluate(s3BlockPublicAccess, [pab]));
    expect(vs.map((v) => v.message.split("\n").pop()!.split(": ")[0])).to.deep.equal([`[S3.8] partial-block (${PAB})`]);
    expect(vs[0]!.message).to.include("leaves restrictPublicBuckets off");
    const absent = findings(await evaluate(s3BlockPublicAccess, [fixture<aws.s3.BucketPublicAccessBlockArgs>(PAB, { bucket: "p", blockPublicAcls: true }, { name: "thin" })]));
    expect(absent[0]!.message).to.include("leaves blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets off");
  });

  it("reports an unknown setting as undecidable, not as a violation", async () => {
    const pab = fixture<aws.s3.BucketPublicAccessBlockArgs>(PAB, { bucket: "m", ...all, blockPublicAcls: UNKNOWN as unknown as boolean });
    const vs = await evaluate(s3BlockPublicAccess, [pab]);
    expect(findings(vs)).to.deep.equal([]);
    expect(unknowns(vs)).to.have.length(1);
  });

  it("takes the level from config (advisory in dev)", async () => {
    const pab = fixture<aws.s3.BucketPublicAccessBlockArgs>(PAB, { bucket: "m", ...all, blockPublicPolicy: false });
    const vs = await evaluate(s3BlockPublicAccess, [pab], { enforcementLevel: "advisory" });
    expect(vs[0]!.enforcementLevel).to.equal("advisory");
  });
});

