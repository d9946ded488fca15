import { expect } from "chai";
import * as s3 from "../../policy-packs/aws-compliance/policies/storage-s3";
import type { PlannedResource } from "../../tools/policy/harness";
import { evaluate, findings, res, UNKNOWN } from "../helpers/policy";
import { expectFail, expectPass, expectUnknown } from "./storage-helpers";

const B = "aws:s3/bucket:Bucket";
const BV2 = "aws:s3/bucketV2:BucketV2";
const BUCKETS = [B, BV2];

/** A side resource attached to `bucket` by property dependency. */
function side(type: string, inputs: Record<string, unknown>, bucket: PlannedResource, name?: string): PlannedResource {
  return res(type, { bucket: UNKNOWN, ...inputs }, { deps: { bucket: [bucket] }, ...(name ? { name } : {}) });
}

const ALL_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

describe("policy s3-account-public-access-block (S3.1)", () => {
  const T = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
  it("passes an account block with all four settings on", () => expectPass(s3.s3AccountPublicAccessBlock, [res(T, ALL_ON)]));
  it("fails one that leaves settings absent (default false), naming them", () =>
    expectFail(s3.s3AccountPublicAccessBlock, [res(T, { blockPublicAcls: true, ignorePublicAcls: true }, { name: "acct" })], [
      `[S3.1] acct (${T}): account-level Block Public Access leaves blockPublicPolicy, restrictPublicBuckets off`,
      "Fix: set `blockPublicPolicy: true`, `restrictPublicBuckets: true` on the aws.s3.AccountPublicAccessBlock",
    ]));
  it("says a setting unknown at preview cannot be decided", () => expectUnknown(s3.s3AccountPublicAccessBlock, [res(T, { ...ALL_ON, restrictPublicBuckets: UNKNOWN })]));
  it("decides a block's settings as a resource policy (blocks at registration), the stack-wide requirement in its stack phase", () => {
    expect(typeof (s3.s3AccountPublicAccessBlock as { validateResource?: unknown }).validateResource).to.equal("function");
    expect(typeof (s3.s3AccountPublicAccessBlock as { validateStack?: unknown }).validateStack).to.equal("function");
  });
  it("requires the block in the stack only when requireInStack is set", async () => {
    const stack = res("pulumi:pulumi:Stack", {}, { name: "shop-prod" });
    await expectPass(s3.s3AccountPublicAccessBlock, [stack, res(B, {})]);
    await expectFail(s3.s3AccountPublicAccessBlock, [stack, res(B, {})], ["[S3.1] shop-prod (pulumi:pulumi:Stack): the stack declares no account-level S3 Block Public Access"], { requireInStack: true });
  });
});

