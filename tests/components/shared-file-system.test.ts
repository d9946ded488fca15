import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { SharedFileSystem, SharedFileSystemArgs } from "../../components/storage/shared-file-system";
import { isWildcardAction } from "../../components/security/policy-document";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const FS = "aws:efs/fileSystem:FileSystem";
const MT = "aws:efs/mountTarget:MountTarget";
const AP = "aws:efs/accessPoint:AccessPoint";
const POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const WEB_ROLE = "arn:aws:iam::123456789012:role/web";

const uploads = { name: "uploads", path: "/web/uploads", posixUser: { uid: 1000, gid: 1000 } };

describe("SharedFileSystem", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<SharedFileSystemArgs> = {}, env: "dev" | "prod" = "dev") {
    const fs = new SharedFileSystem(name, {
      context: testContext(env),
      kmsKey: KEY_ARN,
      vpcId: "vpc-1",
      subnetIds: env === "prod" ? ["subnet-a", "subnet-b", "subnet-c"] : ["subnet-a", "subnet-b"],
      accessPoints: [uploads],
      ...args,
    });
    await mocks.settle();
    return fs;
  }

  describe("secure defaults", () => {
    it("creates the file system, SG, a mount target per subnet, access points, policy and backups", async () => {
      await build("shared");
      const component = mocks.one("blueprints:storage:SharedFileSystem", "shared");
      const children = mocks.descendantsOf(component.urn).map((r) => `${r.type} ${r.name}`);
      expect(children).to.have.members([
        `${FS} shared`,
        `${SG} shared-nfs`,
        `${MT} shared-mt-0`,
        `${MT} shared-mt-1`,
        `${AP} shared-ap-uploads`,
        `${POLICY} shared-policy`,
        "aws:efs/backupPolicy:BackupPolicy shared-backup",
      ]);
    });

    it("encrypts with the KMS key, general purpose, elastic throughput, IA after 30 days", async () => {
      await build("shared");
      const fs = mocks.one(FS).inputs;
      expect(fs).to.deep.include({ encrypted: true, kmsKeyId: KEY_ARN, performanceMode: "generalPurpose", throughputMode: "elastic", creationToken: "test-dev-shared" });
      expect(fs.lifecyclePolicies).to.deep.equal([{ transitionToIa: "AFTER_30_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }]);
      expect(fs.tags).to.include.keys(...RequiredTagKeys);
    });

    it("puts mount targets in the given subnets behind the component's security group", async () => {
      const efs = await build("shared");
      const sgId = await promiseOf(efs.securityGroupId);
      const mts = mocks.ofType(MT).map((m) => m.inputs);
      expect(mts.map((m) => m.subnetId)).to.deep.equal(["subnet-a", "subnet-b"]);
      for (const m of mts) expect(m.securityGroups).to.deep.equal([sgId]);
    });

    it("the security group has no rules of its own: NFS only from the groups callers name", async () => {
      const efs = await build("shared", { allowFrom: { web: "sg-web" } });
      const sg = mocks.one(SG).inputs;
      expect(sg.ingress).to.equal(undefined);
      expect(sg.egress).to.equal(undefined);
      efs.allowFrom("jobs", "sg-jobs");
      await mocks.settle();
      const rules = mocks.ofType(INGRESS).map((r) => r.inputs);
      expect(rules).to.have.length(2);
      for (const r of rules) expect(r).to.deep.include({ ipProtocol: "tcp", fromPort: 2049, toPort: 2049, securityGroupId: await promiseOf(efs.securityGroupId) });
      expect(rules.map((r) => r.referencedSecurityGroupId)).to.have.members(["sg-web", "sg-jobs"]);
      expect(rules.some((r) => "cidrIpv4" in r)).to.equal(false);
    });

    it("access points enforce a POSIX user and a root directory created with it", async () => {
      await build("shared");
      const ap = mocks.one(AP).inputs;
      expect(ap.posixUser).to.deep.equal({ uid: 1000, gid: 1000 });
      expect(ap.rootDirectory).to.deep.equal({ path: "/web/uploads", creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "750" } });
    });

    it("the file system policy denies non-TLS access and mounts that bypass access points, and allows no one", async () => {
      const efs = await build("shared");
      const arn = await promiseOf(efs.fileSystemArn);
      const policy = mocks.one(POLICY).inputs.policy;
      expect(statement(policy, "DenyInsecureTransport")).to.deep.include({ Effect: "Deny", Principal: "*", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } });
      expect(statement(policy, "DenyMountWithoutAccessPoint")).to.deep.include({ Effect: "Deny", Condition: { Null: { "elasticfilesystem:AccessPointArn": "true" } } });
      expect(statementsOf(policy).filter((s) => s.Effect === "Allow")).to.deep.equal([]);
      for (const s of statementsOf(policy)) for (const a of [s.Action].flat()) expect(isWildcardAction(a), a).to.equal(false);
    });

    it("named client roles may mount only through their access point, over a mount target", async () => {
      const efs = await build("shared", { accessPoints: [{ ...uploads, clientRoleArns: [WEB_ROLE] }, { name: "reports", path: "/reports", posixUser: { uid: 2000, gid: 2000 }, clientRoleArns: [WEB_ROLE], readOnly: true }] });
      const arns = await promiseOf(efs.accessPointArns);
      const policy = mocks.one(POLICY).inputs.policy;
      expect(statement(policy, "MountUploads")).to.deep.include({
        Effect: "Allow",
        Principal: { AWS: [WEB_ROLE] },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" }, StringEquals: { "elasticfilesystem:AccessPointArn": arns.uploads } },
      });
      expect(statement(policy, "MountReports").Action).to.deep.equal(["elasticfilesystem:ClientMount"]);
    });

    it("turns EFS automatic backups on", async () => {
      await build("shared");
      expect(mocks.one("aws:efs/backupPolicy:BackupPolicy").inputs.backupPolicy).to.deep.equal({ status: "ENABLED" });
    });

    it("outputs ids, ARNs and the DNS name", async () => {
      const efs = await build("shared");
      const id = await promiseOf(efs.fileSystemId);
      expect(id).to.match(/^fs-/);
      expect(await promiseOf(efs.dnsName)).to.equal(`${id}.efs.us-east-1.amazonaws.com`);
      expect(Object.keys(await promiseOf(efs.accessPointIds))).to.deep.equal(["uploads"]);
    });
  });

  describe("dev and prod", () => {
    it("dev: two mount targets, not protected", async () => {
      await build("shared", {}, "dev");
      expect(mocks.ofType(MT)).to.have.length(2);
      expect(mocks.one(FS).protect).to.equal(false);
    });

    it("prod: a mount target per AZ (3), file system protected and retained on delete", async () => {
      await build("shared", {}, "prod");
      expect(mocks.ofType(MT)).to.have.length(3);
      const fs = mocks.one(FS);
      expect(fs.protect).to.equal(true);
      expect(fs.retainOnDelete).to.equal(true);
    });

    it("an Output list of subnets takes its count from the profile (awsx privateSubnetIds)", async () => {
      await build("shared", { subnetIds: pulumi.output(["subnet-x", "subnet-y", "subnet-z"]) }, "prod");
      expect(mocks.ofType(MT).map((m) => m.inputs.subnetId)).to.deep.equal(["subnet-x", "subnet-y", "subnet-z"]);
    });
  });

  describe("grants", () => {
    it("grantMount: mount and write through one access point, over a mount target; never root", async () => {
      const efs = await build("shared");
      efs.grantMount(new aws.iam.Role("web", { assumeRolePolicy: "{}" }), "uploads");
      await mocks.settle();
      const s = statement(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy, "MountThroughAccessPoint");
      const arns = await promiseOf(efs.accessPointArns);
      expect(s).to.deep.include({
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: await promiseOf(efs.fileSystemArn),
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" }, StringEquals: { "elasticfilesystem:AccessPointArn": [arns.uploads] } },
      });
    });

    it("grantMount read-only: mount without write", async () => {
      const efs = await build("shared");
      efs.grantMount(new aws.iam.Role("reader", { assumeRolePolicy: "{}" }), undefined, { readOnly: true });
      await mocks.settle();
      expect(statement(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy, "MountThroughAccessPoint").Action).to.deep.equal(["elasticfilesystem:ClientMount"]);
    });

    it("grantMount refuses an unknown access point; allowFrom refuses a name twice", async () => {
      const efs = await build("shared", { allowFrom: { web: "sg-web" } });
      expect(() => efs.grantMount(new aws.iam.Role("x", { assumeRolePolicy: "{}" }), "nope")).to.throw(/no access point "nope"; known: uploads/);
      expect(() => efs.allowFrom("web", "sg-other")).to.throw(/name "web" is already allowed/);
    });
  });

  describe("dangerous arguments throw", () => {
    const base = { context: testContext("dev"), kmsKey: KEY_ARN, vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] };
    it("requires an access point", () => {
      expect(() => new SharedFileSystem("none", { ...base, accessPoints: [] })).to.throw(/accessPoints is empty/);
    });

    it("refuses the file system root and the root user as access-point identity (EFS.3, EFS.4)", () => {
      expect(() => new SharedFileSystem("root", { ...base, accessPoints: [{ name: "all", path: "/", posixUser: { uid: 0, gid: 0 } }] })).to.throw(
        /path "\/" must be an absolute directory other than \/ \(EFS\.3\)[\s\S]*posixUser\.uid 0 is root/,
      );
    });

    it("refuses turning backups off in prod", () => {
      expect(() => new SharedFileSystem("nobackup", { ...base, context: testContext("prod"), accessPoints: [uploads], backups: false })).to.throw(/backups: false is not allowed in prod/);
    });

    it("refuses a single mount-target subnet in prod, and a subnetCount that contradicts the list", () => {
      expect(() => new SharedFileSystem("single", { ...base, context: testContext("prod"), subnetIds: ["subnet-a"], accessPoints: [uploads] })).to.throw(/1 mount target subnet/);
      expect(() => new SharedFileSystem("count", { ...base, subnetCount: 3, accessPoints: [uploads] })).to.throw(/subnetCount = 3 but subnetIds lists 2 subnets/);
    });
  });
});
