import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mockAwsInvoke, mockAwsResource, mockAwsxComponent } from "../../tools/plan/aws-mocks";
import { loadStackConfig, readProject, secureStandIn } from "../../tools/plan/project";

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), "projects-"));
after(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tempRoot, "proj-"));
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

describe("offline plan: reading a project as the CLI does", () => {
  it("merges project defaults, typed declarations and the stack file; stands in for secure values", () => {
    const dir = tempProject({
      "Pulumi.yaml": "name: app\nruntime: nodejs\nmain: index.js\nconfig:\n  size: small\n  app:replicas:\n    type: integer\n    default: 2\n  app:tags:\n    value:\n      team: a\n",
      "Pulumi.dev.yaml": "config:\n  app:replicas: 3\n  app:db:\n    host: h\n    password:\n      secure: v1:abc\n  aws:region: eu-west-1\n",
      "index.js": "",
    });
    const cfg = loadStackConfig(readProject(dir), "dev");
    expect(cfg.config).to.deep.equal({
      "app:size": "small",
      "app:replicas": "3",
      "app:tags": '{"team":"a"}',
      "app:db": JSON.stringify({ host: "h", password: secureStandIn("app:db") }),
      "aws:region": "eu-west-1",
    });
    expect(cfg.secretKeys).to.deep.equal(["app:db"]);
    expect(cfg.stoodIn).to.deep.equal(["app:db"]);
  });

  it("rejects a value of the wrong declared type and a missing declared key, like the CLI", () => {
    const dir = tempProject({
      "Pulumi.yaml": "name: app\nruntime: nodejs\nconfig:\n  app:replicas:\n    type: integer\n  app:name:\n    type: string\n",
      "Pulumi.dev.yaml": "config:\n  app:replicas: many\n",
      "index.ts": "",
    });
    expect(() => loadStackConfig(readProject(dir), "dev")).to.throw(/app:replicas: declared as integer in Pulumi.yaml, got "many"[\s\S]*app:name: missing/);
  });

  it("finds the entry point: main file, main directory, package.json main, index.ts", () => {
    const a = tempProject({ "Pulumi.yaml": "name: a\nruntime: nodejs\n", "index.ts": "" });
    expect(readProject(a).main).to.equal(path.join(a, "index.ts"));
    const b = tempProject({ "Pulumi.yaml": "name: b\nruntime: nodejs\n", "package.json": '{"main":"prog.js"}', "prog.js": "" });
    expect(readProject(b).main).to.equal(path.join(b, "prog.js"));
    const c = tempProject({ "Pulumi.yaml": "name: c\nruntime: nodejs\nmain: nothing.ts\n" });
    expect(() => readProject(c)).to.throw(/no program entry point/);
    const d = tempProject({ "Pulumi.yaml": "name: d\nruntime: python\n" });
    expect(() => readProject(d)).to.throw(/runtime 'python' is not supported offline/);
  });

  it("lists stacks from Pulumi.<stack>.yaml files", () => {
    const dir = tempProject({ "Pulumi.yaml": "name: s\nruntime: nodejs\n", "index.ts": "", "Pulumi.prod.yaml": "", "Pulumi.dev.yaml": "" });
    expect(readProject(dir).stacks).to.deep.equal(["dev", "prod"]);
  });
});

