/**
 * An AWS Backup plan for named resources (Aurora clusters, DynamoDB tables, EFS file systems...):
 * a vault encrypted with a customer managed key, a daily rule with the profile's retention, a
 * selection by ARN, and the role AWS Backup works through.
 *
 * | setting        | default                                                              | control          |
 * |----------------|----------------------------------------------------------------------|------------------|
 * | vault          | encrypted with `kmsKey`; `forceDestroy` only where the profile lets  | BP.Backup.1/.5   |
 * |                | buckets be emptied (dev); protect + retainOnDelete in prod           |                  |
 * | vault lock     | governance mode in prod (recovery points cannot be deleted before    | BP.Backup.4      |
 * |                | `retentionDays` ends); none in dev                                   |                  |
 * | rule           | daily at 05:00 UTC (`cron(0 5 ? * * *)`), start within 1 h, done     | BP.Backup.3      |
 * |                | within 8 h; kept the profile's `backupRetentionDays` (prod: 35+)      | BP.Backup.2      |
 * | selection      | the ARNs in `resources` (a table, a cluster...; never "everything")  | RDS.26, DynamoDB.4 |
 * | role           | `backup.amazonaws.com`, with the AWS managed service-role policies   |                  |
 * |                | for backup and restore, under the caller's path and boundary         |                  |
 *
 * Governance mode, not compliance mode: a compliance-mode lock can never be removed or shortened,
 * not even by the account root, once its grace period ends; that decision belongs to whoever owns
 * the retention policy of the data, not to a default.
 *
 * Keys: recovery points of resources AWS Backup fully manages (DynamoDB with advanced backup
 * features, EFS) are encrypted with the vault's key; Aurora snapshots keep the cluster's own key.
 * The AWS managed policies let the role use both through the services (`kms:ViaService`), which a
 * key whose policy delegates to IAM (`EncryptionKey`) allows.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { throwIfProblems } from "../security/policy-document";

/** The shortest retention a prod plan may keep recovery points (the pack's BP.Backup.2 default). */
export const MinProdBackupPlanRetentionDays = 35;

/** AWS managed policies the backup role carries (under `service-role/`). */
export const BackupServiceRolePolicies = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"] as const;

/** The default schedule: daily at 05:00 UTC. */
export const DailyBackupSchedule = "cron(0 5 ? * * *)";

export interface BackupPlanArgs {
  /** The stack's context (tags, profile: retention, protections). Required. */
  context: BlueprintContext;
  /** Customer managed KMS key of the vault (BP.Backup.1). Required. */
  kmsKey: KeyReference;
  /** ARNs of the resources to back up (Aurora clusters, DynamoDB tables, EFS file systems). Required, at least one. */
  resources: pulumi.Input<string>[];
  /** Days to keep recovery points. Default: the profile's `backupRetentionDays` (dev 7, prod 35); at least 35 in prod. */
  retentionDays?: number;
  /** When the rule runs, an AWS cron expression (UTC) at least daily. Default: `cron(0 5 ? * * *)`. */
  schedule?: string;
  /** Minutes after the scheduled time a job may start (60 or more). Default: 60. */
  startWindowMinutes?: number;
  /** Minutes a job may run before AWS Backup cancels it. Default: 480. */
  completionWindowMinutes?: number;
  /** Lock the vault (governance mode) so recovery points cannot be deleted before `retentionDays`. Default: true in prod, false in dev. */
  vaultLock?: boolean;
  /** Path and permissions boundary of the backup role (the platform's `ciRoles[project]`). Default: `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class BackupPlan extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly plan: aws.backup.Plan;
  readonly selection: aws.backup.Selection;
  /** The role AWS Backup assumes for this plan. */
  readonly role: aws.iam.Role;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  readonly planId: pulumi.Output<string>;
  readonly planArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  /** Days recovery points are kept. */
  readonly retentionDays: number;

