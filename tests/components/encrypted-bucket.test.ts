import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { isWildcardAction } from "../../components/security/policy-document";
import { EncryptedBucket, EncryptedBucketArgs } from "../../components/storage/encrypted-bucket";
import { cloudTrailDeliveryStatements, configDeliveryStatements } from "../../components/storage/log-delivery";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const T = {
  bucket: "aws:s3/bucket:Bucket",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  logging: "aws:s3/bucketLogging:BucketLogging",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  notification: "aws:s3/bucketNotification:BucketNotification",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};

describe("EncryptedBucket", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<EncryptedBucketArgs> = {}, env: "dev" | "prod" = "dev") {
    const bucket = new EncryptedBucket(name, { context: testContext(env), kmsKey: KEY_ARN, ...args });
    await mocks.settle();
    return bucket;
  }

  describe("secure defaults", () => {
    it("creates exactly the bucket and its seven settings, no logging and no object lock", async () => {
      await build("media");
      const component = mocks.one("blueprints:storage:EncryptedBucket");
      const children = mocks.descendantsOf(component.urn).map((r) => r.type);
      expect(children).to.have.members([T.bucket, T.ownership, T.pab, T.sse, T.versioning, T.policy, T.lifecycle, T.notification]);
      expect(children).to.have.length(8);
    });

    it("sends event notifications to EventBridge (S3.11), beside the caller's targets", async () => {
      await build("events");
      expect(mocks.one(T.notification).inputs).to.deep.include({ eventbridge: true });
      mocks.reset();
      await build("queued", { notifications: { queues: [{ queueArn: "arn:aws:sqs:us-east-1:123456789012:q", events: ["s3:ObjectCreated:*"] }] } });
      expect(mocks.one(T.notification).inputs).to.deep.include({ eventbridge: true, queues: [{ queueArn: "arn:aws:sqs:us-east-1:123456789012:q", events: ["s3:ObjectCreated:*"] }] });
    });

    it("tags the bucket with the required tags", async () => {
      await build("tagged", { tags: { purpose: "test" } });
      const tags = mocks.one(T.bucket).inputs.tags;
      expect(tags).to.include.keys(...RequiredTagKeys);
      expect(tags.purpose).to.equal("test");
    });

    it("blocks public access with all four settings and disables ACLs", async () => {
      await build("private");
      expect(mocks.one(T.pab).inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(mocks.one(T.ownership).inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
    });

    it("encrypts with SSE-KMS and the given key, bucket key on", async () => {
      const b = await build("encrypted");
      expect(mocks.one(T.sse).inputs.rules).to.deep.equal([
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, bucketKeyEnabled: true },
      ]);
      expect(await promiseOf(b.kmsKeyArn!)).to.equal(KEY_ARN);
    });

    it("enables versioning", async () => {
      await build("versioned");
      expect(mocks.one(T.versioning).inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
    });

    it("denies requests without TLS and with TLS older than 1.2, on the bucket and its objects", async () => {
      const b = await build("tls");
      const arn = await promiseOf(b.arn);
      const policy = mocks.one(T.policy).inputs.policy;
      const insecure = statement(policy, "DenyInsecureTransport");
      expect(insecure).to.deep.include({ Effect: "Deny", Principal: "*", Resource: [arn, `${arn}/*`] });
      expect(insecure.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
      expect(statement(policy, "DenyOutdatedTls").Condition).to.deep.equal({ NumericLessThan: { "s3:TlsVersion": "1.2" } });
      expect(statementsOf(policy)).to.have.length(2);
    });

    it("writes the policy after the public access block (avoids S3's OperationAborted race)", async () => {
      await build("ordered");
      expect(mocks.one(T.policy).dependencies).to.include(mocks.one(T.pab).urn);
    });

    it("aborts incomplete uploads after 7 days and expires noncurrent versions after 90, keeping current objects", async () => {
      await build("lifecycle");
      const rules = mocks.one(T.lifecycle).inputs.rules;
      expect(rules.map((r: any) => r.id)).to.deep.equal(["abort-incomplete-uploads", "noncurrent-versions"]);
      expect(rules[0].abortIncompleteMultipartUpload).to.deep.equal({ daysAfterInitiation: 7 });
      expect(rules[1].noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 90 });
      expect(rules[1].expiration).to.deep.equal({ expiredObjectDeleteMarker: true });
      expect(mocks.one(T.lifecycle).dependencies).to.include(mocks.one(T.versioning).urn);
    });
  });

  describe("options", () => {
    it("moves current objects to Glacier, then Deep Archive, then expires them", async () => {
      await build("archive", { lifecycle: { archiveAfterDays: 90, deepArchiveAfterDays: 365, expireAfterDays: 2557 } });
      const current = mocks.one(T.lifecycle).inputs.rules.find((r: any) => r.id === "current-versions");
      expect(current.transitions).to.deep.equal([
        { days: 90, storageClass: "GLACIER" },
        { days: 365, storageClass: "DEEP_ARCHIVE" },
      ]);
      expect(current.expiration).to.deep.equal({ days: 2557 });
    });

    it("sends server access logs to the target bucket, partitioned by event time", async () => {
      await build("logged", { accessLogs: { targetBucket: "access-logs-bucket", prefix: "logged/" } });
      expect(mocks.one(T.logging).inputs).to.deep.include({
        targetBucket: "access-logs-bucket",
        targetPrefix: "logged/",
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      });
    });

    it("as an access-log target: SSE-S3, and S3 log delivery from this account only", async () => {
      const b = await build("access-logs", { kmsKey: undefined, encryption: "s3-managed", receivesAccessLogs: true });
      expect(mocks.one(T.sse).inputs.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      const delivery = statement(mocks.one(T.policy).inputs.policy, "S3ServerAccessLogsDelivery");
      expect(delivery.Principal).to.deep.equal({ Service: "logging.s3.amazonaws.com" });
      expect(delivery.Action).to.deep.equal(["s3:PutObject"]);
      expect(delivery.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "123456789012" } });
      expect(b.kmsKeyArn).to.equal(undefined);
      // The policy pack's customer-managed-key rule knows S3 delivers access logs only with SSE-S3: no exemption tag.
      expect(mocks.one(T.bucket).inputs.tags).to.not.have.property("policy-exemption:confidential-data-cmk");
    });

    it("merges the caller's statements after the TLS denies, built from the bucket's ARN", async () => {
      const b = await build("trail", {
        policyStatements: (bucket) => cloudTrailDeliveryStatements({ bucketArn: bucket.arn, trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", account: "123456789012" }),
      });
      const arn = await promiseOf(b.arn);
      const policy = mocks.one(T.policy).inputs.policy;
      expect(statementsOf(policy).map((s) => s.Sid)).to.deep.equal(["DenyInsecureTransport", "DenyOutdatedTls", "CloudTrailAclCheck", "CloudTrailWrite"]);
      expect(statement(policy, "CloudTrailWrite").Resource).to.equal(`${arn}/AWSLogs/123456789012/*`);
    });

    it("object lock: enabled at creation, default retention after versioning", async () => {
      await build("locked", { objectLock: { mode: "GOVERNANCE", days: 365 } }, "prod");
      expect(mocks.one(T.bucket).inputs.objectLockEnabled).to.equal(true);
      const lock = mocks.one(T.objectLock);
      expect(lock.inputs.rule).to.deep.equal({ defaultRetention: { mode: "GOVERNANCE", days: 365 } });
      expect(lock.dependencies).to.include(mocks.one(T.versioning).urn);
    });
  });

  describe("dev and prod", () => {
    it("dev: force-destroy allowed (profile), nothing protected", async () => {
      await build("devbucket");
      expect(mocks.one(T.bucket).inputs.forceDestroy).to.equal(true);
      for (const r of mocks.registrations.filter((x) => x.custom)) {
        expect(r.protect, r.name).to.equal(false);
        expect(r.retainOnDelete, r.name).to.equal(false);
      }
    });

    it("prod: no force-destroy; the bucket and every setting protected and retained on delete", async () => {
      await build("prodbucket", {}, "prod");
      expect(mocks.one(T.bucket).inputs.forceDestroy).to.equal(false);
      const custom = mocks.registrations.filter((x) => x.custom);
      expect(custom).to.have.length(8);
      for (const r of custom) {
        expect(r.protect, r.name).to.equal(true);
        // A retained bucket must keep its public access block and TLS policy.
        expect(r.retainOnDelete, r.name).to.equal(true);
      }
    });
  });

  describe("grants", () => {
    const noWildcards = (policy: unknown) => {
      for (const s of statementsOf(policy)) for (const a of [s.Action].flat()) expect(isWildcardAction(a), a).to.equal(false);
    };

    it("grantRead: read objects and list the bucket, decrypt with its key", async () => {
      const b = await build("readable");
      b.grantRead(new aws.iam.Role("reader", { assumeRolePolicy: "{}" }));
      await mocks.settle();
      const arn = await promiseOf(b.arn);
      const grant = mocks.one(T.rolePolicy);
      expect(grant.name).to.equal("reader-readable-read");
      const policy = grant.inputs.policy;
      expect(statement(policy, "ReadObjects")).to.deep.include({ Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"], Resource: `${arn}/*` });
      expect(statement(policy, "ListBucket")).to.deep.include({ Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: arn });
      expect(statement(policy, "UseBucketKey")).to.deep.include({ Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: KEY_ARN });
      noWildcards(policy);
    });

    it("grantWrite with a prefix and the ACL check: writes under the prefix, encrypts with the key", async () => {
      const b = await build("writable");
      b.grantWrite(new aws.iam.Role("writer", { assumeRolePolicy: "{}" }), { prefix: "config/", aclCheck: true });
      await mocks.settle();
      const arn = await promiseOf(b.arn);
      const grant = mocks.one(T.rolePolicy);
      expect(grant.name).to.equal("writer-writable-write-config");
      const policy = grant.inputs.policy;
      expect(statement(policy, "WriteObjects")).to.deep.include({ Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: `${arn}/config/*` });
      expect(statement(policy, "CheckBucketAcl")).to.deep.include({ Action: ["s3:GetBucketAcl"], Resource: arn });
      expect(statement(policy, "UseBucketKey")).to.deep.include({ Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KEY_ARN });
      noWildcards(policy);
    });

    it("grants on an SSE-S3 bucket name no KMS action", async () => {
      const b = await build("plain-logs", { kmsKey: undefined, encryption: "s3-managed" });
      b.grantWrite(new aws.iam.Role("shipper", { assumeRolePolicy: "{}" }));
      await mocks.settle();
      expect(statementsOf(mocks.one(T.rolePolicy).inputs.policy).map((s) => s.Sid)).to.deep.equal(["WriteObjects"]);
    });
  });

  describe("log delivery statements", () => {
    it("AWS Config: ACL check, existence check and writes under <prefix>/AWSLogs/<account>/Config, this account only", () => {
      const s = configDeliveryStatements({ bucketArn: "arn:aws:s3:::b", account: "123456789012", prefix: "/config/" });
      expect(s.map((x) => x.Sid)).to.deep.equal(["AwsConfigAclCheck", "AwsConfigBucketExistenceCheck", "AwsConfigWrite"]);
      for (const x of s) expect(x.Condition!.StringEquals).to.include({ "aws:SourceAccount": "123456789012" });
      expect(s[2]!.Condition!.StringEquals).to.include({ "s3:x-amz-acl": "bucket-owner-full-control" });
    });
  });

  describe("dangerous arguments throw", () => {
    const ctx = testContext("dev");
    const attempt = (args: Partial<EncryptedBucketArgs>, env: "dev" | "prod" = "dev") => () =>
      new EncryptedBucket("bad", { context: env === "dev" ? ctx : testContext("prod"), ...args });

    it("fails without a key under SSE-KMS (the default)", () => {
      expect(attempt({})).to.throw(/kmsKey is required with SSE-KMS/);
    });

    it("fails if a KMS key is given with S3-managed encryption", () => {
      expect(attempt({ encryption: "s3-managed", kmsKey: KEY_ARN })).to.throw(/kmsKey is given with s3-managed encryption/);
    });

    it("fails if an access-log target uses SSE-KMS", () => {
      expect(attempt({ kmsKey: KEY_ARN, receivesAccessLogs: true })).to.throw(/cannot be delivered to an SSE-KMS bucket/);
    });

    it("fails on object lock without versioning, or with force-destroy", () => {
      expect(attempt({ kmsKey: KEY_ARN, versioning: false, objectLock: { mode: "COMPLIANCE", days: 30 } })).to.throw(/objectLock needs versioning/);
      expect(attempt({ kmsKey: KEY_ARN, forceDestroy: true, objectLock: { mode: "COMPLIANCE", days: 30 } })).to.throw(/forceDestroy cannot empty a bucket whose objects are locked/);
    });

    it("fails on force-destroy in prod", () => {
      expect(attempt({ kmsKey: KEY_ARN, forceDestroy: true }, "prod")).to.throw(/forceDestroy is not allowed in prod/);
    });

    it("fails on lifecycle transitions out of order", () => {
      expect(attempt({ kmsKey: KEY_ARN, lifecycle: { archiveAfterDays: 90, deepArchiveAfterDays: 30, expireAfterDays: 60 } })).to.throw(
        /deepArchiveAfterDays \(30\) must be later than archiveAfterDays \(90\)[\s\S]*expireAfterDays \(60\) must be later than the last transition \(90 days\)/,
      );
    });

    it("fails on caller statements that allow wildcard actions", () => {
      expect(attempt({ kmsKey: KEY_ARN, policyStatements: (b) => [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:*", Resource: b.arn }] })).to.throw(
        /wildcard action s3:\*/,
      );
    });

    it("reports every problem at once", () => {
      expect(attempt({ receivesAccessLogs: true, forceDestroy: true }, "prod")).to.throw(/invalid arguments \(3\)/);
    });
  });

  describe("archive tiers for video (Intelligent-Tiering, Glacier IR, access-based archive)", () => {
    it("transitions down the waterfall: Intelligent-Tiering, Glacier IR, Glacier, Deep Archive", async () => {
      await build("videos", { lifecycle: { intelligentTieringAfterDays: 0, instantArchiveAfterDays: 30, archiveAfterDays: 90, deepArchiveAfterDays: 180 } });
      const rule = mocks.one(T.lifecycle).inputs.rules.find((r: any) => r.id === "current-versions");
      expect(rule.transitions).to.deep.equal([
        { days: 0, storageClass: "INTELLIGENT_TIERING" },
        { days: 30, storageClass: "GLACIER_IR" },
        { days: 90, storageClass: "GLACIER" },
        { days: 180, storageClass: "DEEP_ARCHIVE" },
      ]);
    });

    it("access tiering: objects not read for N days go to the Archive (and Deep Archive) Access tiers", async () => {
      await build("renditions", { lifecycle: { intelligentTieringAfterDays: 0 }, accessTiering: { archiveAccessAfterDays: 120, deepArchiveAccessAfterDays: 365, prefix: "videos/" } });
      const cfg = mocks.one("aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration").inputs;
      expect(cfg).to.deep.include({ status: "Enabled", filter: { prefix: "videos/" } });
      expect(cfg.tierings).to.deep.equal([
        { accessTier: "ARCHIVE_ACCESS", days: 120 },
        { accessTier: "DEEP_ARCHIVE_ACCESS", days: 365 },
      ]);
    });

    it("creates no tiering configuration by default", async () => {
      await build("plain");
      expect(mocks.ofType("aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration")).to.have.length(0);
    });

    it("fails on tiers out of order, access tiering out of range or without Intelligent-Tiering", () => {
      expect(() => new EncryptedBucket("bad-order", { context: testContext("dev"), kmsKey: KEY_ARN, lifecycle: { instantArchiveAfterDays: 60, archiveAfterDays: 30 } })).to.throw(
        /archiveAfterDays \(30\) must be later than instantArchiveAfterDays \(60\)/,
      );
      expect(() => new EncryptedBucket("bad-tiering", { context: testContext("dev"), kmsKey: KEY_ARN, accessTiering: { archiveAccessAfterDays: 30 } })).to.throw(
        /archiveAccessAfterDays = 30: must be a whole number of days from 90 to 730[\s\S]*set lifecycle.intelligentTieringAfterDays too/,
      );
    });
  });
});
