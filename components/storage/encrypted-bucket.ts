/**
 * An S3 bucket that is private, encrypted, versioned and TLS-only by default, configured with the
 * v7 side resources (one resource per bucket setting) so that each setting is visible to policies.
 *
 * | setting              | default                                        | control     |
 * |----------------------|------------------------------------------------|-------------|
 * | encryption           | SSE-KMS with the given key, bucket key on      | S3.17, S3.4 |
 * | public access        | all four blocks on                             | S3.8        |
 * | object ownership     | BucketOwnerEnforced (ACLs disabled)            | S3.12       |
 * | bucket policy        | deny non-TLS requests and TLS below 1.2        | S3.5        |
 * | versioning           | enabled                                        | S3.14       |
 * | lifecycle            | abort incomplete uploads after 7 days;         | S3.13       |
 * |                      | noncurrent versions expire after 90 days;      |             |
 * |                      | optional tiers: Intelligent-Tiering, Glacier   |             |
 * |                      | IR / Flexible / Deep Archive by age            |             |
 * | access tiering       | off; Intelligent-Tiering archive tiers for     |             |
 * |                      | objects not read for N days when given         |             |
 * | access logging       | to `accessLogs.targetBucket` when given        | S3.9        |
 * | object lock          | off unless `objectLock` is given               | S3.15       |
 * | event notifications  | to EventBridge (plus the caller's targets)     | S3.11       |
 * | prod                 | protect + retainOnDelete on every child        |             |
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { KmsDecryptActions, KmsS3WriteActions, S3AclCheckActions, S3ReadBucketActions, S3ReadObjectActions, S3WriteObjectActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, policyDocument, PolicyStatement, statementProblems, throwIfProblems } from "../security/policy-document";

/** Server-side encryption: SSE-KMS with a customer managed key, or SSE-S3 where a service needs it. */
export const BucketEncryptions = ["kms", "s3-managed"] as const;
export type BucketEncryption = (typeof BucketEncryptions)[number];

/** Lifecycle of the bucket's objects. Days count from object creation (or, for noncurrent versions, from becoming noncurrent). */
export interface BucketLifecycle {
  /**
   * Days before current objects move to S3 Intelligent-Tiering (`INTELLIGENT_TIERING`; 0 = at
   * once), which then tiers each object by *access*: not read for 30 days to Infrequent Access, 90
   * days to Archive Instant Access (Glacier Instant Retrieval pricing), and to the opt-in archive
   * tiers of `accessTiering`. The only way to act on "not read for N days" (age rules cannot). Default: never.
   */
  intelligentTieringAfterDays?: number;
  /** Days before current objects move to S3 Glacier Instant Retrieval (`GLACIER_IR`). Default: never. */
  instantArchiveAfterDays?: number;
  /** Days before current objects move to S3 Glacier Flexible Retrieval (`GLACIER`). Default: never. */
  archiveAfterDays?: number;
  /** Days before current objects move to S3 Glacier Deep Archive (`DEEP_ARCHIVE`). Default: never. */
  deepArchiveAfterDays?: number;
  /** Days before current objects expire. Default: never. */
  expireAfterDays?: number;
  /** Days before noncurrent versions move to `GLACIER`. Default: never. */
  noncurrentArchiveAfterDays?: number;
  /** Days before noncurrent versions expire (versioned buckets). Default: 90. */
  noncurrentExpireAfterDays?: number;
  /** Days before incomplete multipart uploads are aborted. Default: 7. */
  abortIncompleteUploadsAfterDays?: number;
}

/**
 * Opt-in archive tiers of S3 Intelligent-Tiering for objects not *read* for a number of days
 * (`aws.s3.BucketIntelligentTieringConfiguration`). Only objects in `INTELLIGENT_TIERING` are
 * affected: pair it with `lifecycle.intelligentTieringAfterDays`. Restores from these tiers take
 * minutes to hours (Archive Access) or up to 12 hours (Deep Archive Access).
 */
export interface BucketAccessTiering {
  /** Days without access before the Archive Access tier (Glacier Flexible Retrieval pricing), 90 to 730. Default: not used. */
  archiveAccessAfterDays?: number;
  /** Days without access before the Deep Archive Access tier, 180 to 730. Default: not used. */
  deepArchiveAccessAfterDays?: number;
  /** Only objects under this prefix. Default: the whole bucket. */
  prefix?: string;
}