describe("policies s3-bucket-no-public-read / -write (S3.2, S3.3)", () => {
  const publicRead = { Version: "2012-10-17", Statement: [{ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] };

  it("passes private buckets of both tokens", async () => {
    for (const type of BUCKETS) {
      await expectPass(s3.s3NoPublicRead, [res(type, { acl: "private" })]);
      await expectPass(s3.s3NoPublicWrite, [res(type, {})]);
    }
  });

  const cases: { title: string; build: () => PlannedResource[]; read?: string; write?: string; on?: string }[] = [
    { title: "inline canned ACL public-read", build: () => [res(B, { acl: "public-read" }, { name: "site" })], read: "the bucket's `acl` is the canned ACL `public-read`" },
    {
      title: "inline public-read-write on a BucketV2",
      build: () => [res(BV2, { acl: "public-read-write" }, { name: "site" })],
      read: "canned ACL `public-read-write`",
      write: "canned ACL `public-read-write`",
    },
    {
      title: "a BucketAclV2 side resource",
      build: () => {
        const b = res(B, {}, { name: "site" });
        return [b, side("aws:s3/bucketAclV2:BucketAclV2", { acl: "public-read" }, b, "site-acl")];
      },
      on: "site-acl",
      read: "its `acl` is the canned ACL `public-read`",
    },
    {
      title: "a BucketAcl access control policy granting WRITE to AllUsers",
      build: () => {
        const b = res(B, {}, { name: "site" });
        return [
          b,
          side("aws:s3/bucketAcl:BucketAcl", { accessControlPolicy: { owner: { id: "o" }, grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "WRITE" }] } }, b, "acl"),
        ];
      },
      on: "acl",
      write: "its ACL grants WRITE to AllUsers",
    },
    {
      title: "inline grants of READ to AllUsers",
      build: () => [res(B, { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }] }, { name: "site" })],
      read: "the bucket's ACL grants READ to AllUsers",
    },
  ];
  for (const c of cases) {
    it(`reads ${c.title}`, async () => {
      const control = (m: "read" | "write") => (m === "read" ? "S3.2" : "S3.3");
      for (const mode of ["read", "write"] as const) {
        const policy = mode === "read" ? s3.s3NoPublicRead : s3.s3NoPublicWrite;
        const expected = c[mode];
        if (expected) {
          const v = await expectFail(policy, c.build(), [`[${control(mode)}] ${c.on ?? "site"} (`, `public ${mode} access: `, expected, "Fix: remove the public grant"]);
          expect(v.severity).to.equal("critical");
        } else await expectPass(policy, c.build());
      }
    });
  }

  it("decides on the resource alone (blocks at registration): a public ACL fails even beside a block that would ignore it", async () => {
    const b1 = res(B, { acl: "public-read" }, { name: "site" });
    await expectFail(s3.s3NoPublicRead, [b1, side("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", ALL_ON, b1)], ["[S3.2] site ("]);
    expect(typeof (s3.s3NoPublicRead as { validateResource?: unknown }).validateResource).to.equal("function");
  });

  it("leaves bucket policies to resource-policy-not-public (one finding per flaw)", async () => {
    const b = res(B, {});
    await expectPass(s3.s3NoPublicRead, [res(B, { policy: publicRead })]);
    await expectPass(s3.s3NoPublicRead, [b, side("aws:s3/bucketPolicy:BucketPolicy", { policy: UNKNOWN }, b)]);
  });

  it("cannot decide an ACL that is unknown at preview", async () => {
    await expectUnknown(s3.s3NoPublicRead, [res(B, { acl: UNKNOWN })]);
    const b = res(B, {});
    await expectUnknown(s3.s3NoPublicRead, [b, side("aws:s3/bucketAcl:BucketAcl", { acl: UNKNOWN }, b)]);
  });

  it("treats authenticated-read as public unless configured otherwise", async () => {
    const build = () => [res(B, { acl: "authenticated-read" }, { name: "site" })];
    await expectFail(s3.s3NoPublicRead, build(), ["`authenticated-read`"]);
    await expectPass(s3.s3NoPublicRead, build(), { authenticatedUsersArePublic: false });
  });
});

describe("policy s3-bucket-default-encryption (S3.4)", () => {
  const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
  const SSE2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
  it("passes a bucket with no declaration (S3's SSE-S3 default) and explicit AES256/aws:kms", async () => {
    await expectPass(s3.s3DefaultEncryption, [res(B, {})]);
    await expectPass(s3.s3DefaultEncryption, [res(B, { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } })]);
    for (const t of [SSE, SSE2]) {
      const b = res(B, {});
      await expectPass(s3.s3DefaultEncryption, [b, side(t, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, b)]);
    }
  });
  it("fails an algorithm outside the allowed list (config), reading the BucketV2 list shape", () =>
    expectFail(
      s3.s3DefaultEncryption,
      [res(BV2, { serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "AES256" }] }] }] }, { name: "data" })],
      [`[S3.4] data (${BV2}): default encryption uses AES256, not one of aws:kms, aws:kms:dsse`, "Fix: set `sseAlgorithm` to one of aws:kms, aws:kms:dsse"],
      { allowedAlgorithms: ["aws:kms", "aws:kms:dsse"] },
    ));
  it("requires an explicit declaration when configured", () =>
    expectFail(s3.s3DefaultEncryption, [res(B, {}, { name: "data" })], ["[S3.4] data", "no default encryption is declared", "aws.s3.BucketServerSideEncryptionConfiguration"], { requireExplicitConfiguration: true }));
  it("cannot decide an algorithm unknown at preview", async () => {
    const b = res(B, {});
    await expectUnknown(s3.s3DefaultEncryption, [b, side(SSE, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: UNKNOWN } }] }, b)]);
  });
});