describe("offline plan: AWS-shaped mock answers", () => {
  const ctx = { account: "123456789012", region: "sa-east-1", partition: "aws" };
  const cases: [string, Record<string, unknown>, RegExp, RegExp][] = [
    ["aws:ec2/vpc:Vpc", {}, /^vpc-[0-9a-f]{17}$/, /^arn:aws:ec2:sa-east-1:123456789012:vpc\/vpc-/],
    ["aws:ec2/securityGroup:SecurityGroup", {}, /^sg-[0-9a-f]{17}$/, /^arn:aws:ec2:sa-east-1:123456789012:security-group\/sg-/],
    ["aws:kms/key:Key", {}, /^[0-9a-f]{8}-[0-9a-f]{4}-4/, /^arn:aws:kms:sa-east-1:123456789012:key\//],
    ["aws:iam/role:Role", { name: "app" }, /^app$/, /^arn:aws:iam::123456789012:role\/app$/],
    ["aws:lambda/function:Function", {}, /^fn-[0-9a-f]{7}$/, /^arn:aws:lambda:sa-east-1:123456789012:function:fn-/],
    ["aws:sqs/queue:Queue", {}, /^https:\/\/sqs\.sa-east-1\.amazonaws\.com\/123456789012\//, /^arn:aws:sqs:sa-east-1:/],
    ["aws:cloudfront/distribution:Distribution", {}, /^E[A-Z0-9]{13}$/, /^arn:aws:cloudfront::123456789012:distribution\/E/],
    ["aws:rds/cluster:Cluster", { clusterIdentifier: "orders" }, /^orders$/, /^arn:aws:rds:sa-east-1:123456789012:cluster:orders$/],
    ["aws:wafv2/webAcl:WebAcl", { scope: "CLOUDFRONT" }, /^[0-9a-f-]{36}$/, /^arn:aws:wafv2:us-east-1:123456789012:global\/webacl\//],
    ["aws:efs/fileSystem:FileSystem", {}, /^fs-[0-9a-f]{17}$/, /^arn:aws:elasticfilesystem:sa-east-1:/],
    ["aws:sns/topic:Topic", {}, /^arn:aws:sns:sa-east-1:123456789012:fn-/, /^arn:aws:sns:/],
  ];
  for (const [type, inputs, id, arn] of cases) {
    it(`${type}: id and ARN in the service's format`, () => {
      const r = mockAwsResource(type, "fn", inputs, ctx);
      expect(r.id).to.match(id);
      expect(r.state.arn).to.match(arn);
    });
  }

  it("is deterministic and keeps inputs", () => {
    const a = mockAwsResource("aws:s3/bucket:Bucket", "media", { tags: { a: "b" } }, ctx);
    expect(a).to.deep.equal(mockAwsResource("aws:s3/bucket:Bucket", "media", { tags: { a: "b" } }, ctx));
    expect(a.state).to.deep.include({ bucket: a.id, bucketRegionalDomainName: `${a.id}.s3.sa-east-1.amazonaws.com`, tags: { a: "b" } });
  });

  it("gives unknown AWS types a generic id and ARN", () => {
    const r = mockAwsResource("aws:newservice/widget:Widget", "w", {}, ctx);
    expect(r.state.arn).to.match(/^arn:aws:newservice:sa-east-1:123456789012:widget\/w-[0-9a-f]{7}$/);
  });

  it("shapes awsx VPC outputs from its inputs", () => {
    const r = mockAwsxComponent("awsx:ec2:Vpc", "net", { numberOfAvailabilityZones: 2, subnetSpecs: [{ type: "Public" }, { type: "Private" }, { type: "Isolated" }] }, ctx)!;
    expect(r.state.vpcId).to.match(/^vpc-/);
    expect(r.state.publicSubnetIds).to.have.length(2);
    expect(r.state.isolatedSubnetIds).to.have.length(2);
  });

  it("answers common invokes, and builds getPolicyDocument JSON", () => {
    expect(mockAwsInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, ctx)!.accountId).to.equal("123456789012");
    expect(mockAwsInvoke("aws:index/getRegion:getRegion", {}, ctx)).to.deep.include({ name: "sa-east-1", region: "sa-east-1" });
    expect(mockAwsInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}, ctx)!.names).to.deep.equal(["sa-east-1a", "sa-east-1b", "sa-east-1c"]);
    const doc = JSON.parse(
      mockAwsInvoke("aws:iam/getPolicyDocument:getPolicyDocument", { statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"], principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }], conditions: [{ test: "StringEquals", variable: "AWS:SourceArn", values: ["x"] }] }] }, ctx)!.json,
    );
    expect(doc.Statement[0]).to.deep.equal({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Principal: { Service: "cloudfront.amazonaws.com" }, Condition: { StringEquals: { "AWS:SourceArn": "x" } } });
    expect(mockAwsInvoke("aws:unknown/thing:getThing", {}, ctx)).to.equal(undefined);
  });
});