/** Default retention applied to every new object version (S3 Object Lock). */
export interface BucketObjectLock {
  /** `GOVERNANCE` (privileged users may override) or `COMPLIANCE` (nobody may, not even root). Required. */
  mode: "GOVERNANCE" | "COMPLIANCE";
  /** Days each object version is locked. Required. */
  days: number;
}

/** What a `policyStatements` callback gets to build statements about this bucket. */
export interface BucketIdentity {
  /** The bucket's ARN. */
  readonly arn: pulumi.Output<string>;
  /** The bucket's name. */
  readonly name: pulumi.Output<string>;
}

export interface EncryptedBucketArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The KMS key for SSE-KMS (an `EncryptionKey` or a key ARN). Required with `kms` encryption; not allowed with `s3-managed`. */
  kmsKey?: KeyReference;
  /** `kms` or `s3-managed` (SSE-S3, only for buckets a service cannot write to with KMS, such as S3 server access log targets). Default: `kms`. */
  encryption?: BucketEncryption;
  /** The bucket's physical name. Default: Pulumi's auto-name (`<name>-<random>`). */
  bucketName?: pulumi.Input<string>;
  /** Keep every version of every object (S3.14). Default: true. */
  versioning?: boolean;
  /** Lifecycle rules. Default: abort incomplete uploads after 7 days; noncurrent versions expire after 90 days; current objects are kept. */
  lifecycle?: BucketLifecycle;
  /** Access-based archive tiers of S3 Intelligent-Tiering (needs `lifecycle.intelligentTieringAfterDays`). Default: none. */
  accessTiering?: BucketAccessTiering;
  /** Send S3 server access logs to this bucket (an SSE-S3 bucket with `receivesAccessLogs`) under `prefix`. Default: no access logging. */
  accessLogs?: { targetBucket: pulumi.Input<string>; prefix?: string };
  /** This bucket receives S3 server access logs from this account's buckets: adds the `logging.s3.amazonaws.com` delivery statement. Requires `s3-managed` encryption. Default: false. */
  receivesAccessLogs?: boolean;
  /** S3 Object Lock default retention (needs versioning; set at creation only). Default: no object lock. */
  objectLock?: BucketObjectLock;
  /** Extra bucket-policy statements (e.g. CloudTrail or AWS Config delivery), merged after the TLS denies. Each Allow names its actions. Default: none. */
  policyStatements?: (bucket: BucketIdentity) => PolicyStatement[];
  /**
   * Event notifications (one configuration per bucket: give Lambda, SQS or SNS targets here, not in
   * a separate aws.s3.BucketNotification). Default: `{ eventbridge: true }` (S3.11); EventBridge
   * stays on unless set to false.
   */
  notifications?: Omit<aws.s3.BucketNotificationArgs, "bucket" | "region">;
  /** Let `pulumi destroy` delete a non-empty bucket. Never in prod, never with object lock. Default: the profile's `forceDestroyBuckets`. */
  forceDestroy?: boolean;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** Options of a grant. */
export interface BucketGrantOptions {
  /** Limit the grant to keys under this prefix (e.g. `config/`). Default: the whole bucket. */
  prefix?: string;
}

export class EncryptedBucket extends pulumi.ComponentResource {
  /** The bucket. */
  readonly bucket: aws.s3.Bucket;
  /** The bucket's name. */
  readonly bucketName: pulumi.Output<string>;
  /** The bucket's ARN. */
  readonly arn: pulumi.Output<string>;
  /** The ARN of the key that encrypts it, when SSE-KMS. */
  readonly kmsKeyArn: pulumi.Output<string> | undefined;
  /** The bucket policy (TLS-only plus the caller's statements). */
  readonly policy: aws.s3.BucketPolicy;

  private readonly componentName: string;