describe("policy s3-bucket-policy-no-cross-account-blocked-actions (S3.6)", () => {
  const doc = (principal: unknown, action: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: action, Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"] }] });
  it("passes read access granted to another account", () => expectPass(s3.s3CrossAccountActions, [res(B, { policy: doc({ AWS: "arn:aws:iam::111122223333:root" }, "s3:GetObject") })]));
  it("passes service principals", () => expectPass(s3.s3CrossAccountActions, [res(B, { policy: doc({ Service: "logging.s3.amazonaws.com" }, "s3:PutObjectAcl") })]));
  it("fails s3:* granted to another account (JSON string in a BucketPolicy)", async () => {
    const b = res(B, {}, { name: "shared" });
    await expectFail(s3.s3CrossAccountActions, [b, side("aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.stringify(doc({ AWS: ["arn:aws:iam::111122223333:role/x"] }, "s3:*")) }, b, "shared-policy")], [
      "[S3.6] shared (aws:s3/bucket:Bucket): aws.s3.BucketPolicy shared-policy allows s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration, s3:PutObjectAcl to arn:aws:iam::111122223333:role/x",
      "Fix: remove those actions",
    ]);
  });
  it("fails a blocked action granted to \"*\"", () => expectFail(s3.s3CrossAccountActions, [res(BV2, { policy: doc("*", ["s3:PutBucketAcl"]) }, { name: "b" })], ["allows s3:PutBucketAcl to \"*\""]));
  it("accepts trusted accounts from config", async () => {
    const build = () => [res(B, { policy: doc({ AWS: "444455556666" }, "s3:PutObjectAcl") }, { name: "b" })];
    await expectFail(s3.s3CrossAccountActions, build(), ["to 444455556666"]);
    await expectPass(s3.s3CrossAccountActions, build(), { trustedAccountIds: ["444455556666"] });
  });
  it("cannot decide a principal unknown at preview", () => expectUnknown(s3.s3CrossAccountActions, [res(B, { policy: doc({ AWS: UNKNOWN }, "s3:PutBucketPolicy") })]));
  it("trusts the stack's own account (the account of the resources it manages) without config; another account still fails", async () => {
    const role = res("aws:iam/role:Role", { arn: "arn:aws:iam::123456789012:role/ops", assumeRolePolicy: "{}" });
    await expectPass(s3.s3CrossAccountActions, [role, res(B, { policy: doc({ AWS: "arn:aws:iam::123456789012:root" }, "s3:PutBucketPolicy") }, { name: "own" })]);
    await expectFail(s3.s3CrossAccountActions, [role, res(B, { policy: doc({ AWS: "arn:aws:iam::111122223333:root" }, "s3:PutBucketPolicy") }, { name: "other" })], ["to arn:aws:iam::111122223333:root"]);
    // Without a resource showing the account, nothing is assumed to be the stack's.
    await expectFail(s3.s3CrossAccountActions, [res(B, { policy: doc({ AWS: "arn:aws:iam::123456789012:root" }, "s3:PutBucketPolicy") }, { name: "alone" })], ["to arn:aws:iam::123456789012:root"]);
  });
});

describe("policy s3-bucket-replication (S3.7)", () => {
  const restricted = { tags: { "data-classification": "restricted" } };
  it("is advisory by default and applies to restricted buckets only", async () => {
    await expectPass(s3.s3Replication, [res(B, { tags: { "data-classification": "internal" } })]);
    const v = await expectFail(s3.s3Replication, [res(B, restricted, { name: "ledger" })], ["[S3.7] ledger (aws:s3/bucket:Bucket): no enabled replication rule", "aws.s3.BucketReplicationConfig"]);
    expect(v.enforcementLevel).to.equal("advisory");
  });
  it("accepts a BucketReplicationConfig, the v7 inline block and the v6 list", async () => {
    const b = res(B, restricted);
    await expectPass(s3.s3Replication, [b, side("aws:s3/bucketReplicationConfig:BucketReplicationConfig", { role: "r", rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::dr" } }] }, b)]);
    await expectPass(s3.s3Replication, [res(B, { ...restricted, replicationConfiguration: { role: "r", rules: [{ status: "Enabled" }] } })]);
    await expectPass(s3.s3Replication, [res(BV2, { ...restricted, replicationConfigurations: [{ role: "r", rules: [{ status: "Enabled" }] }] })]);
  });
  it("covers every bucket when dataClassifications is empty", () => expectFail(s3.s3Replication, [res(B, {}, { name: "any" })], ["[S3.7] any"], { dataClassifications: [] }));
  it("cannot decide a rule status unknown at preview", async () => {
    const b = res(B, restricted);
    await expectUnknown(s3.s3Replication, [b, side("aws:s3/bucketReplicationConfig:BucketReplicationConfig", { role: "r", rules: [{ status: UNKNOWN }] }, b)]);
  });
  it("cannot decide a classification tag unknown at preview", () => expectUnknown(s3.s3Replication, [res(B, { tags: { "data-classification": UNKNOWN } })]));
});

describe("policy s3-bucket-access-logging (S3.9)", () => {
  for (const t of ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"]) {
    it(`passes a bucket with a ${t.split(":").pop()} whose target is unknown at preview`, async () => {
      const b = res(B, {});
      await expectPass(s3.s3AccessLogging, [b, side(t, { targetBucket: UNKNOWN, targetPrefix: "b/" }, b)]);
    });
  }
  it("passes inline logging (v7 object and v6 list)", async () => {
    await expectPass(s3.s3AccessLogging, [res(B, { logging: { targetBucket: "logs" } })]);
    const logs = res(B, {}, { name: "access-logs" });
    await expectPass(s3.s3AccessLogging, [logs, res(BV2, { loggings: [{ targetBucket: UNKNOWN }] }, { deps: { loggings: [logs] } })]);
  });
  it("cannot decide an inline target unknown at preview that comes from no bucket", async () => {
    await expectUnknown(s3.s3AccessLogging, [res(BV2, { loggings: [{ targetBucket: UNKNOWN }] })]);
  });
  it("fails a bucket without logging", () =>
    expectFail(s3.s3AccessLogging, [res(B, {}, { name: "media" })], ["[S3.9] media (aws:s3/bucket:Bucket): server access logging is off. Fix: add an aws.s3.BucketLogging with `targetBucket`"]));
  it("skips the log bucket itself unless configured otherwise", async () => {
    const logs = res(B, { bucket: "access-logs" }, { name: "logs" });
    const media = res(B, { logging: { targetBucket: "access-logs" } }, { name: "media" });
    await expectPass(s3.s3AccessLogging, [logs, media]);
    await expectFail(s3.s3AccessLogging, [logs, media], ["[S3.9] logs"], { ignoreLogTargetBuckets: false });
    const logs2 = res(B, {}, { name: "logs2" });
    const app = res(B, {}, { name: "app" });
    const lg = res("aws:s3/bucketLogging:BucketLogging", { bucket: UNKNOWN, targetBucket: UNKNOWN, targetPrefix: "app/" }, { deps: { bucket: [app], targetBucket: [logs2] } });
    await expectPass(s3.s3AccessLogging, [logs2, app, lg]);
  });
});

describe("policy s3-bucket-versioned-lifecycle (S3.10)", () => {
  const V = "aws:s3/bucketVersioning:BucketVersioning";
  it("passes unversioned buckets and versioned ones with a lifecycle", async () => {
    await expectPass(s3.s3VersionedLifecycle, [res(B, {})]);
    const b = res(B, {});
    await expectPass(s3.s3VersionedLifecycle, [
      b,
      side(V, { versioningConfiguration: { status: "Enabled" } }, b),
      side("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", { rules: [{ id: "x", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }] }, b),
    ]);
    await expectPass(s3.s3VersionedLifecycle, [res(B, { versioning: { enabled: true }, lifecycleRules: [{ enabled: true }] })]);
  });
  it("fails versioned buckets (side resource, or v6 inline list) without a lifecycle", async () => {
    const b = res(B, {}, { name: "docs" });
    await expectFail(s3.s3VersionedLifecycle, [b, side("aws:s3/bucketVersioningV2:BucketVersioningV2", { versioningConfiguration: { status: "Enabled" } }, b)], [
      "[S3.10] docs (aws:s3/bucket:Bucket): versioning is enabled but no enabled lifecycle rule exists",
      "aws.s3.BucketLifecycleConfiguration",
    ]);
    await expectFail(s3.s3VersionedLifecycle, [res(BV2, { versionings: [{ enabled: true }] }, { name: "v2" })], ["[S3.10] v2"]);
  });
  it("fails a lifecycle whose only rule is disabled", async () => {
    const b = res(B, { versioning: { enabled: true } }, { name: "docs" });
    await expectFail(s3.s3VersionedLifecycle, [b, side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [{ id: "x", status: "Disabled" }] }, b)], ["[S3.10] docs"]);
  });
  it("cannot decide a versioning status unknown at preview", async () => {
    const b = res(B, {});
    await expectUnknown(s3.s3VersionedLifecycle, [b, side(V, { versioningConfiguration: { status: UNKNOWN } }, b)]);
  });
});

describe("policy s3-bucket-lifecycle-configured (S3.13)", () => {
  it("passes a bucket with an enabled rule", async () => {
    const b = res(BV2, {});
    await expectPass(s3.s3LifecycleConfigured, [b, side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [{ id: "glacier", status: "Enabled", transitions: [{ days: 90, storageClass: "GLACIER" }] }] }, b)]);
  });
  it("fails a bucket without one", () => expectFail(s3.s3LifecycleConfigured, [res(B, {}, { name: "raw" })], ["[S3.13] raw (aws:s3/bucket:Bucket): no enabled lifecycle rule. Fix: add an aws.s3.BucketLifecycleConfiguration"]));
  it("can be scoped to classifications", () => expectPass(s3.s3LifecycleConfigured, [res(B, { tags: { "data-classification": "public" } })], { dataClassifications: ["restricted"] }));
  it("cannot decide a rule status unknown at preview", async () => {
    const b = res(B, {});
    await expectUnknown(s3.s3LifecycleConfigured, [b, side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [{ id: "x", status: UNKNOWN }] }, b)]);
  });
});

