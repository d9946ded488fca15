import * as ddb from "../../policy-packs/aws-compliance/policies/storage-dynamodb";
import { res, UNKNOWN } from "../helpers/policy";
import { expectFail, expectPass, expectUnknown } from "./storage-helpers";

const TABLE = "aws:dynamodb/table:Table";
const REPLICA = "aws:dynamodb/tableReplica:TableReplica";
const DAX = "aws:dax/cluster:Cluster";
const TARGET = "aws:appautoscaling/target:Target";
const SPOLICY = "aws:appautoscaling/policy:Policy";
const SEL = "aws:backup/selection:Selection";

const key = { name: "orders", hashKey: "id", attributes: [{ name: "id", type: "S" }] };

describe("policy dynamodb-table-autoscaling (DynamoDB.1)", () => {
  const provisioned = () => res(TABLE, { ...key, billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 }, { name: "orders" });
  const target = (dim: string, table = provisioned()) =>
    res(TARGET, { serviceNamespace: "dynamodb", resourceId: "table/orders", scalableDimension: dim, minCapacity: 5, maxCapacity: 100 }, { deps: { resourceId: [table] } });
  const policy = (t: ReturnType<typeof target>, dim: string) =>
    res(SPOLICY, { policyType: "TargetTrackingScaling", serviceNamespace: "dynamodb", resourceId: UNKNOWN, scalableDimension: dim }, { deps: { resourceId: [t] } });

  it("passes on-demand tables", () => expectPass(ddb.dynamoAutoScaling, res(TABLE, { ...key, billingMode: "PAY_PER_REQUEST" })));
  it("passes provisioned tables with targets and policies on read and write", async () => {
    const t = provisioned();
    const r = target("dynamodb:table:ReadCapacityUnits", t);
    const w = target("dynamodb:table:WriteCapacityUnits", t);
    await expectPass(ddb.dynamoAutoScaling, [t, r, w, policy(r, "dynamodb:table:ReadCapacityUnits"), policy(w, "dynamodb:table:WriteCapacityUnits")]);
  });
  it("joins targets by `table/<name>` when there is no dependency", async () => {
    const t = provisioned();
    const lit = (dim: string) => res(TARGET, { serviceNamespace: "dynamodb", resourceId: "table/orders", scalableDimension: dim, minCapacity: 1, maxCapacity: 2 });
    const r = lit("dynamodb:table:ReadCapacityUnits");
    const w = lit("dynamodb:table:WriteCapacityUnits");
    await expectPass(ddb.dynamoAutoScaling, [t, r, w], { requireScalingPolicy: false });
  });
  it("fails the PROVISIONED default without scaling, naming what is missing", async () => {
    await expectFail(ddb.dynamoAutoScaling, res(TABLE, { ...key, readCapacity: 5, writeCapacity: 5 }, { name: "orders" }), [
      `[DynamoDB.1] orders (${TABLE}): provisioned capacity without auto scaling: no aws.appautoscaling.Target for read capacity (dynamodb:table:ReadCapacityUnits); no aws.appautoscaling.Target for write capacity`,
      "`billingMode: \"PAY_PER_REQUEST\"`",
    ]);
  });
  it("requires scaling policies unless configured otherwise", async () => {
    const t = provisioned();
    const rs = [t, target("dynamodb:table:ReadCapacityUnits", t), target("dynamodb:table:WriteCapacityUnits", t)];
    await expectFail(ddb.dynamoAutoScaling, rs, ["no aws.appautoscaling.Policy for read capacity; no aws.appautoscaling.Policy for write capacity"]);
    await expectPass(ddb.dynamoAutoScaling, rs, { requireScalingPolicy: false });
  });
  it("cannot decide a billing mode unknown at preview", () => expectUnknown(ddb.dynamoAutoScaling, res(TABLE, { ...key, billingMode: UNKNOWN })));
});

