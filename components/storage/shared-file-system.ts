/**
 * An EFS file system shared by a fleet, secure by default:
 *
 * | setting              | default                                                         | control   |
 * |----------------------|-----------------------------------------------------------------|-----------|
 * | encryption           | at rest with the given KMS key                                  | EFS.1/.8  |
 * | throughput           | `elastic` (AWS's recommendation; the SDK default is bursting)   |           |
 * | lifecycle            | to Infrequent Access after 30 days, back on first access        |           |
 * | mount targets        | one per given private subnet, behind the component's SG         | EFS.6     |
 * | security group       | NFS (2049/tcp) only from the security groups callers name       |           |
 * | access points        | each with a POSIX user and a root directory other than `/`      | EFS.3/.4  |
 * | file system policy   | deny without TLS; deny mounts not through an access point;      | BP.EFS.1/2|
 * |                      | allow only named roles, through their access points             |           |
 * | backups              | EFS automatic backups (`BackupPolicy` ENABLED)                  | EFS.2/.7  |
 * | prod                 | protect + retainOnDelete on the file system                     |           |
 *
 * Clients mount with `-o tls,iam,accesspoint=<id>` (amazon-efs-utils). IAM authorization means an
 * NFS client without credentials is anonymous, and no statement allows anonymous clients.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, policyDocument, PolicyStatement, throwIfProblems } from "../security/policy-document";

/** How long an unread file stays in Standard storage before moving to Infrequent Access. */
export const EfsTransitionAges = ["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"] as const;
export type EfsTransitionAge = (typeof EfsTransitionAges)[number];

/** NFS client actions of EFS (IAM authorization). */
export const EfsClientActions = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"] as const;

/** An access point: the directory and the POSIX identity every client through it gets. */
export interface SharedFileSystemAccessPoint {
  /** Name of the access point (used in child names and in `grantMount`). Required. */
  name: string;
  /** The directory clients see as `/`, e.g. `/web/uploads`; never `/` (EFS.3). Required. */
  path: string;
  /** The POSIX user every file operation runs as (EFS.4). Required. */
  posixUser: { uid: number; gid: number; secondaryGids?: number[] };
  /** Owner and mode of the directory when EFS creates it. Default: owned by `posixUser`, mode `750`. */
  creation?: { ownerUid?: number; ownerGid?: number; permissions?: string };
  /** Roles (ARNs) the file system policy allows to mount through this access point. Default: none (grant with `grantMount`). */
  clientRoleArns?: pulumi.Input<string>[];
  /** Those roles may only read. Default: false (read and write). */
  readOnly?: boolean;
}