describe("policy s3-bucket-event-notifications (S3.11)", () => {
  const N = "aws:s3/bucketNotification:BucketNotification";
  it("passes EventBridge or a queue", async () => {
    const b = res(B, {});
    await expectPass(s3.s3EventNotifications, [b, side(N, { eventbridge: true }, b)]);
    const b2 = res(BV2, {});
    await expectPass(s3.s3EventNotifications, [b2, side(N, { queues: [{ queueArn: UNKNOWN, events: ["s3:ObjectCreated:*"] }] }, b2)]);
  });
  it("fails no notification, and an empty one", async () => {
    await expectFail(s3.s3EventNotifications, [res(B, {}, { name: "raw" })], ["[S3.11] raw (aws:s3/bucket:Bucket): no event notification is configured", "aws.s3.BucketNotification"]);
    const b = res(B, {}, { name: "raw" });
    await expectFail(s3.s3EventNotifications, [b, side(N, { topics: [] }, b)], ["[S3.11] raw"]);
  });
  it("can be scoped to classifications", () => expectPass(s3.s3EventNotifications, [res(B, {})], { dataClassifications: ["restricted"] }));
  it("cannot decide targets unknown at preview", async () => {
    const b = res(B, {});
    await expectUnknown(s3.s3EventNotifications, [b, side(N, { lambdaFunctions: UNKNOWN }, b)]);
  });
});