  constructor(name: string, args: BackupPlanArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:data:BackupPlan", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const prod = profile.environment === "prod";
    const retentionDays = args.retentionDays ?? profile.backupRetentionDays;
    const schedule = args.schedule ?? DailyBackupSchedule;
    const startWindow = args.startWindowMinutes ?? 60;
    const completionWindow = args.completionWindowMinutes ?? 480;
    const vaultLock = args.vaultLock ?? prod;

    const problems: string[] = [];
    if (!Array.isArray(args.resources) || args.resources.length === 0) problems.push("resources is empty: name the ARNs of what the plan backs up");
    if (!Number.isInteger(retentionDays) || retentionDays < 1) problems.push(`retentionDays = ${retentionDays}: must be a whole number of days >= 1`);
    else if (prod && retentionDays < MinProdBackupPlanRetentionDays) problems.push(`retentionDays = ${retentionDays}: prod keeps recovery points at least ${MinProdBackupPlanRetentionDays} days`);
    if (!/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(schedule)) problems.push(`schedule = "${schedule}": must be an AWS cron expression with six fields, e.g. ${DailyBackupSchedule}`);
    if (!Number.isInteger(startWindow) || startWindow < 60) problems.push(`startWindowMinutes = ${startWindow}: must be a whole number of minutes >= 60 (AWS Backup's minimum)`);
    if (!Number.isInteger(completionWindow) || completionWindow < startWindow + 60) problems.push(`completionWindowMinutes = ${completionWindow}: must be a whole number at least 60 minutes more than startWindowMinutes (${startWindow})`);
    if (prod && args.vaultLock === false) problems.push("vaultLock: false in prod: recovery points could be deleted before their retention ends (BP.Backup.4)");
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`BackupPlan ${name}`, problems);

    this.retentionDays = retentionDays;
    // Vault, plan and selection names: up to 50 characters.
    const physical = physicalName(context, name, 50);
    const tags = withTags(context.tags, args.tags ?? {}, physical);
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    this.vault = new aws.backup.Vault(
      name,
      {
        name: physical,
        kmsKeyArn: keyArnOf(args.kmsKey),
        // Dev only (the profile's switch for emptying storage on destroy); prod keeps every recovery point.
        forceDestroy: profile.forceDestroyBuckets,
        tags,
      },
      statefulOptions(context, { parent: this }),
    );
    if (vaultLock) {
      new aws.backup.VaultLockConfiguration(
        `${name}-lock`,
        // No changeableForDays: governance mode (see the file's doc).
        { backupVaultName: this.vault.name, minRetentionDays: retentionDays },
        statefulOptions(context, { parent: this }),
      );
    }

    this.role = serviceRole(this, `${name}-role`, {
      context,
      service: "backup.amazonaws.com",
      description: `AWS Backup creates and restores the recovery points of ${physical}`,
      placement: args.rolePlacement,
    });
    const attachments = BackupServiceRolePolicies.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-${policy.replace(/^AWSBackupServiceRolePolicyFor/, "").toLowerCase()}`,
          { role: this.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/${policy}` },
          { parent: this },
        ),
    );

    this.plan = new aws.backup.Plan(
      name,
      {
        name: physical,
        rules: [
          {
            ruleName: "daily",
            targetVaultName: this.vault.name,
            schedule,
            startWindow,
            completionWindow,
            lifecycle: { deleteAfter: retentionDays },
            recoveryPointTags: withTags(context.tags, args.tags ?? {}),
          },
        ],
        tags,
      },
      { parent: this },
    );

    this.selection = new aws.backup.Selection(
      name,
      { name: physical, planId: this.plan.id, iamRoleArn: this.role.arn, resources: args.resources },
      // AWS Backup checks that it can assume the role with its policies when the selection is created.
      { parent: this, dependsOn: attachments },
    );

    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;
    this.planId = this.plan.id;
    this.planArn = this.plan.arn;
    this.roleArn = this.role.arn;
    this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.planId, planArn: this.planArn, roleArn: this.roleArn });
  }
}
