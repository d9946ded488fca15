/**
 * Stack policies get each resource's outputs, as the engine's AnalyzeStack does: in a preview the
 * provider's computed properties the program did not set are unknown; after an update they are the
 * provider's (here the mocks') outputs. Rules reading an inline setting that @pulumi/aws 7 computes
 * (a Bucket's versioning, encryption, logging, ACL, policy, lifecycle) treat "unknown because
 * computed and not set" as "not declared" and look at the side resources.
 */
import * as aws from "@pulumi/aws";
import type { StackValidationPolicy } from "@pulumi/policy";
import { expect } from "chai";
import * as s3 from "../../policy-packs/aws-compliance/policies/storage-s3";
import { stackPolicy } from "../../policy-packs/aws-compliance/lib/policy";
import { evaluatePolicies, stackShape, UNKNOWN, type PlannedResource } from "../../tools/policy/harness";
import { fixture } from "../helpers/fixture";
import { applied, evaluateIn, findings, unknowns } from "../helpers/policy";

const B = "aws:s3/bucket:Bucket";
const tags = { environment: "prod" };

/** The verdict of a stack policy in both modes, which must agree: its findings' messages. */
async function bothModes(policy: StackValidationPolicy, resources: PlannedResource[]): Promise<string[]> {
  const preview = await evaluateIn("preview", policy, resources);
  const update = await evaluateIn("update", policy, resources);
  const texts = (vs: typeof preview) => vs.map((v) => `${v.enforcementLevel}: ${v.message}`).sort();
  expect(texts(preview), "preview and update verdicts").to.deep.equal(texts(update));
  expect(unknowns(preview), "nothing undecidable").to.deep.equal([]);
  return findings(preview).map((v) => v.message);
}