describe("policy s3-bucket-acls-disabled (S3.12)", () => {
  const O = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
  it("passes the BucketOwnerEnforced default and an explicit one", async () => {
    await expectPass(s3.s3AclsDisabled, [res(B, {})]);
    const b = res(B, {});
    await expectPass(s3.s3AclsDisabled, [b, side(O, { rule: { objectOwnership: "BucketOwnerEnforced" } }, b)], { requireExplicitOwnershipControls: true });
  });
  it("fails ObjectWriter ownership and ACL resources", async () => {
    const b = res(B, {}, { name: "legacy" });
    await expectFail(s3.s3AclsDisabled, [b, side(O, { rule: { objectOwnership: "ObjectWriter" } }, b, "own"), side("aws:s3/bucketAclV2:BucketAclV2", { acl: "log-delivery-write" }, b, "acl")], [
      "[S3.12] legacy (aws:s3/bucket:Bucket): ACLs are in use: aws.s3.BucketOwnershipControls own sets objectOwnership ObjectWriter; aws.s3.BucketAcl acl manages its ACL (`log-delivery-write`)",
      "`rule.objectOwnership: \"BucketOwnerEnforced\"`",
    ]);
  });
  it("passes a BucketAcl that only resets the ACL to private", async () => {
    const b = res(B, {});
    await expectPass(s3.s3AclsDisabled, [b, side("aws:s3/bucketAcl:BucketAcl", { acl: "private" }, b)]);
  });
  it("fails an inline non-private acl on a BucketV2", () => expectFail(s3.s3AclsDisabled, [res(BV2, { acl: "log-delivery-write" }, { name: "logs" })], ["the bucket sets `acl: \"log-delivery-write\"`"]));
  it("requires explicit ownership controls when configured", () => expectFail(s3.s3AclsDisabled, [res(B, {}, { name: "b" })], ["no aws.s3.BucketOwnershipControls is declared"], { requireExplicitOwnershipControls: true }));
  it("cannot decide an ownership unknown at preview", async () => {
    const b = res(B, {});
    await expectUnknown(s3.s3AclsDisabled, [b, side(O, { rule: { objectOwnership: UNKNOWN } }, b)]);
  });
});