export interface SharedFileSystemArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The KMS key that encrypts file data and metadata (EncryptionKey or ARN). Required. */
  kmsKey: KeyReference;
  /** The VPC of the mount targets' security group. Required. */
  vpcId: pulumi.Input<string>;
  /** Private subnets for the mount targets, one per AZ (e.g. `vpc.privateSubnetIds`). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How many subnets `subnetIds` holds, when it is an Output (mount targets are created per
   * subnet at construction). Default: its length when it is a list; else the profile's `availabilityZones`.
   */
  subnetCount?: number;
  /** Access points (at least one: clients mount only through access points). Required. */
  accessPoints: SharedFileSystemAccessPoint[];
  /** Security groups allowed to reach NFS, by name (more with `allowFrom`). Default: none. */
  allowFrom?: Record<string, pulumi.Input<string>>;
  /** Days-unread before files move to Infrequent Access. Default: `AFTER_30_DAYS`. */
  transitionToIa?: EfsTransitionAge;
  /** EFS automatic daily backups. Default: true. */
  backups?: boolean;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class SharedFileSystem extends pulumi.ComponentResource {
  /** The file system. */
  readonly fileSystem: aws.efs.FileSystem;
  /** Its security group (mount targets). */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** Access points by name. */
  readonly accessPoints: Readonly<Record<string, aws.efs.AccessPoint>>;
  readonly fileSystemId: pulumi.Output<string>;
  readonly fileSystemArn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** Access point ids by name. */
  readonly accessPointIds: pulumi.Output<Record<string, string>>;
  /** Access point ARNs by name. */
  readonly accessPointArns: pulumi.Output<Record<string, string>>;
  /** The file system's DNS name (`<id>.efs.<region>.amazonaws.com`). */
  readonly dnsName: pulumi.Output<string>;

  private readonly componentName: string;
  private readonly allowed = new Set<string>();
  private readonly ruleTags: Record<string, string>;

  constructor(name: string, args: SharedFileSystemArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:storage:SharedFileSystem", name, {}, opts);
    const { context } = args;
    const transitionToIa = args.transitionToIa ?? "AFTER_30_DAYS";
    const backups = args.backups ?? true;
    const listed = Array.isArray(args.subnetIds) ? (args.subnetIds as pulumi.Input<string>[]) : undefined;
    const subnetCount = args.subnetCount ?? listed?.length ?? context.profile.availabilityZones;

    const problems: string[] = [];
    if (!(EfsTransitionAges as readonly string[]).includes(transitionToIa)) problems.push(`transitionToIa = "${transitionToIa}": must be one of ${EfsTransitionAges.join(", ")}`);
    if (!Number.isInteger(subnetCount) || subnetCount < 1) problems.push(`subnetCount = ${subnetCount}: must be a whole number >= 1`);
    if (listed && args.subnetCount !== undefined && listed.length !== args.subnetCount) problems.push(`subnetCount = ${args.subnetCount} but subnetIds lists ${listed.length} subnets`);
    if (context.profile.multiAz && subnetCount < 2) problems.push(`${subnetCount} mount target subnet: the ${context.profile.environment} profile runs across AZs, give a private subnet in each`);
    if (!backups && context.profile.environment === "prod") problems.push("backups: false is not allowed in prod: EFS automatic backups are the file system's recovery point (EFS.7)");
    problems.push(...accessPointProblems(args.accessPoints));
    throwIfProblems(`SharedFileSystem ${name}`, problems);

    this.componentName = name;
    this.ruleTags = withTags(context.tags, args.tags ?? {});
    const tags = (suffix?: string) => withTags(context.tags, args.tags ?? {}, suffix ? physicalName(context, `${name}-${suffix}`, 255) : physicalName(context, name, 255));

    this.fileSystem = new aws.efs.FileSystem(
      name,
      {
        creationToken: physicalName(context, name),
        encrypted: true,
        kmsKeyId: keyArnOf(args.kmsKey),
        performanceMode: "generalPurpose",
        throughputMode: "elastic",
        lifecyclePolicies: [{ transitionToIa }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
        tags: tags(),
      },
      statefulOptions(context, { parent: this }),
    );
    const fileSystemId = this.fileSystem.id;

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-nfs`,
      {
        vpcId: args.vpcId,
        description: `EFS mount targets of ${physicalName(context, name)}: NFS from named security groups only`,
        // No rules inline: ingress comes from allowFrom; the mount targets answer on the
        // connections clients open (security groups are stateful), so no egress is needed.
        tags: tags("nfs"),
      },
      { parent: this },
    );

    for (let i = 0; i < subnetCount; i++) {
      new aws.efs.MountTarget(
        `${name}-mt-${i}`,
        {
          fileSystemId,
          subnetId: pulumi.output(args.subnetIds).apply((ids) => {
            if (ids.length !== subnetCount) throw new Error(`SharedFileSystem ${name}: subnetIds resolved to ${ids.length} subnets, expected ${subnetCount} (set subnetCount)`);
            return ids[i]!;
          }),
          securityGroups: [this.securityGroup.id],
        },
        { parent: this },
      );
    }

    const aps: Record<string, aws.efs.AccessPoint> = {};
    for (const ap of args.accessPoints) {
      aps[ap.name] = new aws.efs.AccessPoint(
        `${name}-ap-${ap.name}`,
        {
          fileSystemId,
          posixUser: { uid: ap.posixUser.uid, gid: ap.posixUser.gid, ...(ap.posixUser.secondaryGids ? { secondaryGids: ap.posixUser.secondaryGids } : {}) },
          rootDirectory: {
            path: ap.path,
            creationInfo: {
              ownerUid: ap.creation?.ownerUid ?? ap.posixUser.uid,
              ownerGid: ap.creation?.ownerGid ?? ap.posixUser.gid,
              permissions: ap.creation?.permissions ?? "750",
            },
          },
          tags: tags(`ap-${ap.name}`),
        },
        { parent: this },
      );
    }
    this.accessPoints = Object.freeze(aps);

    new aws.efs.FileSystemPolicy(
      `${name}-policy`,
      { fileSystemId, policy: policyDocument(fileSystemPolicyStatements(this.fileSystem.arn, args.accessPoints, aps)) },
      { parent: this },
    );

    if (backups) {
      new aws.efs.BackupPolicy(`${name}-backup`, { fileSystemId, backupPolicy: { status: "ENABLED" } }, { parent: this });
    }

    for (const [source, sgId] of Object.entries(args.allowFrom ?? {})) this.allowFrom(source, sgId);

    this.fileSystemId = fileSystemId;
    this.fileSystemArn = this.fileSystem.arn;
    this.securityGroupId = this.securityGroup.id;
    this.dnsName = this.fileSystem.dnsName;
    this.accessPointIds = pulumi.output(Object.fromEntries(Object.entries(aps).map(([k, ap]) => [k, ap.id])));
    this.accessPointArns = pulumi.output(Object.fromEntries(Object.entries(aps).map(([k, ap]) => [k, ap.arn])));
    this.registerOutputs({
      fileSystemId: this.fileSystemId,
      fileSystemArn: this.fileSystemArn,
      securityGroupId: this.securityGroupId,
      accessPointIds: this.accessPointIds,
      accessPointArns: this.accessPointArns,
      dnsName: this.dnsName,
    });
  }

  /** Let instances in security group `securityGroupId` reach NFS (2049/tcp). `name` names the rule. */
  allowFrom(name: string, securityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
    throwIfProblems(`SharedFileSystem ${this.componentName}.allowFrom`, [
      ...(/^[a-z0-9][a-z0-9-]*$/.test(name) ? [] : [`name "${name}": lower-case letters, digits and -`]),
      ...(this.allowed.has(name) ? [`name "${name}" is already allowed`] : []),
    ]);
    this.allowed.add(name);
    return new aws.vpc.SecurityGroupIngressRule(
      `${this.componentName}-nfs-from-${name}`,
      {
        securityGroupId: this.securityGroup.id,
        description: `NFS from ${name}`,
        ipProtocol: "tcp",
        fromPort: 2049,
        toPort: 2049,
        referencedSecurityGroupId: securityGroupId,
        tags: this.ruleTags,
      },
      { parent: this },
    );
  }

  /**
   * Let a role mount the file system through one access point (or, without one, through any of
   * its access points), over a mount target; read-write unless `readOnly`. Never root access.
   */
  grantMount(role: aws.iam.Role, accessPoint?: string, options: { readOnly?: boolean } = {}): aws.iam.RolePolicy {
    if (accessPoint !== undefined && !this.accessPoints[accessPoint]) {
      throwIfProblems(`SharedFileSystem ${this.componentName}.grantMount`, [`no access point "${accessPoint}"; known: ${Object.keys(this.accessPoints).join(", ")}`]);
    }
    const apArns = accessPoint !== undefined ? [this.accessPoints[accessPoint]!.arn] : Object.values(this.accessPoints).map((ap) => ap.arn);
    const statement: PolicyStatement = {
      Sid: "MountThroughAccessPoint",
      Effect: "Allow",
      Action: options.readOnly ? ["elasticfilesystem:ClientMount"] : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      Resource: this.fileSystem.arn,
      Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" }, StringEquals: { "elasticfilesystem:AccessPointArn": pulumi.all(apArns) } },
    };
    return grantToRole(this, this.componentName, role, `mount${accessPoint ? `-${accessPoint}` : ""}${options.readOnly ? "-ro" : ""}`, [statement]);
  }
}

function accessPointProblems(aps: readonly SharedFileSystemAccessPoint[]): string[] {
  const problems: string[] = [];
  if (!aps || aps.length === 0) problems.push("accessPoints is empty: clients mount only through access points, give at least one");
  const seen = new Set<string>();
  for (const ap of aps ?? []) {
    const label = `accessPoints "${ap.name}"`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(ap.name)) problems.push(`${label}: name must be lower-case letters, digits and -`);
    if (seen.has(ap.name)) problems.push(`${label}: duplicate name`);
    seen.add(ap.name);
    if (!/^\/[^/]/.test(ap.path) || ap.path.endsWith("/") || ap.path.split("/").length - 1 > 4) {
      problems.push(`${label}: path "${ap.path}" must be an absolute directory other than / (EFS.3), without a trailing /, at most 4 subdirectories deep`);
    }
    for (const [k, v] of [
      ["posixUser.uid", ap.posixUser?.uid],
      ["posixUser.gid", ap.posixUser?.gid],
    ] as const) {
      if (!Number.isInteger(v) || (v as number) < 0) problems.push(`${label}: ${k} = ${v} must be a whole number >= 0`);
    }
    if (ap.posixUser?.uid === 0) problems.push(`${label}: posixUser.uid 0 is root: give the application's own user (EFS.4)`);
    const perms = ap.creation?.permissions;
    if (perms !== undefined && !/^[0-7]{3,4}$/.test(perms)) problems.push(`${label}: creation.permissions "${perms}" must be an octal mode such as 750`);
    if (ap.readOnly && !(ap.clientRoleArns?.length ?? 0)) problems.push(`${label}: readOnly applies to clientRoleArns, which is empty`);
  }
  return problems;
}

/** TLS only; access points only; named roles through their access points. */
function fileSystemPolicyStatements(
  fileSystemArn: pulumi.Output<string>,
  specs: readonly SharedFileSystemAccessPoint[],
  aps: Record<string, aws.efs.AccessPoint>,
): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: [...EfsClientActions],
      Resource: fileSystemArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyMountWithoutAccessPoint",
      Effect: "Deny",
      Principal: "*",
      Action: [...EfsClientActions],
      Resource: fileSystemArn,
      Condition: { Null: { "elasticfilesystem:AccessPointArn": "true" } },
    },
  ];
  for (const spec of specs) {
    if (!spec.clientRoleArns || spec.clientRoleArns.length === 0) continue;
    statements.push({
      Sid: `Mount${spec.name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`,
      Effect: "Allow",
      Principal: { AWS: spec.clientRoleArns },
      Action: spec.readOnly ? ["elasticfilesystem:ClientMount"] : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      Resource: fileSystemArn,
      Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" }, StringEquals: { "elasticfilesystem:AccessPointArn": aps[spec.name]!.arn } },
    });
  }
  return statements;
}
