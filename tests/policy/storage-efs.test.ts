import * as efs from "../../policy-packs/aws-compliance/policies/storage-efs";
import type { PlannedResource } from "../../tools/policy/harness";
import { res, UNKNOWN } from "../helpers/policy";
import { expectFail, expectPass, expectUnknown } from "./storage-helpers";

const FS = "aws:efs/fileSystem:FileSystem";
const AP = "aws:efs/accessPoint:AccessPoint";
const MT = "aws:efs/mountTarget:MountTarget";
const FSP = "aws:efs/fileSystemPolicy:FileSystemPolicy";
const BP = "aws:efs/backupPolicy:BackupPolicy";
const SEL = "aws:backup/selection:Selection";
const SUBNET = "aws:ec2/subnet:Subnet";

function onFs(type: string, inputs: Record<string, unknown>, fs: PlannedResource, name?: string): PlannedResource {
  return res(type, { fileSystemId: UNKNOWN, ...inputs }, { deps: { fileSystemId: [fs] }, ...(name ? { name } : {}) });
}

describe("policy efs-encrypted-at-rest (EFS.8)", () => {
  it("passes an encrypted file system", () => expectPass(efs.efsEncryptedAtRest, res(FS, { encrypted: true })));
  it("fails the unencrypted default", () =>
    expectFail(efs.efsEncryptedAtRest, res(FS, {}, { name: "shared" }), [`[EFS.8] shared (${FS}): the file system is not encrypted at rest. Fix: set \`encrypted: true\``]));
  it("cannot run during preview when encrypted is unknown", () => expectUnknown(efs.efsEncryptedAtRest, res(FS, { encrypted: UNKNOWN })));
});