describe("policy s3-bucket-versioning (S3.14)", () => {
  for (const t of ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"]) {
    it(`passes a ${t.split(":").pop()} Enabled`, async () => {
      const b = res(B, {});
      await expectPass(s3.s3Versioning, [b, side(t, { versioningConfiguration: { status: "Enabled" } }, b)]);
    });
  }
  it("passes inline versioning", () => expectPass(s3.s3Versioning, [res(B, { versioning: { enabled: true } })]));
  it("fails unversioned and suspended buckets", async () => {
    await expectFail(s3.s3Versioning, [res(B, {}, { name: "u" })], ["[S3.14] u (aws:s3/bucket:Bucket): versioning is not enabled", "`versioningConfiguration.status: \"Enabled\"`"]);
    const b = res(B, {}, { name: "s" });
    await expectFail(s3.s3Versioning, [b, side("aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Suspended" } }, b)], ["[S3.14] s"]);
  });
  it("can be scoped to classifications", () => expectPass(s3.s3Versioning, [res(B, { tags: { "data-classification": "public" } })], { dataClassifications: ["confidential", "restricted"] }));
  it("cannot decide a status unknown at preview", () => expectUnknown(s3.s3Versioning, [res(B, { versioning: { enabled: UNKNOWN } })]));
});

describe("policy s3-bucket-mfa-delete (S3.20)", () => {
  const restricted = { tags: { "data-classification": "restricted" } };
  it("passes MFA delete on a side resource or inline", async () => {
    const b = res(B, restricted);
    await expectPass(s3.s3MfaDelete, [b, side("aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Enabled", mfaDelete: "Enabled" }, mfa: "arn 123456" }, b)]);
    await expectPass(s3.s3MfaDelete, [res(B, { ...restricted, versioning: { enabled: true, mfaDelete: true } })]);
  });
  it("fails (advisory) a restricted bucket without it; other buckets pass", async () => {
    const v = await expectFail(s3.s3MfaDelete, [res(B, restricted, { name: "ledger" })], ["[S3.20] ledger (aws:s3/bucket:Bucket): MFA delete is not enabled", "`versioningConfiguration.mfaDelete: \"Enabled\"`"]);
    expect(v.enforcementLevel).to.equal("advisory");
    await expectPass(s3.s3MfaDelete, [res(B, {})]);
  });
  it("covers every bucket when dataClassifications is empty", () => expectFail(s3.s3MfaDelete, [res(B, {}, { name: "any" })], ["[S3.20] any"], { dataClassifications: [] }));
  it("cannot decide a value unknown at preview", () => expectUnknown(s3.s3MfaDelete, [res(B, { ...restricted, versioning: { enabled: true, mfaDelete: UNKNOWN } })]));
});