describe("policy dynamodb-table-pitr (DynamoDB.2)", () => {
  it("passes tables and replicas with PITR", async () => {
    await expectPass(ddb.dynamoPitr, res(TABLE, { ...key, pointInTimeRecovery: { enabled: true }, replicas: [{ regionName: "eu-west-1", pointInTimeRecovery: true }] }));
    await expectPass(ddb.dynamoPitr, res(REPLICA, { globalTableArn: UNKNOWN, pointInTimeRecovery: true }));
  });
  it("fails a table without PITR, an inline replica without it, and a TableReplica without it", async () => {
    await expectFail(ddb.dynamoPitr, res(TABLE, key, { name: "orders" }), [`[DynamoDB.2] orders (${TABLE}): point-in-time recovery is off. Fix: set \`pointInTimeRecovery: { enabled: true }\``]);
    await expectFail(ddb.dynamoPitr, res(TABLE, { ...key, pointInTimeRecovery: { enabled: true }, replicas: [{ regionName: "eu-west-1" }] }, { name: "orders" }), [
      "point-in-time recovery is off on the replica in eu-west-1",
    ]);
    await expectFail(ddb.dynamoPitr, res(REPLICA, { globalTableArn: "arn" }, { name: "r" }), [`[DynamoDB.2] r (${REPLICA}): point-in-time recovery is off on the replica`]);
  });
  it("checks the recovery period against minRecoveryPeriodDays", async () => {
    const t = res(TABLE, { ...key, pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 7 } }, { name: "orders" });
    await expectPass(ddb.dynamoPitr, t);
    await expectFail(ddb.dynamoPitr, t, ["the recovery period is 7 days, below the required 35"], { minRecoveryPeriodDays: 35 });
  });
  it("cannot run during preview when PITR is unknown", () => expectUnknown(ddb.dynamoPitr, res(TABLE, { ...key, pointInTimeRecovery: { enabled: UNKNOWN } })));
});

