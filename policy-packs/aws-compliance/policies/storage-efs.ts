/**
 * EFS: encryption at rest with KMS, backups (automatic and AWS Backup plans), access points,
 * mount-target subnets, file-system policies (TLS, not public) (FSBP EFS.*, plus our own rules).
 * Side resources (`aws:efs/backupPolicy:BackupPolicy`, `aws:efs/fileSystemPolicy:FileSystemPolicy`,
 * `aws:efs/mountTarget:MountTarget`, `aws:backup/selection:Selection`) are joined to the file
 * system by property dependency on `fileSystemId` (or `resources` for backup selections).
 */
import type { PolicyResource } from "@pulumi/policy";
import { deniesInsecureTransport, parsePolicyDocument } from "../lib/iam";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { backupSelectionsCovering, isAwsManagedKeyRef, TS } from "../lib/tokens-storage";
import { referencePolicy, SOURCES } from "../lib/references";
import { containsUnknown, get, isUnknown, undecidable } from "../lib/values";

export const efsEncryptedAtRest = resourcePolicy(
  {
    name: "efs-encrypted-at-rest",
    description: "EFS file systems must be encrypted at rest.",
    severity: "medium",
    controls: ["EFS.8"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `encrypted: true` on the aws.efs.FileSystem (it defaults to false and cannot be changed after creation: the file system is replaced).",
    resourceTypes: TS.efsFileSystem,
  },
  ({ props, fail }) => {
    // `encrypted` defaults to false.
    if (props.encrypted !== true) fail("the file system is not encrypted at rest", "set `encrypted: true` (replaces the file system)");
  },
);

export const efsEncryptedWithKms = referencePolicy(
  {
    name: "efs-encrypted-with-kms-key",
    description: "EFS file systems must encrypt file data with a KMS key of your own (not only the AWS managed aws/elasticfilesystem key).",
    severity: "medium",
    controls: ["EFS.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `encrypted: true` and `kmsKeyId` to an aws.kms.Key's arn on the aws.efs.FileSystem.",
    resourceTypes: TS.efsFileSystem,
    config: {
      requireKmsKeyId: {
        type: "boolean",
        description: "Require `kmsKeyId` (a customer managed key); false accepts the AWS managed aws/elasticfilesystem key.",
        default: true,
      },
    },
  },
  ({ props, config, fail, ref }) => {
    if (props.encrypted !== true) {
      fail("file data is not encrypted with AWS KMS", "set `encrypted: true` and `kmsKeyId` to your aws.kms.Key's arn");
      return;
    }
    if (config.requireKmsKeyId === false) return;
    // `kmsKeyId: key.arn` is unknown at preview: an output of a key in the program is a customer
    // managed key (AWS managed keys are only referenced by literal alias or a data source, both
    // known at preview); an unknown from anything else cannot be told.
    const key = get(props, "kmsKeyId");
    // From a key of this stack (customer managed): compliant; from anything else: undecidable (lib/references.ts).
    if (containsUnknown(key)) {
      ref("kmsKeyId", SOURCES.kmsKey);
      return;
    }
    if (typeof key !== "string" || key.length === 0 || isAwsManagedKeyRef(key)) {
      fail(key ? `kmsKeyId ${key} is an AWS managed key` : "no `kmsKeyId`: the AWS managed aws/elasticfilesystem key is used", "set `kmsKeyId` to your aws.kms.Key's arn (replaces the file system)");
    }
  },
);

export const efsInBackupPlan = stackPolicy(
  {
    name: "efs-in-backup-plan",
    description: "EFS file systems must be protected by an AWS Backup plan.",
    severity: "medium",
    controls: ["EFS.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add the file system's arn to an aws.backup.Selection `resources` (or select it by tag with `selectionTags`), or enable automatic backups with an aws.efs.BackupPolicy `backupPolicy.status: \"ENABLED\"`.",
    config: {
      acceptAutomaticBackups: {
        type: "boolean",
        description: "Count EFS automatic backups (aws.efs.BackupPolicy ENABLED, which places the file system in the aws/efs/automatic-backup-plan) as a backup plan.",
        default: true,
      },
    },
  },
  ({ forEach, attached, ofType, fail, config }) => {
    forEach(TS.efsFileSystem, (fs) => {
      let automaticUnknown = false;
      if (config.acceptAutomaticBackups !== false) {
        const statuses = attached(fs, TS.efsBackupPolicy, "fileSystemId").map((b) => get(b.props, "backupPolicy.status"));
        if (statuses.includes("ENABLED")) return;
        automaticUnknown = statuses.some(isUnknown);
      }
      if (backupSelectionsCovering(fs, ofType(TS.backupSelection), { service: "elasticfilesystem", resourcePrefix: "file-system/" }).length > 0) return;
      if (automaticUnknown) undecidable(`${fs.name} backupPolicy.status`);
      fail(fs, "no AWS Backup selection covers the file system", "list the file system's arn in an aws.backup.Selection `resources` (or tag-select it), or add an aws.efs.BackupPolicy with `backupPolicy.status: \"ENABLED\"`");
    });
  },
);

export const efsAutomaticBackups = stackPolicy(
  {
    name: "efs-automatic-backups",
    description: "EFS file systems must have automatic backups enabled.",
    severity: "medium",
    controls: ["EFS.7"],
    frameworks: ["FSBP"],
    remediationSteps: "Add an aws.efs.BackupPolicy with `fileSystemId` the file system's id and `backupPolicy.status: \"ENABLED\"`.",
  },
  ({ forEach, attached, fail }) => {
    forEach(TS.efsFileSystem, (fs) => {
      // File systems created through the API (and so by Pulumi) have automatic backups off.
      const policies = attached(fs, TS.efsBackupPolicy, "fileSystemId");
      const statuses = policies.map((b) => get(b.props, "backupPolicy.status"));
      if (statuses.includes("ENABLED")) return;
      if (statuses.some(isUnknown)) undecidable(`${fs.name} backupPolicy.status`);
      fail(
        fs,
        policies.length === 0 ? "automatic backups are off (no aws.efs.BackupPolicy)" : `automatic backups are ${statuses.join(", ")}`,
        "add an aws.efs.BackupPolicy with `backupPolicy.status: \"ENABLED\"`",
      );
    });
  },
);

export const efsAccessPointRootDirectory = resourcePolicy(
  {
    name: "efs-access-point-root-directory",
    description: "EFS access points must enforce a root directory other than the file system's root.",
    severity: "medium",
    controls: ["EFS.3"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `rootDirectory.path` (e.g. \"/app\", with `rootDirectory.creationInfo`) on the aws.efs.AccessPoint.",
    resourceTypes: TS.efsAccessPoint,
  },
  ({ props, fail }) => {
    // Without rootDirectory.path the access point exposes "/".
    const path = props.rootDirectory?.path;
    if (typeof path !== "string" || path.replace(/\/+$/, "") === "") {
      fail(`the access point's root directory is ${path ?? "not set"} (the file system root)`, "set `rootDirectory.path` to a subdirectory such as \"/app\" (and `rootDirectory.creationInfo`)");
    }
  },
);

export const efsAccessPointUserIdentity = resourcePolicy(
  {
    name: "efs-access-point-user-identity",
    description: "EFS access points must enforce a POSIX user identity.",
    severity: "medium",
    controls: ["EFS.4"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `posixUser` (`uid`, `gid`) on the aws.efs.AccessPoint, with a non-root uid.",
    resourceTypes: TS.efsAccessPoint,
    config: {
      allowRootUser: {
        type: "boolean",
        description: "Accept `posixUser.uid: 0` (root) as the enforced identity.",
        default: false,
      },
    },
  },
  ({ props, config, fail }) => {
    const user = props.posixUser;
    if (!user) {
      fail("no POSIX user identity is enforced", "set `posixUser: { uid, gid }` with a non-root uid");
      return;
    }
    if (config.allowRootUser !== true && user.uid === 0) fail("the enforced POSIX identity is root (uid 0)", "set `posixUser.uid` to a non-root uid (or allowRootUser in the policy config)");
  },
);

/** The subnets a mount target's `subnetId` may come from: direct subnet dependencies, or the subnets of a component it depends on. */
function candidateSubnets(mt: PolicyResource, resources: readonly PolicyResource[]): { direct: PolicyResource[]; viaComponent: PolicyResource[] } {
  const deps = mt.propertyDependencies?.["subnetId"] ?? [];
  const direct = deps.filter((d) => (TS.subnet as readonly string[]).includes(d.type));
  const others = new Set(deps.filter((d) => !(TS.subnet as readonly string[]).includes(d.type)).map((d) => d.urn));
  const isUnder = (r: PolicyResource): boolean => {
    for (let p = r.parent; p; p = p.parent) if (others.has(p.urn)) return true;
    return false;
  };
  const viaComponent = others.size > 0 ? resources.filter((r) => (TS.subnet as readonly string[]).includes(r.type) && isUnder(r)) : [];
  return { direct, viaComponent };
}

export const efsMountTargetPrivateSubnet = stackPolicy(
  {
    name: "efs-mount-target-private-subnet",
    description: "EFS mount targets must not be in subnets that assign public IP addresses on launch.",
    severity: "medium",
    controls: ["EFS.6"],
    frameworks: ["FSBP"],
    remediationSteps: "Put the aws.efs.MountTarget in a private subnet (an aws.ec2.Subnet with `mapPublicIpOnLaunch` false or absent).",
  },
  ({ forEach, resources, fail }) => {
    forEach(TS.efsMountTarget, (mt) => {
      const { direct, viaComponent } = candidateSubnets(mt, resources);
      const publicOf = (subnets: PolicyResource[]) =>
        subnets.filter((s) => {
          // mapPublicIpOnLaunch defaults to false.
          const v = get(s.props, "mapPublicIpOnLaunch");
          if (isUnknown(v)) undecidable(`${s.name}.mapPublicIpOnLaunch`);
          return v === true;
        });
      if (direct.length > 0) {
        const pub = publicOf(direct);
        if (pub.length > 0) fail(mt, `its subnet ${pub.map((s) => s.name).join(", ")} sets \`mapPublicIpOnLaunch: true\``, "set `subnetId` to a private subnet");
        return;
      }
      if (viaComponent.length > 0) {
        // The subnet comes from a component (e.g. awsx.ec2.Vpc privateSubnetIds): decidable only
        // when none of that component's subnets is public.
        if (publicOf(viaComponent).length > 0) undecidable(`${mt.name}.subnetId (one of ${viaComponent.map((s) => s.name).join(", ")})`);
        return;
      }
      // A literal subnet id from outside the stack: nothing to inspect. An unknown one that no
      // subnet in the stack explains cannot be decided.
      if (isUnknown(get(mt.props, "subnetId"))) undecidable(`${mt.name}.subnetId`);
    });
  },
);

export const efsFileSystemPolicyTls = stackPolicy(
  {
    name: "efs-file-system-policy-require-tls",
    description: "EFS file systems must have a file system policy that denies access without TLS.",
    severity: "medium",
    controls: ["BP.EFS.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.efs.FileSystemPolicy for the file system with a Deny statement (Principal \"*\", Action \"*\") when `aws:SecureTransport` is \"false\", and mount with `-o tls`.",
  },
  ({ forEach, attached, fail }) => {
    forEach(TS.efsFileSystem, (fs) => {
      const docs = attached(fs, TS.efsFileSystemPolicy, "fileSystemId").map((p) => parsePolicyDocument(get(p.props, "policy")));
      if (docs.some((d) => d !== undefined && d !== "unknown" && deniesInsecureTransport(d))) return;
      if (docs.includes("unknown")) undecidable(`${fs.name} file system policy`);
      fail(fs, "no file system policy denies access without TLS", "add an aws.efs.FileSystemPolicy with a Deny on `aws:SecureTransport = false`");
    });
  },
);



export const policies = [
  efsEncryptedAtRest,
  efsEncryptedWithKms,
  efsInBackupPlan,
  efsAutomaticBackups,
  efsAccessPointRootDirectory,
  efsAccessPointUserIdentity,
  efsMountTargetPrivateSubnet,
  efsFileSystemPolicyTls,
];

/** Every EFS control of catalog §1.1 is decidable at preview. */
export const notDecidable: Record<string, string> = {};