describe("policy s3-bucket-object-lock (S3.15)", () => {
  const restricted = { tags: { "data-classification": "restricted" } };
  const L = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
  it("passes objectLockEnabled on the bucket, or a lock configuration (either token, default Enabled)", async () => {
    await expectPass(s3.s3ObjectLock, [res(B, { ...restricted, objectLockEnabled: true })]);
    for (const t of [L, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"]) {
      const b = res(B, restricted);
      await expectPass(s3.s3ObjectLock, [b, side(t, {}, b)]);
    }
  });
  it("fails (mandatory: medium severity) a restricted bucket without Object Lock", async () => {
    const v = await expectFail(s3.s3ObjectLock, [res(BV2, restricted, { name: "audit" })], [`[S3.15] audit (${BV2}): Object Lock is not enabled`, "`objectLockEnabled: true`"]);
    expect(v.enforcementLevel).to.equal("mandatory");
  });
  it("requires a default retention when configured", async () => {
    const b = res(B, { ...restricted, objectLockEnabled: true }, { name: "audit" });
    await expectFail(s3.s3ObjectLock, [b], ["[S3.15] audit", "no default retention rule"], { requireDefaultRetention: true });
    const b2 = res(B, { ...restricted, objectLockEnabled: true });
    await expectPass(s3.s3ObjectLock, [b2, side(L, { rule: { defaultRetention: { mode: "COMPLIANCE", years: 7 } } }, b2)], { requireDefaultRetention: true });
  });
  it("cannot decide objectLockEnabled unknown at preview", () => expectUnknown(s3.s3ObjectLock, [res(B, { ...restricted, objectLockEnabled: UNKNOWN })]));
});

describe("policy s3-bucket-sse-kms (S3.17)", () => {
  const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
  it("passes aws:kms on a side resource, and aws:kms:dsse inline on a BucketV2", async () => {
    const b = res(B, {});
    await expectPass(s3.s3SseKms, [b, side(SSE, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN }, bucketKeyEnabled: true }] }, b)]);
    await expectPass(s3.s3SseKms, [res(BV2, { serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm: "aws:kms:dsse" }] }] }] })]);
  });
  it("fails SSE-S3, explicit or by default", async () => {
    await expectFail(s3.s3SseKms, [res(B, {}, { name: "d" })], ["[S3.17] d (aws:s3/bucket:Bucket): no default encryption is declared, so S3 uses SSE-S3, not KMS", "`sseAlgorithm: \"aws:kms\"`"]);
    await expectFail(s3.s3SseKms, [res(B, { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } }, { name: "d" })], ["default encryption does not use aws:kms"]);
  });
  it("can be scoped to classifications", () => expectPass(s3.s3SseKms, [res(B, {})], { dataClassifications: ["restricted"] }));
  it("skips buckets that receive AWS service logs (SSE-S3 only) unless configured otherwise", async () => {
    const alb = (logs: PlannedResource) => res("aws:lb/loadBalancer:LoadBalancer", { accessLogs: { bucket: UNKNOWN, enabled: true } }, { name: "web", deps: { accessLogs: [logs] } });
    const logs = res(B, {}, { name: "logs" });
    await expectPass(s3.s3SseKms, [logs, alb(logs)]);
    await expectFail(s3.s3SseKms, [logs, alb(logs)], ["[S3.17] logs"], { ignoreLogDeliveryBuckets: false });
    const cfLogs = res(B, { bucket: "cf-logs" });
    await expectPass(s3.s3SseKms, [cfLogs, res("aws:cloudfront/distribution:Distribution", { loggingConfig: { bucket: "cf-logs.s3.amazonaws.com" } })]);
    const accessLogs = res(B, { bucket: "access-logs" });
    await expectPass(s3.s3SseKms, [accessLogs, res(B, { bucket: "app", logging: { targetBucket: "access-logs" }, serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } } })]);
  });
  it("cannot decide an algorithm unknown at preview", () => expectUnknown(s3.s3SseKms, [res(B, { serverSideEncryptionConfiguration: UNKNOWN })]));
});