  constructor(name: string, args: EncryptedBucketArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:storage:EncryptedBucket", name, {}, opts);
    const { context } = args;
    const encryption = args.encryption ?? "kms";
    const versioning = args.versioning ?? true;
    const forceDestroy = args.forceDestroy ?? context.profile.forceDestroyBuckets;
    const lifecycle = args.lifecycle ?? {};

    const problems: string[] = [];
    if (!(BucketEncryptions as readonly string[]).includes(encryption)) problems.push(`encryption = "${encryption}": must be one of ${BucketEncryptions.join(", ")}`);
    if (encryption === "kms" && args.kmsKey === undefined) problems.push("kmsKey is required with SSE-KMS encryption (the default); pass a key, or choose encryption: \"s3-managed\" where a service cannot use KMS");
    if (encryption === "s3-managed" && args.kmsKey !== undefined) problems.push("kmsKey is given with s3-managed encryption: drop the key, or use encryption: \"kms\"");
    if (args.receivesAccessLogs && encryption !== "s3-managed") problems.push("receivesAccessLogs needs encryption: \"s3-managed\": S3 server access logs cannot be delivered to an SSE-KMS bucket");
    if (args.objectLock) {
      if (!versioning) problems.push("objectLock needs versioning: object lock protects object versions");
      if (forceDestroy) problems.push("forceDestroy cannot empty a bucket whose objects are locked: drop one of forceDestroy and objectLock");
      if (!Number.isInteger(args.objectLock.days) || args.objectLock.days < 1) problems.push(`objectLock.days = ${args.objectLock.days}: must be a whole number of days >= 1`);
    }
    if (forceDestroy && context.profile.environment === "prod") problems.push("forceDestroy is not allowed in prod: a destroy must never empty a prod bucket");
    problems.push(...lifecycleProblems(lifecycle, versioning));
    problems.push(...accessTieringProblems(args.accessTiering, lifecycle));
    throwIfProblems(`EncryptedBucket ${name}`, problems);

    this.componentName = name;
    const child = (o: pulumi.CustomResourceOptions = {}) => statefulOptions(context, { parent: this, ...o });

    this.bucket = new aws.s3.Bucket(
      name,
      {
        ...(args.bucketName !== undefined ? { bucket: args.bucketName } : {}),
        forceDestroy,
        ...(args.objectLock ? { objectLockEnabled: true } : {}),
        tags: withTags(context.tags, { ...args.tags }),
      },
      child(),
    );
    const bucketId = this.bucket.id;
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.kmsKeyArn = args.kmsKey !== undefined ? pulumi.output(keyArnOf(args.kmsKey)) : undefined;

    const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, child());
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child(),
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [
          this.kmsKeyArn
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.kmsKeyArn }, bucketKeyEnabled: true }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      child(),
    );
    const versioningConfig = versioning
      ? new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, child())
      : undefined;

    const identity: BucketIdentity = { arn: this.arn, name: this.bucketName };
    const extra = args.policyStatements?.(identity) ?? [];
    const extraProblems = statementProblems("policyStatements", extra);
    throwIfProblems(`EncryptedBucket ${name}`, extraProblems);
    const account = args.receivesAccessLogs ? aws.getCallerIdentityOutput({}, { parent: this }).accountId : undefined;
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucketId,
        policy: policyDocument([
          ...tlsOnlyStatements(this.arn),
          ...(account ? [accessLogDeliveryStatement(this.arn, account)] : []),
          ...extra,
        ]),
      },
      // A policy written while the public access block is being applied can fail with
      // OperationAborted; ordering them avoids the race.
      child({ dependsOn: [publicAccessBlock, ownership] }),
    );

    if (args.accessLogs) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        {
          bucket: bucketId,
          targetBucket: args.accessLogs.targetBucket,
          targetPrefix: args.accessLogs.prefix ?? `${name}/`,
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        child(),
      );
    }

    const rules = lifecycleRules(lifecycle, versioning);
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket: bucketId, rules }, child({ dependsOn: versioningConfig ? [versioningConfig] : [] }));

    const tiering = args.accessTiering;
    if (tiering && (tiering.archiveAccessAfterDays !== undefined || tiering.deepArchiveAccessAfterDays !== undefined)) {
      new aws.s3.BucketIntelligentTieringConfiguration(
        `${name}-access-tiering`,
        {
          bucket: bucketId,
          name: "archive-unread",
          status: "Enabled",
          ...(tiering.prefix ? { filter: { prefix: tiering.prefix } } : {}),
          tierings: [
            ...(tiering.archiveAccessAfterDays !== undefined ? [{ accessTier: "ARCHIVE_ACCESS", days: tiering.archiveAccessAfterDays }] : []),
            ...(tiering.deepArchiveAccessAfterDays !== undefined ? [{ accessTier: "DEEP_ARCHIVE_ACCESS", days: tiering.deepArchiveAccessAfterDays }] : []),
          ],
        },
        child(),
      );
    }

    const notifications = { eventbridge: true, ...args.notifications };
    new aws.s3.BucketNotification(`${name}-notifications`, { bucket: bucketId, ...notifications }, child());

    if (args.objectLock) {
      new aws.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        { bucket: bucketId, rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } } },
        child({ dependsOn: versioningConfig ? [versioningConfig] : [] }),
      );
    }

    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, kmsKeyArn: this.kmsKeyArn });
  }

  /** Let a role read objects (and list the bucket), decrypting with the bucket's key. */
  grantRead(role: aws.iam.Role, options: BucketGrantOptions = {}): aws.iam.RolePolicy {
    const statements: PolicyStatement[] = [
      { Sid: "ReadObjects", Effect: "Allow", Action: [...S3ReadObjectActions], Resource: this.objects(options.prefix) },
      {
        Sid: "ListBucket",
        Effect: "Allow",
        Action: [...S3ReadBucketActions],
        Resource: this.arn,
        ...(options.prefix ? { Condition: { StringLike: { "s3:prefix": [`${options.prefix}*`] } } } : {}),
      },
      ...this.kmsStatements(KmsDecryptActions),
    ];
    return grantToRole(this, this.componentName, role, grantName("read", options.prefix), statements);
  }

  /**
   * Let a role write objects, encrypting with the bucket's key. `aclCheck` also allows
   * `s3:GetBucketAcl`, which log-delivery services (AWS Config, CloudTrail) call before writing.
   */
  grantWrite(role: aws.iam.Role, options: BucketGrantOptions & { aclCheck?: boolean } = {}): aws.iam.RolePolicy {
    const statements: PolicyStatement[] = [
      { Sid: "WriteObjects", Effect: "Allow", Action: [...S3WriteObjectActions], Resource: this.objects(options.prefix) },
      ...(options.aclCheck ? [{ Sid: "CheckBucketAcl", Effect: "Allow" as const, Action: [...S3AclCheckActions], Resource: this.arn }] : []),
      ...this.kmsStatements(KmsS3WriteActions),
    ];
    return grantToRole(this, this.componentName, role, grantName("write", options.prefix), statements);
  }

  private objects(prefix = ""): pulumi.Output<string> {
    return pulumi.interpolate`${this.arn}/${prefix}*`;
  }

  private kmsStatements(actions: readonly string[]): PolicyStatement[] {
    return this.kmsKeyArn ? [{ Sid: "UseBucketKey", Effect: "Allow", Action: [...actions], Resource: this.kmsKeyArn }] : [];
  }
}

