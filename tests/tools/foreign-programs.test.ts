/**
 * The offline plan on programs written the way people write them, not with our components
 * (tests/fixtures/programs/): it never hangs, fails like the CLI would, and runs ES-module
 * TypeScript the way the CLI does.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ssmParameterValue } from "../../tools/plan/aws-mocks";
import { checkInputs, suggestion } from "../../tools/plan/input-check";
import { projectNameProblem } from "../../tools/plan/project";
import { ofType, runPlan } from "../helpers/plan";

const fixture = (name: string) => `tests/fixtures/programs/${name}`;

describe("the offline plan on programs we did not write", function () {
  // Generous: a hang would otherwise block the suite. The plan's own limit is what is tested.
  this.timeout(90_000);

  it("an input promise that rejects ends the stack with exit 2 and the program's error (it used to hang)", () => {
    const r = runPlan(fixture("rejected-input"), "dev", ["--timeout", "60"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(2);
    expect(r.json!.status).to.equal("error");
    expect(r.json!.error).to.include("parameter /site/bucket-name must start with 'site-'");
    expect(r.json!.error, "ended by the error, not by the time limit").to.not.include("did not finish");
  });

  it("a program that never finishes ends at the per-stack time limit with a clear message", () => {
    const r = runPlan(fixture("never-finishes"), "dev", ["--timeout", "3"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(2);
    expect(r.json!.error).to.match(/^the program did not finish within 3 s \(--timeout 3\): \d+ resources registered \(last: aws:s3\/bucket:Bucket 'logs'\)/);
  });

  it("--timeout takes a positive number of seconds", () => {
    const r = runPlan(fixture("never-finishes"), "dev", ["--timeout", "soon"]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include("--timeout takes a number of seconds greater than 0, got 'soon'");
  });

  it('an ES-module TypeScript program ("type": "module", nodenext, ./x.js imports of ./x.ts, top-level await) plans', () => {
    const r = runPlan(fixture("esm-site"), "dev", ["--no-policy"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
    expect(r.json!.status).to.equal("ok");
    expect(ofType(r.json!, "aws:s3/bucket:Bucket").map((b) => b.name)).to.deep.equal(["site"]);
    expect(ofType(r.json!, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")).to.have.length(1);
    expect(r.json!.outputs.note).to.equal("top-level await works in an ES module");
    expect(r.json!.outputs.bucketArn).to.match(/^arn:aws:s3:::site-/);
  });

  it("a resource object given where an id is expected answers with its id (no [object Object] URLs); public AMI parameters answer by their real shapes", () => {
    const r = runPlan(fixture("api-and-ecs"), "dev", ["--no-policy"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
    const api = ofType(r.json!, "aws:apigateway/restApi:RestApi")[0]!;
    const stage = ofType(r.json!, "aws:apigateway/stage:Stage")[0]!;
    expect(stage.inputs.restApi).to.be.a("string").and.not.include("object");
    expect(r.json!.outputs.url).to.match(/^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com\/prod$/);
    expect(r.json!.outputs.url).to.not.include("[object");
    expect(api.inputs.description).to.equal("orders");
    expect(r.json!.outputs.ecsAmi).to.match(/^ami-[0-9a-f]{17}$/);
    expect(r.json!.outputs.al2023Ami).to.match(/^ami-[0-9a-f]{17}$/);
    expect(r.json!.outputs.setting, "a parameter of the program's own is not an AMI").to.match(/^mock-/);
  });

  it("a project name the CLI rejects (a template's unreplaced ${PROJECT}) is an error naming the rule", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "badname-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ${PROJECT}\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
    fs.writeFileSync(path.join(dir, "index.ts"), "export const x = 1;\n");
    const r = runPlan(dir, "dev");
    expect(r.exitCode).to.equal(2);
    expect(r.stdout + r.stderr).to.include("project name '${PROJECT}' is invalid: a project name may only contain alphanumerics, hyphens, underscores and periods");
    expect(projectNameProblem("aws-blueprints.v2_x")).to.equal(undefined);
    expect(projectNameProblem("x".repeat(101))).to.include("100 characters");
  });
});

describe("awsx components: their children judged, the rest listed as unevaluated", function () {
  this.timeout(90_000);
  let plan: NonNullable<ReturnType<typeof runPlan>["json"]>;
  let stdout: string;
  before(() => {
    const r = runPlan(fixture("awsx-fargate"), "dev");
    expect(r.exitCode, r.stdout + r.stderr).to.be.oneOf([0, 1]);
    plan = r.json!;
    stdout = r.stdout;
  });

  it("creates the children awsx's provider would: VPC, subnets by spec and AZ, one NAT gateway for Single, the ALB's pieces, the Fargate task and service, the ECR lifecycle policy", () => {
    const under = (component: string, type: string) => plan.resources.filter((r) => r.type === type && r.parent?.endsWith(`::${component}`));
    expect(under("vpc", "aws:ec2/vpc:Vpc")).to.have.length(1);
    expect(under("vpc", "aws:ec2/subnet:Subnet").map((s) => [s.name, s.inputs.mapPublicIpOnLaunch])).to.deep.equal([
      ["vpc-public-1", true],
      ["vpc-public-2", true],
      ["vpc-private-1", false],
      ["vpc-private-2", false],
    ]);
    expect(under("vpc", "aws:ec2/natGateway:NatGateway")).to.have.length(1);
    expect(under("vpc", "aws:ec2/internetGateway:InternetGateway")).to.have.length(1);
    expect(under("lb", "aws:lb/loadBalancer:LoadBalancer")[0]!.inputs.loadBalancerType).to.equal("application");
    expect(under("lb", "aws:ec2/securityGroup:SecurityGroup")[0]!.inputs.ingress[0].cidrBlocks).to.deep.equal(["0.0.0.0/0"]);
    expect(under("lb", "aws:lb/listener:Listener")[0]!.inputs).to.include({ port: 80, protocol: "HTTP" });
    const td = under("service", "aws:ecs/taskDefinition:TaskDefinition")[0]!;
    expect(td.inputs).to.deep.include({ networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"] });
    expect(JSON.parse(td.inputs.containerDefinitions)[0].image).to.equal("nginx:latest");
    expect(under("service", "aws:ecs/service:Service")[0]!.inputs.networkConfiguration.assignPublicIp).to.equal(true);
    expect(under("app", "aws:ecr/lifecyclePolicy:LifecyclePolicy")).to.have.length(1);
    const attachment = plan.resources.find((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name === "service-execution-0")!;
    expect(attachment.inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
  });

  it("the pack judges them: awsx's default security groups are open to the world (a mandatory finding, as in a real preview)", () => {
    const mandatory = plan.violations.filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.map((v) => `${v.policy} ${v.urn!.split("::").pop()}`).sort()).to.deep.equal(["ec2-security-group-high-risk-ports lb", "ec2-security-group-high-risk-ports service-sg"]);
  });

  it("outputs read like AWS's, not http://undefined", () => {
    expect(plan.outputs.url).to.match(/^http:\/\/lb-[0-9a-z-]+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(plan.outputs.repositoryUrl).to.match(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/app/);
  });

  it("a component it does not model is listed as unevaluated, and the verdict is partial, never ok", () => {
    expect(plan.status).to.equal("partial");
    expect((plan as unknown as { unevaluated: { type: string; urn: string; reason: string }[] }).unevaluated).to.deep.equal([
      {
        urn: "urn:pulumi:dev::awsx-fargate::pulumi:pulumi:Stack$awsx:lb:NetworkLoadBalancer::nlb",
        type: "awsx:lb:NetworkLoadBalancer",
        reason: "a component its provider builds (awsx), which the offline plan does not model: its resources are not evaluated",
      },
    ]);
    expect(stdout).to.include("Not evaluated (1): the verdict is partial");
  });
});

describe("inputs checked against @pulumi/aws 7", function () {
  this.timeout(90_000);

  it("a v6-era program is rejected with each resource, property and its replacement named", () => {
    const r = runPlan(fixture("v6-era"), "dev");
    expect(r.exitCode, r.stdout + r.stderr).to.equal(2);
    const lines = r.json!.error!.split("\n");
    expect(lines).to.include.members([
      "aws:rds/instance:Instance 'orders': @pulumi/aws 7.48.0 has no input 'name'; use 'dbName' (a type-checked program fails on it; without type-checking @pulumi/aws drops it silently)",
      "aws:elasticache/replicationGroup:ReplicationGroup 'sessions': @pulumi/aws 7.48.0 has no input 'numberCacheClusters'; use 'numCacheClusters' (a type-checked program fails on it; without type-checking @pulumi/aws drops it silently)",
    ]);
    expect(lines.filter((l) => l.includes("has no input"))).to.have.length(2);
  });

  it("suggests a documented rename, a plural or singular form, or a near spelling, and nothing when none is near", () => {
    expect(suggestion("aws:ec2/instance:Instance", "cpuCoreCount", ["cpuOptions"])).to.equal("cpuOptions.coreCount");
    expect(suggestion("aws:s3/bucket:Bucket", "tag", ["tags", "bucket"])).to.equal("tags");
    expect(suggestion("aws:s3/bucket:Bucket", "versionings", ["versioning"])).to.equal("versioning");
    expect(suggestion("aws:s3/bucket:Bucket", "forceDestory", ["forceDestroy", "bucket"])).to.equal("forceDestroy");
    expect(suggestion("aws:s3/bucket:Bucket", "replicaRegion", ["forceDestroy", "bucket"])).to.equal(undefined);
  });

  it("accepts every input the type takes (alias tokens included) and ignores types it does not know", () => {
    expect(checkInputs({ urn: "u", type: "aws:s3/bucket:Bucket", name: "b", inputs: { bucket: "x", forceDestroy: true, tags: {} } })).to.deep.equal([]);
    expect(checkInputs({ urn: "u", type: "aws:applicationloadbalancing/targetGroup:TargetGroup", name: "tg", inputs: { port: 80, protocol: "HTTP" } })).to.deep.equal([]);
    expect(checkInputs({ urn: "u", type: "aws:applicationloadbalancing/targetGroup:TargetGroup", name: "tg", inputs: { prot: "HTTP" } })).to.have.length(1);
    expect(checkInputs({ urn: "u", type: "example:index/thing:Thing", name: "t", inputs: { anything: 1 } })).to.deep.equal([]);
  });
});

describe("the offline plan's mocks answer like AWS", () => {
  // Shapes from the AWS documentation: "Retrieving Amazon ECS-optimized Linux AMI metadata" (the
  // .../recommended parameter is a JSON document with image_id, image_name, os, schema_version,
  // ecs_agent_version, ecs_runtime_version; .../recommended/image_id is the id alone) and "Query for
  // the latest Amazon Linux AMI IDs using AWS Systems Manager Parameter Store" (an AMI id, data
  // type aws:ec2:image).
  it("the ECS-optimised recommended parameter is the JSON document, its image_id sub-parameter the id", () => {
    const doc = ssmParameterValue("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended", "s");
    const parsed = JSON.parse(doc.value);
    expect(Object.keys(parsed).sort()).to.deep.equal(["ecs_agent_version", "ecs_runtime_version", "image_id", "image_name", "os", "schema_version"]);
    expect(parsed.image_id).to.match(/^ami-[0-9a-f]{17}$/);
    expect(ssmParameterValue("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", "s").value).to.match(/^ami-[0-9a-f]{17}$/);
  });

  it("AMI alias parameters are AMI ids of data type aws:ec2:image; other parameters are plain strings", () => {
    for (const name of [
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base",
      "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
      "/aws/service/bottlerocket/aws-ecs-2/x86_64/latest/image_id",
    ]) {
      const v = ssmParameterValue(name, name);
      expect(v.value, name).to.match(/^ami-[0-9a-f]{17}$/);
      expect(v.dataType, name).to.equal("aws:ec2:image");
    }
    for (const name of ["/app/dynamic-config", "/team/amigo/feature-flags"]) {
      const v = ssmParameterValue(name, name);
      expect(v.value, name).to.match(/^mock-/);
      expect(v.dataType, name).to.equal(undefined);
    }
  });
});