describe("policy s3-bucket-cmk-for-classified-data (BP.Bucket.1)", () => {
  const SSE = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
  const kms = (key?: unknown) => ({ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", ...(key !== undefined ? { kmsMasterKeyId: key } : {}) } }] });
  it("passes a confidential bucket encrypted with a key of the program", async () => {
    const b = res(B, { tags: { "data-classification": "confidential" } });
    await expectPass(s3.s3ClassifiedCmk, [b, side(SSE, kms(UNKNOWN), b)]);
  });
  it("fails a PHI bucket on the AWS managed key or SSE-S3", async () => {
    const b = res(B, { tags: { "data-classification": "internal", compliance: "hipaa pci-dss" } }, { name: "phi" });
    await expectFail(s3.s3ClassifiedCmk, [b, side(SSE, kms("alias/aws/s3"), b)], [
      "[BP.Bucket.1, BP.Data.2] phi (aws:s3/bucket:Bucket): the bucket holds compliance=hipaa, compliance=pci-dss data but is not encrypted with a customer managed KMS key",
      "`kmsMasterKeyId`",
    ]);
    const b2 = res(B, { tags: { "data-classification": "restricted" } }, { name: "r" });
    await expectFail(s3.s3ClassifiedCmk, [b2, side(SSE, kms(), b2)], ["[BP.Bucket.1, BP.Data.2] r"]);
  });
  it("ignores unclassified buckets unless configured for all", async () => {
    await expectPass(s3.s3ClassifiedCmk, [res(B, { tags: { "data-classification": "public" } })]);
    await expectFail(s3.s3ClassifiedCmk, [res(B, { tags: { "data-classification": "public" } }, { name: "p" })], ["[BP.Bucket.1, BP.Data.2] p"], { classifiedData: { classifications: ["*"] } });
  });
  it("skips a classified bucket that receives load balancer access logs", async () => {
    const logs = res(B, { tags: { "data-classification": "confidential" } });
    await expectPass(s3.s3ClassifiedCmk, [logs, res("aws:alb/loadBalancer:LoadBalancer", { accessLogs: { bucket: UNKNOWN } }, { deps: { accessLogs: [logs] } })]);
  });
  it("cannot decide a classification unknown at preview", () => expectUnknown(s3.s3ClassifiedCmk, [res(B, { tags: UNKNOWN })]));
});

describe("policies s3-access-point-block-public-access (S3.19) and s3-multi-region-access-point-block-public-access (S3.24)", () => {
  const AP = "aws:s3/accessPoint:AccessPoint";
  const MRAP = "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint";
  it("passes the defaults (all true) and explicit true", async () => {
    await expectPass(s3.s3AccessPointBlockPublic, [res(AP, { bucket: "b" })]);
    await expectPass(s3.s3AccessPointBlockPublic, [res(AP, { bucket: "b", publicAccessBlockConfiguration: ALL_ON })]);
    await expectPass(s3.s3MultiRegionAccessPointBlockPublic, [res(MRAP, { details: { name: "m", regions: [{ bucket: "b" }] } })]);
  });
  it("fails settings turned off", async () => {
    await expectFail(s3.s3AccessPointBlockPublic, [res(AP, { bucket: "b", publicAccessBlockConfiguration: { blockPublicPolicy: false } }, { name: "ap" })], [
      `[S3.19] ap (${AP}): publicAccessBlockConfiguration.blockPublicPolicy is false`,
      "Fix: set `publicAccessBlockConfiguration.blockPublicPolicy: true`",
    ]);
    await expectFail(s3.s3MultiRegionAccessPointBlockPublic, [res(MRAP, { details: { name: "m", regions: [], publicAccessBlock: { ...ALL_ON, ignorePublicAcls: false, restrictPublicBuckets: false } } }, { name: "mrap" })], [
      `[S3.24] mrap (${MRAP}): details.publicAccessBlock.ignorePublicAcls, details.publicAccessBlock.restrictPublicBuckets are false`,
    ]);
  });
  it("cannot decide settings unknown at preview", async () => {
    await expectUnknown(s3.s3AccessPointBlockPublic, [res(AP, { bucket: "b", publicAccessBlockConfiguration: { blockPublicAcls: UNKNOWN } })]);
    await expectUnknown(s3.s3MultiRegionAccessPointBlockPublic, [res(MRAP, { details: UNKNOWN })]);
  });
});

describe("policy s3-directory-bucket-lifecycle (S3.25)", () => {
  const D = "aws:s3/directoryBucket:DirectoryBucket";
  it("passes a directory bucket with a lifecycle", async () => {
    const d = res(D, { bucket: "data--use1-az4--x-s3", location: { name: "use1-az4" } });
    await expectPass(s3.s3DirectoryBucketLifecycle, [d, res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { bucket: "data--use1-az4--x-s3", rules: [{ id: "x", status: "Enabled" }] })]);
  });
  it("fails one without", () =>
    expectFail(s3.s3DirectoryBucketLifecycle, [res(D, { bucket: "x--use1-az4--x-s3", location: {} }, { name: "express" })], [`[S3.25] express (${D}): no enabled lifecycle rule`]));
  it("cannot decide a status unknown at preview", async () => {
    const d = res(D, { bucket: UNKNOWN, location: {} });
    await expectUnknown(s3.s3DirectoryBucketLifecycle, [d, side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [{ id: "x", status: UNKNOWN }] }, d)]);
  });
});

describe("storage-s3 exemptions", () => {
  it("exempts a bucket with a reason, through the framework", async () => {
    const vs = await evaluate(s3.s3Versioning, [res(B, {}, { name: "scratch" })], { exemptions: [{ resource: "urn:pulumi:test::test::aws:s3/bucket:Bucket::scratch", expires: "2099-12-31", reason: "ephemeral scratch space, recreated daily" }] });
    expect(findings(vs)).to.deep.equal([]);
    expect(vs[0]!.message).to.match(/^EXEMPTED \[S3.14\] scratch/);
  });
});
