/** Exemptions people can trust (lib/policy.ts): severity cap on tags, expiry horizon, legal syntax, URN globs, expired ones re-evaluated. */
import { expect } from "chai";
import { s3RequireTls } from "../../policy-packs/aws-compliance/policies/s3";
import { s3NoPublicRead } from "../../policy-packs/aws-compliance/policies/storage-s3";
import { evaluate, findings, res } from "../helpers/policy";

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const tlsDoc = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
});
const tag = (value: string) => ({ tags: { "policy-exemption:s3-bucket-require-tls": value } });
const prodRules = { tagExemptions: { maxSeverity: "medium", maxDays: 180 } };

describe("exemptions", () => {
  it("a tag waives a policy within the severity cap and horizon, reported as EXEMPTED", async () => {
    const bucket = res("aws:s3/bucket:Bucket", tag(`vendor tool without TLS OPS-42 expires=${inDays(30)}`), { name: "old" });
    const vs = await evaluate(s3RequireTls, [bucket], { tagExemptions: { maxSeverity: "critical", maxDays: 180 } });
    expect(findings(vs)).to.deep.equal([]);
    expect(vs[0]!.message).to.match(/^EXEMPTED \[S3.5\] old .* \(tag policy-exemption:s3-bucket-require-tls, until/);
  });

  it("a tag cannot waive a critical-severity policy where the stack caps tags at medium (prod): the resource is evaluated", async () => {
    const value = `static site migration OPS-42 expires=${inDays(30)}`;
    const bucket = res("aws:s3/bucket:Bucket", { acl: "public-read", tags: { "policy-exemption:s3-bucket-no-public-read": value } }, { name: "old" });
    const vs = findings(await evaluate(s3NoPublicRead, [bucket], prodRules));
    expect(vs).to.have.length(1);
    expect(vs[0]!.enforcementLevel).to.equal("mandatory");
    expect(vs[0]!.message).to.include("a tag cannot waive a critical-severity policy in this stack (tags may waive up to medium): that takes a reviewed pack-config exemption");
    // The same tag on a medium policy (S3.5) is honoured in the same stack.
    const medium = res("aws:s3/bucket:Bucket", tag(value), { name: "old2" });
    expect(findings(await evaluate(s3RequireTls, [medium], prodRules))).to.deep.equal([]);
  });

  it("a tag exemption needs an expiry, at most the horizon away", async () => {
    const none = findings(await evaluate(s3RequireTls, [res("aws:s3/bucket:Bucket", tag("vendor tool without TLS"), { name: "a" })], { tagExemptions: { maxSeverity: "critical", maxDays: 180 } }));
    expect(none[0]!.message).to.include("has no expiry (syntax: \"<reason> expires=YYYY-MM-DD\", at most 180 days away)");
    const far = findings(await evaluate(s3RequireTls, [res("aws:s3/bucket:Bucket", tag(`vendor tool without TLS expires=${inDays(400)}`), { name: "b" })], { tagExemptions: { maxSeverity: "critical", maxDays: 180 } }));
    expect(far[0]!.message).to.include("more than 180 days away");
  });

  it("rejects tag values IAM and EFS would reject (`;`)", async () => {
    const vs = findings(await evaluate(s3RequireTls, [res("aws:s3/bucket:Bucket", tag(`vendor tool; without TLS; expires=${inDays(10)}`), { name: "c" })], { tagExemptions: { maxSeverity: "critical", maxDays: 180 } }));
    expect(vs[0]!.message).to.include("uses characters IAM and EFS reject");
  });

  it("an expired exemption reports its expiry and the resource is still evaluated: a failing one fails, a fixed one passes", async () => {
    const config = { exemptions: [{ resource: "urn:pulumi:test::test::aws:s3/bucket:Bucket::legacy*", reason: "legacy SDK clients, migration ticket OPS-42", expires: "2020-01-31" }] };
    const failing = res("aws:s3/bucket:Bucket", {}, { name: "legacy" });
    const vs = findings(await evaluate(s3RequireTls, [failing], config));
    expect(vs).to.have.length(1);
    expect(vs[0]!.message).to.include("no bucket policy denies requests without TLS (its exemption (pack config) expired on 2020-01-31)");
    const fixed = res("aws:s3/bucket:Bucket", { bucket: "legacy-2", policy: tlsDoc }, { name: "legacy2" });
    const ok = await evaluate(s3RequireTls, [fixed], config);
    expect(findings(ok).filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    expect(ok.map((v) => v.message).join("\n")).to.include("expired on 2020-01-31, and is not needed: remove it");
  });

  it("a config exemption matches the URN (project, type and name), not a bare name another project reuses", async () => {
    const config = { exemptions: [{ resource: "urn:pulumi:*::shop::aws:s3/bucket:Bucket::media", reason: "public catalogue images, reviewed in SEC-7", permanentBecause: "the bucket serves anonymous website visitors by design" }] };
    const other = { ...res("aws:s3/bucket:Bucket", {}, { name: "media" }) };
    expect(findings(await evaluate(s3RequireTls, [other], config))).to.have.length(1);
    const mine = { ...other, urn: "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::media" };
    const vs = await evaluate(s3RequireTls, [mine], config);
    expect(findings(vs)).to.deep.equal([]);
    expect(vs[0]!.message).to.include("permanent): public catalogue images, reviewed in SEC-7 (the control cannot apply: the bucket serves anonymous website visitors by design)");
  });

  it("the pack refuses its own config when a setting is misspelt or an exemption is malformed, naming it", async () => {
    const bucket = res("aws:s3/bucket:Bucket", {}, { name: "m" });
    let err: Error | undefined;
    try {
      await evaluate(s3NoPublicRead, [bucket], { exemption: [] });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.include("'exemption' is not a setting of this policy (settings: authenticatedUsersArePublic, exemptions, tagExemptions, environment, classifiedData)");
    err = undefined;
    try {
      await evaluate(s3RequireTls, [bucket], { exemptions: [{ resource: "m", reason: "because of reasons" }] });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.include("s3-bucket-require-tls.exemptions[0].resource 'm': must be a URN glob");
  });
});