describe("policy efs-encrypted-with-kms-key (EFS.1)", () => {
  it("passes a customer managed key (an aws.kms.Key's output, unknown at preview)", () => {
    const key = res("aws:kms/key:Key", {}, { name: "fs-key" });
    return expectPass(efs.efsEncryptedWithKms, [key, res(FS, { encrypted: true, kmsKeyId: UNKNOWN }, { deps: { kmsKeyId: [key] } })]);
  });
  it("cannot decide a key unknown at preview that comes from no key", () => expectUnknown(efs.efsEncryptedWithKms, res(FS, { encrypted: true, kmsKeyId: UNKNOWN })));
  it("passes a literal key arn", () => expectPass(efs.efsEncryptedWithKms, res(FS, { encrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/abc" })));
  it("fails unencrypted, and encrypted with the AWS managed key", async () => {
    await expectFail(efs.efsEncryptedWithKms, res(FS, {}, { name: "shared" }), ["[EFS.1] shared", "file data is not encrypted with AWS KMS", "`kmsKeyId`"]);
    await expectFail(efs.efsEncryptedWithKms, res(FS, { encrypted: true }, { name: "shared" }), ["[EFS.1] shared", "no `kmsKeyId`: the AWS managed aws/elasticfilesystem key is used"]);
    await expectFail(efs.efsEncryptedWithKms, res(FS, { encrypted: true, kmsKeyId: "alias/aws/elasticfilesystem" }), ["is an AWS managed key"]);
  });
  it("accepts the AWS managed key when requireKmsKeyId is false", () => expectPass(efs.efsEncryptedWithKms, res(FS, { encrypted: true }), { requireKmsKeyId: false }));
  it("cannot run during preview when encrypted is unknown", () => expectUnknown(efs.efsEncryptedWithKms, res(FS, { encrypted: UNKNOWN })));
});

describe("policy efs-in-backup-plan (EFS.2)", () => {
  it("passes a file system listed in a backup selection (by dependency)", async () => {
    const fs = res(FS, { encrypted: true });
    const sel = res(SEL, { planId: UNKNOWN, iamRoleArn: UNKNOWN, resources: [UNKNOWN] }, { deps: { resources: [fs] } });
    await expectPass(efs.efsInBackupPlan, [fs, sel]);
  });
  it("passes wildcard ARNs and tag selections", async () => {
    const fs = res(FS, { tags: { backup: "daily" } });
    await expectPass(efs.efsInBackupPlan, [fs, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:elasticfilesystem:*:*:file-system/*"] })]);
    await expectPass(efs.efsInBackupPlan, [fs, res(SEL, { planId: "p", iamRoleArn: "r", selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] })]);
    await expectPass(efs.efsInBackupPlan, [fs, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["*"], conditions: [{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "daily" }] }] })]);
  });
  it("passes automatic backups unless configured otherwise", async () => {
    const fs = res(FS, {}, { name: "shared" });
    const bp = onFs(BP, { backupPolicy: { status: "ENABLED" } }, fs);
    await expectPass(efs.efsInBackupPlan, [fs, bp]);
    await expectFail(efs.efsInBackupPlan, [fs, bp], ["[EFS.2] shared"], { acceptAutomaticBackups: false });
  });
  it("fails an uncovered file system, and one excluded or not matching", async () => {
    const fs = res(FS, { tags: { backup: "none" } }, { name: "shared" });
    await expectFail(efs.efsInBackupPlan, [fs], [`[EFS.2] shared (${FS}): no AWS Backup selection covers the file system`, "aws.backup.Selection `resources`"]);
    await expectFail(efs.efsInBackupPlan, [fs, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:dynamodb:*:*:table/*"] })], ["[EFS.2] shared"]);
    await expectFail(efs.efsInBackupPlan, [fs, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["*"], notResources: [UNKNOWN] }, { deps: { notResources: [fs] } })], ["[EFS.2] shared"]);
    await expectFail(efs.efsInBackupPlan, [fs, res(SEL, { planId: "p", iamRoleArn: "r", selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] })], ["[EFS.2] shared"]);
  });
  it("cannot decide a selection whose resources, or an automatic backup status, are unknown at preview", async () => {
    await expectUnknown(efs.efsInBackupPlan, [res(FS, {}), res(SEL, { planId: "p", iamRoleArn: "r", resources: UNKNOWN })]);
    const fs = res(FS, {});
    await expectUnknown(efs.efsInBackupPlan, [fs, onFs(BP, { backupPolicy: { status: UNKNOWN } }, fs)]);
  });
});

describe("policy efs-automatic-backups (EFS.7)", () => {
  it("passes an ENABLED backup policy", async () => {
    const fs = res(FS, {});
    await expectPass(efs.efsAutomaticBackups, [fs, onFs(BP, { backupPolicy: { status: "ENABLED" } }, fs)]);
  });
  it("fails a missing or DISABLED backup policy", async () => {
    await expectFail(efs.efsAutomaticBackups, [res(FS, {}, { name: "shared" })], [`[EFS.7] shared (${FS}): automatic backups are off (no aws.efs.BackupPolicy)`, "`backupPolicy.status: \"ENABLED\"`"]);
    const fs = res(FS, {}, { name: "shared" });
    await expectFail(efs.efsAutomaticBackups, [fs, onFs(BP, { backupPolicy: { status: "DISABLED" } }, fs)], ["automatic backups are DISABLED"]);
  });
  it("cannot decide a status unknown at preview", async () => {
    const fs = res(FS, {});
    await expectUnknown(efs.efsAutomaticBackups, [fs, onFs(BP, { backupPolicy: { status: UNKNOWN } }, fs)]);
  });
});

describe("policies efs-access-point-root-directory (EFS.3) / efs-access-point-user-identity (EFS.4)", () => {
  const good = { fileSystemId: "fs-1", rootDirectory: { path: "/app", creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "750" } }, posixUser: { uid: 1000, gid: 1000 } };
  it("passes an access point with a root directory and a user", async () => {
    await expectPass(efs.efsAccessPointRootDirectory, res(AP, good));
    await expectPass(efs.efsAccessPointUserIdentity, res(AP, good));
  });
  it("fails a missing or / root directory", async () => {
    await expectFail(efs.efsAccessPointRootDirectory, res(AP, { fileSystemId: "fs-1" }, { name: "ap" }), [`[EFS.3] ap (${AP}): the access point's root directory is not set (the file system root)`, "`rootDirectory.path`"]);
    await expectFail(efs.efsAccessPointRootDirectory, res(AP, { ...good, rootDirectory: { path: "/" } }, { name: "ap" }), ["root directory is / (the file system root)"]);
  });
  it("fails a missing user, and root unless allowed", async () => {
    await expectFail(efs.efsAccessPointUserIdentity, res(AP, { fileSystemId: "fs-1" }, { name: "ap" }), [`[EFS.4] ap (${AP}): no POSIX user identity is enforced`, "`posixUser: { uid, gid }`"]);
    const root = res(AP, { ...good, posixUser: { uid: 0, gid: 0 } }, { name: "ap" });
    await expectFail(efs.efsAccessPointUserIdentity, root, ["the enforced POSIX identity is root (uid 0)"]);
    await expectPass(efs.efsAccessPointUserIdentity, root, { allowRootUser: true });
  });
  it("cannot run during preview on unknown values", async () => {
    await expectUnknown(efs.efsAccessPointRootDirectory, res(AP, { ...good, rootDirectory: { path: UNKNOWN } }));
    await expectUnknown(efs.efsAccessPointUserIdentity, res(AP, { ...good, posixUser: UNKNOWN }));
  });
});

describe("policy efs-mount-target-private-subnet (EFS.6)", () => {
  const mt = (subnets: PlannedResource[], name = "mt") => res(MT, { fileSystemId: "fs-1", subnetId: UNKNOWN }, { name, deps: { subnetId: subnets } });
  it("passes a mount target in a private subnet", async () => {
    const s = res(SUBNET, { vpcId: "v", cidrBlock: "10.0.1.0/24" });
    await expectPass(efs.efsMountTargetPrivateSubnet, [s, mt([s])]);
  });
  it("fails one in a subnet that maps public IPs", async () => {
    const s = res(SUBNET, { vpcId: "v", mapPublicIpOnLaunch: true }, { name: "public-a" });
    await expectFail(efs.efsMountTargetPrivateSubnet, [s, mt([s], "data-a")], [`[EFS.6] data-a (${MT}): its subnet public-a sets \`mapPublicIpOnLaunch: true\``, "Fix: set `subnetId` to a private subnet"]);
  });
  it("follows a subnet id that comes from a component (awsx Vpc) when all its subnets are private", async () => {
    const vpc = res("awsx:ec2:Vpc", {}, { name: "vpc" });
    const priv = res(SUBNET, { vpcId: "v" }, { parent: vpc });
    await expectPass(efs.efsMountTargetPrivateSubnet, [vpc, priv, mt([vpc])]);
    const pub = res(SUBNET, { vpcId: "v", mapPublicIpOnLaunch: true }, { parent: vpc });
    await expectUnknown(efs.efsMountTargetPrivateSubnet, [vpc, priv, pub, mt([vpc])]);
  });
  it("cannot decide an unknown subnet id, or an unknown mapPublicIpOnLaunch", async () => {
    await expectUnknown(efs.efsMountTargetPrivateSubnet, [res(MT, { fileSystemId: "fs-1", subnetId: UNKNOWN })]);
    const s = res(SUBNET, { vpcId: "v", mapPublicIpOnLaunch: UNKNOWN });
    await expectUnknown(efs.efsMountTargetPrivateSubnet, [s, mt([s])]);
  });
  it("has nothing to inspect for a literal subnet id outside the stack", () => expectPass(efs.efsMountTargetPrivateSubnet, [res(MT, { fileSystemId: "fs-1", subnetId: "subnet-0abc" })]));
});

describe("policy efs-file-system-policy-require-tls (BP.EFS.1)", () => {
  const tls = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
  };
  it("passes a policy (JSON string) that denies non-TLS access", async () => {
    const fs = res(FS, {});
    await expectPass(efs.efsFileSystemPolicyTls, [fs, onFs(FSP, { policy: JSON.stringify(tls) }, fs)]);
  });
  it("fails a file system with no policy, or a policy without the deny", async () => {
    await expectFail(efs.efsFileSystemPolicyTls, [res(FS, {}, { name: "shared" })], [`[BP.EFS.1] shared (${FS}): no file system policy denies access without TLS`, "aws.efs.FileSystemPolicy"]);
    const fs = res(FS, {}, { name: "shared" });
    await expectFail(efs.efsFileSystemPolicyTls, [fs, onFs(FSP, { policy: { Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "elasticfilesystem:ClientMount" }] } }, fs)], ["[BP.EFS.1] shared"]);
  });
  it("cannot decide a policy unknown at preview", async () => {
    const fs = res(FS, {});
    await expectUnknown(efs.efsFileSystemPolicyTls, [fs, onFs(FSP, { policy: UNKNOWN }, fs)]);
  });
});

