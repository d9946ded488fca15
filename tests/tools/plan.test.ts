import { expect } from "chai";
import * as path from "node:path";
import { UNKNOWN } from "../../tools/policy/harness";
import { ofType, PlanJson, repoRoot, runPlan } from "../helpers/plan";

const fixtures = "tests/fixtures/projects";
const miniPack = path.join(repoRoot, "tests/fixtures/policy-packs/mini");

describe("offline plan: a fixture project end to end", () => {
  let shop: PlanJson;
  let base: PlanJson;
  before(() => {
    const s = runPlan(`${fixtures}/shop`, "dev", ["--no-policy"]);
    expect(s.exitCode, s.stdout + s.stderr).to.equal(0);
    shop = s.json!;
    const b = runPlan(`${fixtures}/base`, "dev", ["--no-policy"]);
    expect(b.exitCode, b.stdout + b.stderr).to.equal(0);
    base = b.json!;
  });

  it("writes the JSON contract: project, stack, resources, outputs, violations", () => {
    expect(shop).to.include.keys("project", "stack", "resources", "outputs", "violations");
    expect(shop.project).to.equal("shop");
    expect(shop.stack).to.equal("dev");
    for (const r of shop.resources) expect(r).to.include.keys("urn", "type", "name", "parent", "custom", "inputs", "dependencies", "protect", "retainOnDelete");
  });

  it("records every registration, nested under the stack, with options", () => {
    const types = shop.resources.map((r) => r.type).sort();
    expect(types).to.deep.equal([
      "aws:dynamodb/table:Table",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "pulumi:pulumi:Stack",
      "pulumi:pulumi:StackReference",
    ]);
    const stack = ofType(shop, "pulumi:pulumi:Stack")[0]!;
    for (const r of shop.resources.filter((x) => x !== stack)) expect(r.parent).to.equal(stack.urn);
    expect(ofType(shop, "aws:dynamodb/table:Table")[0]!.retainOnDelete).to.equal(true);
    expect(ofType(shop, "aws:s3/bucket:Bucket")[0]!.protect).to.equal(false);
  });

  it("keeps tags, inputs and property dependencies as the engine sees them", () => {
    const bucket = ofType(shop, "aws:s3/bucket:Bucket")[0]!;
    expect(bucket.inputs.tags).to.deep.include({ project: "shop", environment: "dev", owner: "team-shop", "data-classification": "confidential", compliance: "fsbp pci-dss", tier: "standard" });
    const pab = ofType(shop, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]!;
    expect(pab.propertyDependencies.bucket).to.deep.equal([bucket.urn]);
    expect(pab.dependencies).to.include(bucket.urn);
  });

  it("answers with AWS-shaped ids and ARNs", () => {
    expect(shop.outputs.bucketArn).to.match(/^arn:aws:s3:::media-[0-9a-f]{7}$/);
    expect(shop.outputs.tableArn).to.match(/^arn:aws:dynamodb:eu-west-1:123456789012:table\/carts-[0-9a-f]{7}$/);
    expect(base.outputs.alarmTopicArn).to.match(/^arn:aws:sns:eu-west-1:123456789012:alarms-[0-9a-f]{7}$/);
  });

  it("resolves a StackReference from the referenced stack's own plan", () => {
    expect(base.outputs.logKeyArn).to.match(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
    expect(shop.outputs.platformKey).to.equal(base.outputs.logKeyArn);
    const sse = ofType(shop, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0]!;
    expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(base.outputs.logKeyArn);
  });

  it("merges Pulumi.yaml defaults with the stack file, and stands in for secure values without decrypting them", () => {
    expect(shop.outputs.environment).to.equal("dev");
    expect(ofType(shop, "aws:s3/bucket:Bucket")[0]!.inputs.tags.tier).to.equal("standard");
    expect(base.notes.join("\n")).to.include("secure config stood in, not decrypted: base:apiToken");
    expect(base.outputs.tokenLength).to.be.a("number");
  });

  it("plans a plain-JavaScript program (main: index.js)", () => {
    expect(ofType(base, "aws:kms/key:Key")).to.have.length(1);
  });
});

describe("offline plan: failures are reported, never an empty plan", () => {
  it("exits 2 with the program's own error when it throws", () => {
    const r = runPlan(`${fixtures}/broken`, "dev", ["--no-policy"]);
    expect(r.exitCode).to.equal(2);
    expect(r.stdout).to.include("the broken fixture fails on purpose after one resource");
    expect(r.stdout).to.include("broken/index.ts:4");
    expect(r.json!.status).to.equal("error");
    expect(r.json!.error).to.include("fails on purpose");
  });

  it("exits 2 with every config problem when the config is invalid", () => {
    const r = runPlan(`${fixtures}/badconfig`, "dev", ["--no-policy"]);
    expect(r.exitCode).to.equal(2);
    expect(r.json!.error).to.include("Stack config for badconfig/dev is invalid (7 problems)");
    expect(r.json!.error).to.include('badconfig:environment = "staging": must be one of "dev", "prod"');
    expect(r.json!.error).to.include('aws:region = "mars-north-1"');
    expect(r.json!.resources.filter((x) => x.type.startsWith("aws:"))).to.deep.equal([]);
  });

  it("exits 2 naming the stack when a StackReference cannot be resolved", () => {
    const r = runPlan(`${fixtures}/orphan`, "dev", ["--no-policy"]);
    expect(r.exitCode).to.equal(2);
    expect(r.json!.error).to.include("StackReference 'organization/nowhere/dev': no project named 'nowhere'");
  });

  it("exits 2 for a stack that does not exist", () => {
    const r = runPlan(`${fixtures}/shop`, "qa", ["--no-policy"]);
    expect(r.exitCode).to.equal(2);
    expect(r.json!.error).to.include("no stack file Pulumi.qa.yaml");
  });
});

describe("offline plan: policy evaluation", () => {
  it("runs resource and stack policies and exits 1 on a mandatory violation", () => {
    const r = runPlan(`${fixtures}/leaky`, "dev", ["--policy-pack", miniPack]);
    expect(r.exitCode, r.stdout).to.equal(1);
    const byPolicy = (name: string) => r.json!.violations.filter((v) => v.policy === name);
    expect(byPolicy("dynamodb-pitr")).to.have.length(1);
    expect(byPolicy("dynamodb-pitr")[0]!.message).to.equal("DynamoDB tables need point-in-time recovery.\nenable pointInTimeRecovery");
    expect(byPolicy("no-plain-buckets").map((v) => v.urn!.split("::").pop())).to.deep.equal(["plain", "other"]);
    expect(byPolicy("no-plain-buckets")[0]).to.deep.include({ policyPack: "mini", enforcementLevel: "mandatory", severity: "high" });
    expect(r.stdout).to.match(/\[mandatory\] mini no-plain-buckets \(high\): 2 resources/);
    expect(r.stdout).to.match(/DENY\s+leaky\/dev/);
  });

  it("takes enforcement levels from a pack config file: advisory only exits 0", () => {
    const r = runPlan(`${fixtures}/leaky`, "dev", ["--policy-pack", miniPack, "--policy-pack-config", path.join(repoRoot, "tests/fixtures/policy-packs/mini-relaxed.json")]);
    expect(r.exitCode, r.stdout).to.equal(0);
    expect(r.json!.violations.map((v) => `${v.policy}:${v.enforcementLevel}`)).to.deep.equal(["no-plain-buckets:advisory", "no-plain-buckets:advisory"]);
  });

  it("rejects a pack config that names unknown policies or levels", () => {
    const r = runPlan(`${fixtures}/leaky`, "dev", ["--policy-pack", miniPack, "--policy-pack-config", path.join(repoRoot, "tests/fixtures/policy-packs/mini-bad.json")]);
    expect(r.exitCode).to.equal(2);
    expect(r.json!.error).to.include("'no-such-policy' is not a policy of mini");
    expect(r.json!.error).to.include("enforcement level 'strict' is not one of");
  });

  it("reports a clean pack run", () => {
    const r = runPlan(`${fixtures}/base`, "dev", ["--policy-pack", miniPack]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.include("Policies: mini@v1.2.3: no violations");
  });

  it("lists exemptions apart from violations, and fails an expired one", () => {
    const r = runPlan(`${fixtures}/exempted`, "dev", ["--policy-pack-config", path.join(repoRoot, "policy-packs/aws-compliance/config/prod.json")]);
    const rotation = r.json!.violations.filter((v) => v.policy === "kms-key-rotation-enabled");
    expect(rotation.map((v) => v.urn!.split("::").pop())).to.deep.equal(["stale"]);
    expect(rotation[0]!.message).to.include("expired on 2021-06-30");
    expect(rotation[0]!.enforcementLevel).to.equal("mandatory");
    expect(r.json!.exemptions).to.have.length(1);
    expect(r.json!.exemptions[0]!.message).to.include("imported key material rotated by hand quarterly");
    expect(r.stdout).to.include("Exemptions (1):");
    expect(r.exitCode).to.equal(1);
  });

  it("runs the aws-compliance pack in preview mode: what is unknown until apply is advisory, never a pass or a fail", () => {
    const r = runPlan(".", "prod", ["--preview"]);
    expect(r.exitCode, r.stdout).to.equal(0);
    const undecided = r.json!.violations.filter((v) => /during preview/.test(v.message));
    expect(undecided.length).to.be.greaterThan(0);
    expect(undecided.every((v) => v.enforcementLevel === "advisory")).to.equal(true);
    expect(r.json!.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
    expect(r.json!.notes.join("\n")).to.match(/preview mode: \d+ resources have inputs unknown until apply/);
  });

  it("gives stack policies output-shaped resources: a program's verdict is the same in preview and update mode", () => {
    const prod = ["--policy-pack-config", path.join(repoRoot, "policy-packs/aws-compliance/config/prod.json")];
    const update = runPlan(`${fixtures}/shop`, "dev", prod);
    const preview = runPlan(`${fixtures}/shop`, "dev", [...prod, "--preview"]);
    const verdict = (j: PlanJson) => j.violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn}`).sort();
    expect(verdict(preview.json!)).to.deep.equal(verdict(update.json!));
    // The Bucket's inline versioning is a computed output in @pulumi/aws 7, unknown in the preview:
    // not declared, so the missing BucketVersioning is a finding in both modes (low severity:
    // advisory), not "can't run".
    const versioning = preview.json!.violations.filter((v) => v.policy === "s3-bucket-versioning");
    expect(versioning.map((v) => v.urn!.split("::").pop())).to.deep.equal(["media"]);
    expect(versioning[0]!.message).to.include("[S3.14] media (aws:s3/bucket:Bucket)");
    expect(versioning[0]!.message).to.not.match(/during preview/);
  });

  it("in preview mode, reports values unknown until apply as advisory, never as pass or fail", () => {
    const r = runPlan(`${fixtures}/shop`, "dev", ["--policy-pack", miniPack, "--preview"]);
    expect(r.exitCode, r.stdout).to.equal(0);
    const pab = ofType(r.json!, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]!;
    expect(pab.inputs.bucket).to.equal(UNKNOWN);
    const unknown = r.json!.violations.filter((v) => v.policy === "bucket-names-known");
    expect(unknown).to.have.length(1);
    expect(unknown[0]!.enforcementLevel).to.equal("advisory");
    expect(unknown[0]!.message).to.include("can't run policy 'bucket-names-known' from policy pack 'mini@v1.2.3' during preview");
  });
});
