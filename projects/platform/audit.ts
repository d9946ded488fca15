/**
 * Audit: a multi-region CloudTrail with log-file validation, encrypted with the logs key, into the
 * log-archive bucket (SSE-KMS, versioned, TLS-only, non-public, access-logged, lifecycle to
 * Glacier), and into CloudWatch Logs, where metric filters raise the CIS alarms.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptedLogGroup } from "../../components/observability/log-group";
import { EncryptionKey } from "../../components/security/encryption-key";
import { ServiceRole } from "../../components/security/service-role";
import { EncryptedBucket } from "../../components/storage/encrypted-bucket";
import { cloudTrailDeliveryStatements, configDeliveryStatements } from "../../components/storage/log-delivery";
import { physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { logArchiveSettings, type PlatformSettings } from "./config";

/** Where AWS Config writes inside the log archive (CloudTrail writes under `AWSLogs/`). */
export const configKeyPrefix = "config";

/**
 * CloudWatch alarms on the trail's log group (CIS AWS Foundations, Security Hub CloudWatch.1/.3/.5).
 * Each counts matching events; one in five minutes alarms.
 */
export const trailAlarms = [
  {
    name: "root-account-usage",
    description: "The root user was used (CloudWatch.1).",
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    name: "console-sign-in-without-mfa",
    description: "An IAM user signed in to the console without MFA (CloudWatch.3).",
    pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    name: "cloudtrail-changes",
    description: "A trail was created, changed, stopped or deleted (CloudWatch.5).",
    pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
  },
] as const;

export interface AuditArgs {
  settings: PlatformSettings;
  /** Encrypts the trail, the archive and the trail's log group. */
  logsKey: EncryptionKey;
  /** Where the trail alarms go. */
  alarmTopicArn: pulumi.Input<string>;
}

export class Audit extends pulumi.ComponentResource {
  /** The SSE-S3 bucket for S3 server access logs (of the archive, and of workload buckets). */
  readonly accessLogs: EncryptedBucket;
  /** The log archive: CloudTrail and AWS Config deliver here. */
  readonly logArchive: EncryptedBucket;
  readonly trailLogGroup: EncryptedLogGroup;
  readonly trail: aws.cloudtrail.Trail;

  constructor(name: string, args: AuditArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:Audit", name, {}, opts);
    const { settings, logsKey } = args;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const trailName = physicalName(settings, "trail");
    // Known before the trail exists, so the bucket policy can name it (aws:SourceArn).
    const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${settings.region}:${account}:trail/${trailName}`;
    const lifecycle = logArchiveSettings(settings.config, settings.environment);

    this.accessLogs = new EncryptedBucket(
      "access-logs",
      {
        context: settings,
        // S3 delivers server access logs only to SSE-S3 buckets. Bucket names are global: the
        // account id makes them unique (50 + 13 characters, within S3's 63).
        encryption: "s3-managed",
        receivesAccessLogs: true,
        bucketName: pulumi.interpolate`${physicalName(settings, "access-logs", 50)}-${account}`,
        lifecycle: { expireAfterDays: settings.profile.logRetentionDays, noncurrentExpireAfterDays: 30 },
      },
      { parent: this },
    );

    this.logArchive = new EncryptedBucket(
      "log-archive",
      {
        context: settings,
        kmsKey: logsKey,
        bucketName: pulumi.interpolate`${physicalName(settings, "log-archive", 50)}-${account}`,
        accessLogs: { targetBucket: this.accessLogs.bucketName, prefix: "log-archive/" },
        lifecycle: {
          archiveAfterDays: lifecycle.archiveAfterDays,
          deepArchiveAfterDays: lifecycle.deepArchiveAfterDays,
          expireAfterDays: lifecycle.expireAfterDays,
          noncurrentExpireAfterDays: 90,
        },
        ...(lifecycle.objectLockDays ? { objectLock: { mode: "GOVERNANCE" as const, days: lifecycle.objectLockDays } } : {}),
        policyStatements: (bucket) => [
          ...cloudTrailDeliveryStatements({ bucketArn: bucket.arn, trailArn, account }),
          ...configDeliveryStatements({ bucketArn: bucket.arn, account, prefix: configKeyPrefix }),
        ],
      },
      { parent: this },
    );

    this.trailLogGroup = new EncryptedLogGroup("trail-logs", { context: settings, kmsKey: logsKey, logGroupName: `/aws/cloudtrail/${trailName}` }, { parent: this });
    const deliveryRole = new ServiceRole(
      "trail-logs-delivery",
      { context: settings, service: "cloudtrail.amazonaws.com", description: `CloudTrail ${trailName} delivers events to CloudWatch Logs` },
      { parent: this },
    );
    const deliveryGrant = this.trailLogGroup.grantWrite(deliveryRole.role);

    this.trail = new aws.cloudtrail.Trail(
      "trail",
      {
        name: trailName,
        s3BucketName: this.logArchive.bucketName,
        kmsKeyId: logsKey.keyArn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
        cloudWatchLogsGroupArn: pulumi.interpolate`${this.trailLogGroup.arn}:*`,
        cloudWatchLogsRoleArn: deliveryRole.arn,
        tags: withTags(settings.tags, {}, trailName),
      },
      // CloudTrail checks the bucket policy and the role when the trail is created.
      statefulOptions(settings, { parent: this, dependsOn: [this.logArchive.policy, deliveryGrant] }),
    );

    for (const alarm of trailAlarms) {
      const metricName = alarm.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
      new aws.cloudwatch.LogMetricFilter(
        alarm.name,
        {
          logGroupName: this.trailLogGroup.logGroupName,
          pattern: alarm.pattern,
          metricTransformation: { name: metricName, namespace: "Platform/Audit", value: "1", defaultValue: "0" },
        },
        { parent: this },
      );
      new aws.cloudwatch.MetricAlarm(
        alarm.name,
        {
          alarmDescription: alarm.description,
          namespace: "Platform/Audit",
          metricName,
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [args.alarmTopicArn],
          tags: withTags(settings.tags),
        },
        { parent: this },
      );
    }

    this.registerOutputs({ logArchiveBucketName: this.logArchive.bucketName, trailArn: this.trail.arn });
  }
}
