import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { KeyValueTable, KeyValueTableArgs } from "../../components/data/key-value-table";
import { isWildcardAction } from "../../components/security/policy-document";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const EU_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-4333-a444-555555555555";
const TABLE = "aws:dynamodb/table:Table";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

describe("KeyValueTable", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<KeyValueTableArgs> = {}, env: "dev" | "prod" = "dev") {
    const t = new KeyValueTable(name, { context: testContext(env), kmsKey: KEY_ARN, partitionKey: { name: "pk", type: "S" }, ...args });
    await mocks.settle();
    return t;
  }

  const role = (n: string) => new aws.iam.Role(n, { assumeRolePolicy: "{}" });

  describe("secure defaults", () => {
    it("is one table: on-demand, CMK-encrypted, point-in-time recovery on, tagged", async () => {
      await build("sessions");
      const component = mocks.one("blueprints:data:KeyValueTable", "sessions");
      expect(mocks.descendantsOf(component.urn).map((r) => r.type)).to.deep.equal([TABLE]);
      const t = mocks.one(TABLE).inputs;
      expect(t).to.deep.include({ name: "test-dev-sessions", billingMode: "PAY_PER_REQUEST", hashKey: "pk", tableClass: "STANDARD" });
      expect(t.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: KEY_ARN });
      expect(t.pointInTimeRecovery).to.deep.equal({ enabled: true, recoveryPeriodInDays: 35 });
      expect(t.attributes).to.deep.equal([{ name: "pk", type: "S" }]);
      expect(t.streamEnabled).to.equal(undefined);
      expect(t.ttl).to.equal(undefined);
      expect(t.tags).to.include.keys(...RequiredTagKeys);
    });

    it("declares key attributes of the table and its indexes once, with key schemas for GSIs", async () => {
      await build("carts", {
        sortKey: { name: "sk", type: "S" },
        globalSecondaryIndexes: [
          { name: "by-customer", partitionKey: { name: "customerId", type: "S" }, sortKey: { name: "updatedAt", type: "N" } },
          { name: "by-status", partitionKey: { name: "status", type: "S" }, projection: ["total"] },
        ],
      });
      const t = mocks.one(TABLE).inputs;
      expect(t.rangeKey).to.equal("sk");
      expect(t.attributes).to.deep.equal([
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
        { name: "customerId", type: "S" },
        { name: "updatedAt", type: "N" },
        { name: "status", type: "S" },
      ]);
      expect(t.globalSecondaryIndexes).to.deep.equal([
        { name: "by-customer", keySchemas: [{ attributeName: "customerId", keyType: "HASH" }, { attributeName: "updatedAt", keyType: "RANGE" }], projectionType: "ALL" },
        { name: "by-status", keySchemas: [{ attributeName: "status", keyType: "HASH" }], projectionType: "INCLUDE", nonKeyAttributes: ["total"] },
      ]);
    });

    it("TTL on the attribute given, and a stream when asked", async () => {
      const t = await build("sessions", { ttlAttribute: "expiresAt", stream: "NEW_IMAGE" });
      const inputs = mocks.one(TABLE).inputs;
      expect(inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
      expect(inputs).to.deep.include({ streamEnabled: true, streamViewType: "NEW_IMAGE" });
      expect(await promiseOf(t.streamArn)).to.match(/^arn:aws:dynamodb:us-east-1:123456789012:table\/test-dev-sessions\/stream\//);
    });
  });

  describe("dev and prod", () => {
    it("dev: no deletion protection, not protected", async () => {
      await build("sessions", {}, "dev");
      const t = mocks.one(TABLE);
      expect(t.inputs.deletionProtectionEnabled).to.equal(false);
      expect(t.protect).to.equal(false);
      expect(t.retainOnDelete).to.equal(false);
    });

    it("prod: deletion protection, protected and retained on delete", async () => {
      await build("sessions", {}, "prod");
      const t = mocks.one(TABLE);
      expect(t.inputs.deletionProtectionEnabled).to.equal(true);
      expect(t.protect).to.equal(true);
      expect(t.retainOnDelete).to.equal(true);
    });

    it("prod global table: a replica per region with its own key, PITR and deletion protection; streams NEW_AND_OLD_IMAGES", async () => {
      await build("carts", { replicas: { "eu-west-1": EU_KEY_ARN } }, "prod");
      const t = mocks.one(TABLE).inputs;
      expect(t.replicas).to.deep.equal([{ regionName: "eu-west-1", kmsKeyArn: EU_KEY_ARN, pointInTimeRecovery: true, deletionProtectionEnabled: true, propagateTags: true }]);
      expect(t).to.deep.include({ streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
    });
  });

  describe("grants", () => {
    it("grantReadData: read actions on the table and its indexes, decrypt through DynamoDB only", async () => {
      const t = await build("carts");
      t.grantReadData(role("reader"));
      await mocks.settle();
      const policy = mocks.one(ROLE_POLICY).inputs.policy;
      const arn = await promiseOf(t.tableArn);
      const read = statement(policy, "ReadItems");
      expect(read.Action).to.have.members(["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]);
      expect(read.Resource).to.deep.equal([arn, `${arn}/index/*`]);
      expect(statement(policy, "UseTableKeyThroughDynamoDb")).to.deep.include({
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: [KEY_ARN],
        Condition: { StringEquals: { "kms:ViaService": ["dynamodb.us-east-1.amazonaws.com"] } },
      });
    });

    it("grantWriteData: write actions only, encrypt and decrypt with the key", async () => {
      const t = await build("carts");
      t.grantWriteData(role("writer"));
      await mocks.settle();
      const policy = mocks.one(ROLE_POLICY).inputs.policy;
      expect(statement(policy, "WriteItems").Action).to.have.members(["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem"]);
      expect(statement(policy, "UseTableKeyThroughDynamoDb").Action).to.include.members(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]);
    });

    it("grantReadWriteData: both, with named actions only; replicas' tables and keys included", async () => {
      const t = await build("carts", { replicas: { "eu-west-1": EU_KEY_ARN } });
      t.grantReadWriteData(role("both"));
      await mocks.settle();
      const policy = mocks.one(ROLE_POLICY).inputs.policy;
      const s = statement(policy, "ReadWriteItems");
      expect(s.Action).to.include.members(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]);
      expect(s.Resource).to.include("arn:aws:dynamodb:eu-west-1:123456789012:table/test-dev-carts");
      const k = statement(policy, "UseTableKeyThroughDynamoDb");
      expect(k.Resource).to.deep.equal([KEY_ARN, EU_KEY_ARN]);
      expect(k.Condition.StringEquals["kms:ViaService"]).to.deep.equal(["dynamodb.us-east-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"]);
      for (const st of statementsOf(policy)) for (const a of [st.Action].flat()) expect(isWildcardAction(a), a).to.equal(false);
    });

    it("grantStreamRead: stream actions on the table's streams; refused without a stream", async () => {
      const t = await build("carts", { stream: "NEW_AND_OLD_IMAGES" });
      t.grantStreamRead(role("consumer"));
      await mocks.settle();
      const s = statement(mocks.one(ROLE_POLICY).inputs.policy, "ReadStream");
      expect(s).to.deep.include({ Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], Resource: `${await promiseOf(t.tableArn)}/stream/*` });
      const plain = await build("plain");
      expect(() => plain.grantStreamRead(role("nope"))).to.throw(/the table has no stream/);
    });
  });

  describe("dangerous arguments throw", () => {
    const base = { context: testContext("dev"), kmsKey: KEY_ARN, partitionKey: { name: "pk", type: "S" as const } };
    it("refuses a replica stream that is not NEW_AND_OLD_IMAGES, and a replica in the table's own region", () => {
      try {
        new KeyValueTable("bad", { ...base, stream: "KEYS_ONLY", replicas: { "us-east-1": KEY_ARN } });
        expect.fail("should have thrown");
      } catch (e) {
        const m = (e as Error).message;
        expect(m).to.match(/invalid arguments \(2\)/);
        expect(m).to.include('stream = "KEYS_ONLY": global-table replicas need NEW_AND_OLD_IMAGES');
        expect(m).to.include('replicas "us-east-1" is this stack\'s own region');
      }
    });

    it("refuses an attribute declared with two types, and TTL on a key attribute", () => {
      expect(
        () => new KeyValueTable("types", { ...base, globalSecondaryIndexes: [{ name: "by-pk", partitionKey: { name: "pk", type: "N" } }], ttlAttribute: "pk" }),
      ).to.throw(/"pk": declared as N here and S elsewhere[\s\S]*ttlAttribute "pk" is a key attribute/);
    });

    it("refuses a PITR window outside 1 to 35 days and a bad region code", () => {
      expect(() => new KeyValueTable("pitr", { ...base, pointInTimeRecoveryDays: 90 })).to.throw(/pointInTimeRecoveryDays = 90: must be 1 to 35/);
      expect(() => new KeyValueTable("region", { ...base, replicas: { europe: EU_KEY_ARN } })).to.throw(/replicas "europe": not an AWS region code/);
    });
  });
});