describe("output-shaped resources for stack policies (harness stackShape)", () => {
  const bucket = fixture<aws.s3.BucketArgs>(B, { tags }, { name: "media" });

  it("preview: the inputs, and every computed property the program did not set as unknown", () => {
    const props = stackShape(bucket, "preview");
    expect(props.tags).to.deep.equal(tags);
    for (const k of ["versioning", "serverSideEncryptionConfiguration", "logging", "acl", "grants", "policy", "lifecycleRules", "arn", "bucket", "tagsAll"]) expect(props[k], k).to.equal(UNKNOWN);
    // A property the program set keeps its value; one that is not computed stays absent.
    const set = stackShape(fixture<aws.s3.BucketArgs>(B, { versioning: { enabled: true } }), "preview");
    expect(set.versioning).to.deep.equal({ enabled: true });
    expect(set.forceDestroy).to.equal(undefined);
  });

  it("preview: each token takes its own computed set (BucketV2's plural names), alias tokens their type's; other packages' resources keep their inputs", () => {
    const v2 = stackShape(fixture<aws.s3.BucketV2Args>("aws:s3/bucketV2:BucketV2", {}), "preview");
    expect(v2.serverSideEncryptionConfigurations).to.equal(UNKNOWN);
    const legacy = stackShape(fixture<aws.lb.LoadBalancerArgs>("aws:applicationloadbalancing/loadBalancer:LoadBalancer", { internal: true }), "preview");
    expect([legacy.internal, legacy.arn, legacy.dnsName]).to.deep.equal([true, UNKNOWN, UNKNOWN]);
    const other = { ...bucket, type: "random:index/randomPassword:RandomPassword", inputs: { length: 20 } };
    expect(stackShape(other, "preview")).to.deep.equal({ length: 20 });
  });

  it("update: the mocks' outputs over the inputs", () => {
    const [done] = applied([bucket]);
    const props = stackShape(done!, "update");
    expect(props.tags).to.deep.equal(tags);
    expect(props.arn).to.match(/^arn:aws:s3:::media-[0-9a-f]{7}$/);
    expect(props.bucket).to.equal(String(props.arn).split(":::")[1]);
  });

  it("a rule reading a computed output the program did not set meets the engine's unknown (advisory), as in a real preview", async () => {
    const naive = stackPolicy(
      { name: "naive-versioning", description: "reads versioning", severity: "low", controls: ["BP.Test.1"], frameworks: ["Blueprints"], remediationSteps: "none" },
      ({ resources, fail }) => {
        for (const r of resources) if (r.type === B && (r.props as any).versioning?.enabled !== true) fail(r, "not versioned", "version it");
      },
    );
    // Through the pack's stackPolicy, undeclared unknowns read as absent: a plain finding in both modes.
    expect(await bothModes(naive, [bucket])).to.have.length(1);
    // The raw engine shape (no pack helper): touching the unknown stops the policy with "can't run during preview".
    const raw: StackValidationPolicy = { name: "raw", description: "raw", enforcementLevel: "mandatory", validateStack: (args, report) => args.resources.forEach((r) => (r.props.versioning?.enabled ? undefined : report("x"))) };
    const ev = await evaluatePolicies({ name: "p", version: "1", enforcementLevel: "mandatory", policies: [raw] }, [bucket], { mode: "preview" });
    expect(ev.violations).to.have.length(1);
    expect(ev.violations[0]!.unknown).to.equal(true);
    expect(ev.violations[0]!.message).to.match(/can't run policy 'raw'.*during preview: .*versioning/);
  });

  describe("S3 rules on inline settings @pulumi/aws 7 computes: not declared means the side resources decide", () => {
    const side = <A extends object>(type: string, args: A, target: PlannedResource, name: string) => fixture<A>(type, args, { name, deps: { bucket: [target] } });

    it("S3.14 versioning: the side resource passes, nothing fails, an inline setting counts", async () => {
      const withSide = side<aws.s3.BucketVersioningArgs>("aws:s3/bucketVersioning:BucketVersioning", { bucket: UNKNOWN, versioningConfiguration: { status: "Enabled" } }, bucket, "media-versioning");
      expect(await bothModes(s3.s3Versioning, [bucket, withSide])).to.deep.equal([]);
      const [none] = await bothModes(s3.s3Versioning, [bucket]);
      expect(none).to.include(`[S3.14] media (${B})`);
      expect(await bothModes(s3.s3Versioning, [fixture<aws.s3.BucketArgs>(B, { versioning: { enabled: true } })])).to.deep.equal([]);
    });

    it("S3.4 default encryption: AWS's default (SSE-S3) when neither inline nor side says otherwise", async () => {
      expect(await bothModes(s3.s3DefaultEncryption, [bucket])).to.deep.equal([]);
    });

    it("S3.9 access logging: the side resource passes, nothing fails", async () => {
      const logs = fixture<aws.s3.BucketArgs>(B, {}, { name: "logs" });
      const withSide = side<aws.s3.BucketLoggingArgs>("aws:s3/bucketLogging:BucketLogging", { bucket: UNKNOWN, targetBucket: "logs-1", targetPrefix: "media/" }, bucket, "media-logging");
      const passing = await bothModes(s3.s3AccessLogging, [bucket, logs, withSide]);
      expect(passing.filter((m) => m.includes("media ("))).to.deep.equal([]);
      const failing = await bothModes(s3.s3AccessLogging, [bucket]);
      expect(failing.some((m) => m.includes(`[S3.9] media (${B})`))).to.equal(true);
    });

    it("S3.12 ACLs disabled: the ownership controls decide; the computed acl is not a declared ACL", async () => {
      const owner = side<aws.s3.BucketOwnershipControlsArgs>("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { bucket: UNKNOWN, rule: { objectOwnership: "BucketOwnerEnforced" } }, bucket, "media-owner");
      expect(await bothModes(s3.s3AclsDisabled, [bucket, owner])).to.deep.equal([]);
    });

    it("S3.13 lifecycle: the side resource passes, nothing fails", async () => {
      const rules = side<aws.s3.BucketLifecycleConfigurationArgs>("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { bucket: UNKNOWN, rules: [{ id: "old", status: "Enabled", expiration: { days: 30 } }] }, bucket, "media-lifecycle");
      expect(await bothModes(s3.s3LifecycleConfigured, [bucket, rules])).to.deep.equal([]);
      const [none] = await bothModes(s3.s3LifecycleConfigured, [bucket]);
      expect(none).to.include(`media (${B})`);
    });
  });
});