function grantName(what: string, prefix?: string): string {
  const slug = (prefix ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return slug ? `${what}-${slug}` : what;
}

/** Deny any request without TLS, and TLS older than 1.2, on the bucket and its objects (S3.5). */
export function tlsOnlyStatements(bucketArn: pulumi.Input<string>): PolicyStatement[] {
  const resources = [bucketArn, pulumi.interpolate`${bucketArn}/*`];
  return [
    { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenyOutdatedTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: resources, Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } },
  ];
}

/** Let S3 server access logging of this account's buckets write into the bucket. */
function accessLogDeliveryStatement(bucketArn: pulumi.Input<string>, account: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "S3ServerAccessLogsDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: ["s3:PutObject"],
    Resource: pulumi.interpolate`${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": account } },
  };
}

function lifecycleProblems(l: BucketLifecycle, versioning: boolean): string[] {
  const problems: string[] = [];
  const days = (key: keyof BucketLifecycle) => {
    const v = l[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) problems.push(`lifecycle.${key} = ${v}: must be a whole number of days >= 1`);
    return v;
  };
  const tieringAfter = l.intelligentTieringAfterDays;
  if (tieringAfter !== undefined && (!Number.isInteger(tieringAfter) || tieringAfter < 0)) problems.push(`lifecycle.intelligentTieringAfterDays = ${tieringAfter}: must be a whole number of days >= 0`);
  const instant = days("instantArchiveAfterDays");
  const archive = days("archiveAfterDays");
  const deep = days("deepArchiveAfterDays");
  const expire = days("expireAfterDays");
  const ncArchive = days("noncurrentArchiveAfterDays");
  const ncExpire = days("noncurrentExpireAfterDays");
  days("abortIncompleteUploadsAfterDays");
  // S3 transitions run down the waterfall INTELLIGENT_TIERING > GLACIER_IR > GLACIER > DEEP_ARCHIVE, each later than the one before.
  const tiers = [
    ["intelligentTieringAfterDays", tieringAfter],
    ["instantArchiveAfterDays", instant],
    ["archiveAfterDays", archive],
    ["deepArchiveAfterDays", deep],
  ].filter((t): t is [string, number] => t[1] !== undefined);
  for (let i = 1; i < tiers.length; i++) {
    const [prevKey, prev] = tiers[i - 1]!;
    const [key, v] = tiers[i]!;
    if (v <= prev) problems.push(`lifecycle.${key} (${v}) must be later than ${prevKey} (${prev})`);
  }
  const lastTransition = Math.max(tieringAfter ?? 0, instant ?? 0, archive ?? 0, deep ?? 0);
  if (expire !== undefined && expire <= lastTransition) problems.push(`lifecycle.expireAfterDays (${expire}) must be later than the last transition (${lastTransition} days)`);
  if (ncArchive !== undefined && ncExpire !== undefined && ncExpire <= ncArchive) problems.push(`lifecycle.noncurrentExpireAfterDays (${ncExpire}) must be later than noncurrentArchiveAfterDays (${ncArchive})`);
  if (!versioning && (ncArchive !== undefined || ncExpire !== undefined)) problems.push("lifecycle noncurrent-version rules need versioning");
  return problems;
}

function accessTieringProblems(t: BucketAccessTiering | undefined, l: BucketLifecycle): string[] {
  if (!t) return [];
  const problems: string[] = [];
  const { archiveAccessAfterDays: a, deepArchiveAccessAfterDays: d } = t;
  if (a !== undefined && (!Number.isInteger(a) || a < 90 || a > 730)) problems.push(`accessTiering.archiveAccessAfterDays = ${a}: must be a whole number of days from 90 to 730`);
  if (d !== undefined && (!Number.isInteger(d) || d < 180 || d > 730)) problems.push(`accessTiering.deepArchiveAccessAfterDays = ${d}: must be a whole number of days from 180 to 730`);
  if (a !== undefined && d !== undefined && d <= a) problems.push(`accessTiering.deepArchiveAccessAfterDays (${d}) must be later than archiveAccessAfterDays (${a})`);
  if (l.intelligentTieringAfterDays === undefined) problems.push("accessTiering only acts on objects in Intelligent-Tiering: set lifecycle.intelligentTieringAfterDays too");
  return problems;
}

function lifecycleRules(l: BucketLifecycle, versioning: boolean): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteUploadsAfterDays ?? 7 } },
  ];
  const transitions = [
    ...(l.intelligentTieringAfterDays !== undefined ? [{ days: l.intelligentTieringAfterDays, storageClass: "INTELLIGENT_TIERING" }] : []),
    ...(l.instantArchiveAfterDays !== undefined ? [{ days: l.instantArchiveAfterDays, storageClass: "GLACIER_IR" }] : []),
    ...(l.archiveAfterDays !== undefined ? [{ days: l.archiveAfterDays, storageClass: "GLACIER" }] : []),
    ...(l.deepArchiveAfterDays !== undefined ? [{ days: l.deepArchiveAfterDays, storageClass: "DEEP_ARCHIVE" }] : []),
  ];
  if (transitions.length > 0 || l.expireAfterDays !== undefined) {
    rules.push({
      id: "current-versions",
      status: "Enabled",
      filter: {},
      ...(transitions.length > 0 ? { transitions } : {}),
      ...(l.expireAfterDays !== undefined ? { expiration: { days: l.expireAfterDays } } : {}),
    });
  }
  if (versioning) {
    rules.push({
      id: "noncurrent-versions",
      status: "Enabled",
      filter: {},
      ...(l.noncurrentArchiveAfterDays !== undefined ? { noncurrentVersionTransitions: [{ noncurrentDays: l.noncurrentArchiveAfterDays, storageClass: "GLACIER" }] } : {}),
      noncurrentVersionExpiration: { noncurrentDays: l.noncurrentExpireAfterDays ?? 90 },
      expiration: { expiredObjectDeleteMarker: true },
    });
  }
  return rules;
}
