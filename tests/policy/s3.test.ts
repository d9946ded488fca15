import { expect } from "chai";
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

  it("passes a bucket with all four settings on", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "media" });
    const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "media-1", ...all }, { deps: { bucket: [bucket] } });
    expect(await evaluate(s3BlockPublicAccess, [bucket, pab])).to.deep.equal([]);
  });

  it("passes a bucket with no block (S3 turns all four on for new buckets since April 2023), fails one whose block turns a setting off", async () => {
    const bare = res("aws:s3/bucket:Bucket", {}, { name: "bare" });
    const partial = res("aws:s3/bucket:Bucket", {}, { name: "partial" });
    const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "p", ...all, restrictPublicBuckets: false }, { deps: { bucket: [partial] } });
    const vs = findings(await evaluate(s3BlockPublicAccess, [bare, partial, pab]));
    expect(vs.map((v) => v.message.split("\n").pop()!.split(": ")[0])).to.deep.equal(["[S3.8] partial (aws:s3/bucket:Bucket)"]);
    expect(vs[0]!.message).to.include("restrictPublicBuckets");
  });

  it("reports an unknown setting as undecidable, not as a violation", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "media" });
    const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "m", ...all, blockPublicAcls: UNKNOWN }, { deps: { bucket: [bucket] } });
    const vs = await evaluate(s3BlockPublicAccess, [bucket, pab]);
    expect(findings(vs)).to.deep.equal([]);
    expect(unknowns(vs)).to.have.length(1);
  });

  it("takes the level from config (advisory in dev)", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "media" });
    const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { bucket: "m", ...all, blockPublicPolicy: false }, { deps: { bucket: [bucket] } });
    const vs = await evaluate(s3BlockPublicAccess, [bucket, pab], { enforcementLevel: "advisory" });
    expect(vs[0]!.enforcementLevel).to.equal("advisory");
  });
});