describe("policy dynamodb-table-in-backup-plan (DynamoDB.4)", () => {
  it("passes a table listed by dependency, by wildcard ARN, or by tag", async () => {
    const t = res(TABLE, { ...key, tags: { backup: "yes" } });
    await expectPass(ddb.dynamoInBackupPlan, [t, res(SEL, { planId: "p", iamRoleArn: "r", resources: [UNKNOWN] }, { deps: { resources: [t] } })]);
    await expectPass(ddb.dynamoInBackupPlan, [t, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:dynamodb:us-east-1:111122223333:table/*"] })]);
    await expectPass(ddb.dynamoInBackupPlan, [t, res(SEL, { planId: "p", iamRoleArn: "r", selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "yes" }] })]);
  });
  it("fails an uncovered table", () =>
    expectFail(ddb.dynamoInBackupPlan, [res(TABLE, key, { name: "orders" }), res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:elasticfilesystem:*:*:file-system/*"] })], [
      `[DynamoDB.4] orders (${TABLE}): no AWS Backup selection covers the table`,
      "aws.backup.Selection `resources`",
    ]));
  it("passes a table named by an ARN string (its name, or its own ARN output); another table's ARN does not cover it", async () => {
    const named = res(TABLE, { ...key, name: "orders" }, { name: "orders" });
    await expectPass(ddb.dynamoInBackupPlan, [named, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:dynamodb:us-east-1:111122223333:table/orders"] })]);
    const withOutput = res(TABLE, { ...key, arn: "arn:aws:dynamodb:us-east-1:111122223333:table/orders-5f3a" }, { name: "by-output" });
    await expectPass(ddb.dynamoInBackupPlan, [withOutput, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:dynamodb:us-east-1:111122223333:table/orders-5f3a"] })]);
    await expectFail(ddb.dynamoInBackupPlan, [named, res(SEL, { planId: "p", iamRoleArn: "r", resources: ["arn:aws:dynamodb:us-east-1:111122223333:table/payments", "arn:aws:rds:us-east-1:111122223333:cluster:orders"] })], ["no AWS Backup selection covers the table"]);
  });
  it("can be scoped to classifications", () => expectPass(ddb.dynamoInBackupPlan, res(TABLE, { ...key, tags: { "data-classification": "public" } }), { dataClassifications: ["restricted"] }));
  it("cannot decide when a tag selection meets tags unknown at preview", () =>
    expectUnknown(ddb.dynamoInBackupPlan, [res(TABLE, { ...key, tags: UNKNOWN }), res(SEL, { planId: "p", iamRoleArn: "r", selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "yes" }] })]));
});

describe("policies dax-cluster-encrypted-at-rest (DynamoDB.3) / dax-cluster-tls (DynamoDB.7)", () => {
  const base = { clusterName: "c", iamRoleArn: "r", nodeType: "dax.r5.large", replicationFactor: 3 };
  it("passes an encrypted TLS cluster", async () => {
    const c = res(DAX, { ...base, serverSideEncryption: { enabled: true }, clusterEndpointEncryptionType: "TLS" });
    await expectPass(ddb.daxEncryptedAtRest, c);
    await expectPass(ddb.daxTls, c);
  });
  it("fails the defaults", async () => {
    const c = res(DAX, base, { name: "cache" });
    await expectFail(ddb.daxEncryptedAtRest, c, [`[DynamoDB.3] cache (${DAX}): encryption at rest is off. Fix: set \`serverSideEncryption: { enabled: true }\``]);
    await expectFail(ddb.daxTls, c, [`[DynamoDB.7] cache (${DAX}): the cluster endpoint encryption type is NONE. Fix: set \`clusterEndpointEncryptionType: "TLS"\``]);
  });
  it("cannot run during preview on unknown values", async () => {
    await expectUnknown(ddb.daxEncryptedAtRest, res(DAX, { ...base, serverSideEncryption: { enabled: UNKNOWN } }));
    await expectUnknown(ddb.daxTls, res(DAX, { ...base, clusterEndpointEncryptionType: UNKNOWN }));
  });
});

describe("policy dynamodb-table-cmk (BP.DynamoDB.1)", () => {
  const restricted = { tags: { "data-classification": "restricted" } };
  const cmk = res("aws:kms/key:Key", {}, { name: "table-key" });
  it("passes a restricted table on a customer managed key (known or a key's output), with replica keys", async () => {
    await expectPass(ddb.dynamoCmk, [cmk, res(TABLE, { ...key, ...restricted, serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN }, replicas: [{ regionName: "eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/x" }] }, { deps: { serverSideEncryption: [cmk] } })]);
    await expectPass(ddb.dynamoCmk, [cmk, res(REPLICA, { ...restricted, globalTableArn: "a", kmsKeyArn: UNKNOWN }, { deps: { kmsKeyArn: [cmk] } })]);
  });
  it("cannot decide a key unknown at preview that comes from no key", async () => {
    await expectUnknown(ddb.dynamoCmk, res(TABLE, { ...key, ...restricted, serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } }));
    await expectUnknown(ddb.dynamoCmk, res(REPLICA, { ...restricted, globalTableArn: "a", kmsKeyArn: UNKNOWN }));
  });
  it("fails AWS owned and AWS managed keys, and a replica without a key", async () => {
    await expectFail(ddb.dynamoCmk, res(TABLE, { ...key, ...restricted }, { name: "ledger" }), [
      `[BP.DynamoDB.1, BP.Data.2] ledger (${TABLE}): the table holds data-classification=restricted data but is not encrypted with a customer managed key`,
      "`serverSideEncryption: { enabled: true, kmsKeyArn: <your aws.kms.Key arn> }`",
    ]);
    await expectFail(ddb.dynamoCmk, res(TABLE, { ...key, ...restricted, serverSideEncryption: { enabled: true, kmsKeyArn: "alias/aws/dynamodb" } }), ["not encrypted with a customer managed key"]);
    await expectFail(ddb.dynamoCmk, [cmk, res(TABLE, { ...key, ...restricted, serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN }, replicas: [{ regionName: "eu-west-1" }] }, { deps: { serverSideEncryption: [cmk] } })], [
      "the replica in eu-west-1 names no customer managed key",
    ]);
    await expectFail(ddb.dynamoCmk, res(REPLICA, { ...restricted, globalTableArn: "a" }, { name: "r" }), [`[BP.DynamoDB.1, BP.Data.2] r (${REPLICA}): the replica holds data-classification=restricted data`]);
  });
  it("applies to PCI/HIPAA tables and follows the scope config", async () => {
    await expectFail(ddb.dynamoCmk, res(TABLE, { ...key, tags: { "data-classification": "internal", compliance: "pci-dss" } }), ["compliance=pci-dss"]);
    await expectPass(ddb.dynamoCmk, res(TABLE, { ...key, tags: { "data-classification": "internal", compliance: "none" } }));
    await expectFail(ddb.dynamoCmk, res(TABLE, { ...key, tags: { "data-classification": "internal" } }), ["[BP.DynamoDB.1, BP.Data.2]"], { classifiedData: { classifications: ["internal"] } });
  });
  it("cannot decide when encryption is unknown at preview", () => expectUnknown(ddb.dynamoCmk, res(TABLE, { ...key, ...restricted, serverSideEncryption: UNKNOWN })));
});
