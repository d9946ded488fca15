import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { EncryptionKey, keyArnOf } from "../../components/security/encryption-key";
import { isWildcardAction } from "../../components/security/policy-document";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, statementsOf, testContext } from "../helpers/mocks";

const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";
const ACCOUNT = "123456789012";

describe("EncryptionKey", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<ConstructorParameters<typeof EncryptionKey>[1]> = {}, env: "dev" | "prod" = "dev") {
    const key = new EncryptionKey(name, { context: testContext(env), description: `${name} key`, ...args });
    await mocks.settle();
    return key;
  }

  describe("secure defaults", () => {
    it("creates exactly a key and an alias under the component", async () => {
      await build("plain");
      const component = mocks.one("blueprints:security:EncryptionKey", "plain");
      const children = mocks.descendantsOf(component.urn).map((r) => `${r.type} ${r.name}`);
      expect(children).to.have.members([`${KEY} plain`, `${ALIAS} plain`]);
      expect(children).to.have.length(2);
    });

    it("rotates the key material yearly and carries the required tags", async () => {
      await build("rotated");
      const key = mocks.one(KEY).inputs;
      expect(key.enableKeyRotation).to.equal(true);
      expect(key.rotationPeriodInDays).to.equal(365);
      expect(key.tags).to.include.keys(...RequiredTagKeys);
      expect(key.tags.Name).to.equal("test-dev-rotated");
    });

    it("names the alias after the stack and targets the key", async () => {
      const k = await build("named");
      const alias = mocks.one(ALIAS).inputs;
      expect(alias.name).to.equal("alias/test-dev-named");
      expect(alias.targetKeyId).to.equal(await promiseOf(k.keyId));
    });

    it("lets the account root administer and use the key through IAM, naming every action", async () => {
      await build("root");
      const policy = mocks.one(KEY).inputs.policy;
      const root = statement(policy, "AccountAdministersAndUsesKeyThroughIam");
      expect(root.Principal).to.deep.equal({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
      // PutKeyPolicy keeps the key manageable (KMS's lockout safety check).
      expect(root.Action).to.include.members(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Encrypt", "kms:Decrypt"]);
      for (const s of statementsOf(policy)) {
        for (const a of [s.Action].flat()) expect(isWildcardAction(a), `${s.Sid}: ${a}`).to.equal(false);
      }
    });

    it("grants no service and no other principal unless asked", async () => {
      await build("private");
      expect(statementsOf(mocks.one(KEY).inputs.policy).map((s) => s.Sid)).to.deep.equal(["AccountAdministersAndUsesKeyThroughIam"]);
    });
  });

  describe("service principals", () => {
    it("lets CloudTrail encrypt only trails of this account", async () => {
      await build("trail", { servicePrincipals: ["cloudtrail"] });
      const s = statement(mocks.one(KEY).inputs.policy, "CloudTrailEncryptsLogsOfThisAccount");
      expect(s.Principal).to.deep.equal({ Service: "cloudtrail.amazonaws.com" });
      expect(s.Action).to.deep.equal(["kms:GenerateDataKey"]);
      expect(s.Condition.StringEquals).to.deep.equal({ "aws:SourceAccount": ACCOUNT });
      expect(s.Condition.StringLike).to.deep.equal({ "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` });
    });

    it("lets CloudWatch Logs of this region use the key only for this account's log groups", async () => {
      await build("logs", { servicePrincipals: ["logs"] });
      const s = statement(mocks.one(KEY).inputs.policy, "CloudWatchLogsEncryptsLogGroupsOfThisAccount");
      expect(s.Principal).to.deep.equal({ Service: "logs.us-east-1.amazonaws.com" });
      expect(s.Condition).to.deep.equal({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*` } });
    });

    it("scopes AWS Config, CloudWatch alarms and EventBridge to this account (aws:SourceAccount)", async () => {
      await build("ops", { servicePrincipals: ["config", "cloudwatch", "events"] });
      const policy = mocks.one(KEY).inputs.policy;
      for (const [sid, service] of [
        ["AwsConfigDeliversToEncryptedBucket", "config.amazonaws.com"],
        ["CloudWatchAlarmsPublishToEncryptedTopic", "cloudwatch.amazonaws.com"],
        ["EventBridgePublishesToEncryptedTopic", "events.amazonaws.com"],
      ]) {
        const s = statement(policy, sid!);
        expect(s.Principal).to.deep.equal({ Service: service });
        expect(s.Action).to.deep.equal(["kms:GenerateDataKey", "kms:Decrypt"]);
        expect(s.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
      }
    });

    it("lets RDS event subscriptions of this account publish to a topic encrypted with the key", async () => {
      await build("alarms", { servicePrincipals: ["rds-events"] });
      const s = statement(mocks.one(KEY).inputs.policy, "RdsEventsPublishToEncryptedTopic");
      expect(s.Principal).to.deep.equal({ Service: "events.rds.amazonaws.com" });
      expect(s.Action).to.deep.equal(["kms:GenerateDataKey", "kms:Decrypt"]);
      expect(s.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
    });

    it("lets the account use the key only through the named services (kms:CallerAccount + kms:ViaService)", async () => {
      await build("ebs", { viaServices: ["ec2"] });
      const policy = mocks.one(KEY).inputs.policy;
      const use = statement(policy, "AccountUsesKeyThroughServices");
      expect(use.Principal).to.deep.equal({ AWS: "*" });
      expect(use.Condition).to.deep.equal({ StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["ec2.us-east-1.amazonaws.com"] } });
      expect(use.Action).to.not.include("kms:CreateGrant");
      const grants = statement(policy, "AccountServicesCreateGrantsForAwsResources");
      expect(grants.Action).to.deep.equal(["kms:CreateGrant"]);
      expect(grants.Condition.Bool).to.deep.equal({ "kms:GrantIsForAWSResource": "true" });
    });
  });

  describe("region", () => {
    it("stays in the stack's region by default (no region input)", async () => {
      const k = await build("home");
      expect(mocks.one(KEY).inputs.region).to.equal(undefined);
      expect(mocks.one(ALIAS).inputs.region).to.equal(undefined);
      expect(k.region).to.equal("us-east-1");
    });

    it("creates the key and its alias in another region, with services scoped to that region", async () => {
      const k = await build("replica", { region: "eu-west-1", viaServices: ["dynamodb"], servicePrincipals: ["logs"] });
      expect(mocks.one(KEY).inputs.region).to.equal("eu-west-1");
      expect(mocks.one(ALIAS).inputs.region).to.equal("eu-west-1");
      expect(k.region).to.equal("eu-west-1");
      const policy = mocks.one(KEY).inputs.policy;
      expect(statement(policy, "AccountUsesKeyThroughServices").Condition.StringEquals["kms:ViaService"]).to.deep.equal(["dynamodb.eu-west-1.amazonaws.com"]);
      const logs = statement(policy, "CloudWatchLogsEncryptsLogGroupsOfThisAccount");
      expect(logs.Principal).to.deep.equal({ Service: "logs.eu-west-1.amazonaws.com" });
      expect(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).to.equal(`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:*`);
    });

    it("fails on a region that is not a region code", () => {
      expect(() => new EncryptionKey("bad-region", { context: testContext("dev"), description: "x", region: "Europe" })).to.throw(/region = "Europe": must be an AWS region code/);
    });
  });

  describe("dev and prod", () => {
    it("dev: 7-day deletion window, not protected", async () => {
      await build("devkey");
      const key = mocks.one(KEY);
      expect(key.inputs.deletionWindowInDays).to.equal(7);
      expect(key.protect).to.equal(false);
      expect(key.retainOnDelete).to.equal(false);
    });

    it("prod: 30-day deletion window, protected and retained on delete", async () => {
      await build("prodkey", {}, "prod");
      const key = mocks.one(KEY);
      expect(key.inputs.deletionWindowInDays).to.equal(30);
      expect(key.protect).to.equal(true);
      expect(key.retainOnDelete).to.equal(true);
    });
  });

  describe("grants", () => {
    it("grantEncryptDecrypt: an inline policy on the role naming the actions on this key only", async () => {
      const key = await build("granting");
      const role = new aws.iam.Role("app", { assumeRolePolicy: "{}" });
      key.grantEncryptDecrypt(role);
      await mocks.settle();
      const grant = mocks.one("aws:iam/rolePolicy:RolePolicy");
      expect(grant.name).to.equal("app-granting-encrypt-decrypt");
      expect(grant.inputs.role).to.equal(await promiseOf(role.name));
      const [s, ...rest] = statementsOf(grant.inputs.policy);
      expect(rest).to.have.length(0);
      expect(s.Effect).to.equal("Allow");
      expect(s.Resource).to.equal(await promiseOf(key.keyArn));
      expect(s.Action).to.have.members(["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]);
    });

    it("grantDecrypt: decrypt only", async () => {
      const key = await build("reading");
      key.grantDecrypt(new aws.iam.Role("reader", { assumeRolePolicy: "{}" }));
      await mocks.settle();
      const [s] = statementsOf(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
      expect(s.Action).to.deep.equal(["kms:Decrypt", "kms:DescribeKey"]);
    });

    it("keyArnOf accepts a key or an ARN", async () => {
      const key = await build("ref");
      expect(keyArnOf("arn:aws:kms:us-east-1:1:key/x")).to.equal("arn:aws:kms:us-east-1:1:key/x");
      expect(keyArnOf(key)).to.equal(key.keyArn);
    });
  });

  describe("dangerous arguments throw", () => {
    const ctx = testContext("dev");
    it("fails on a rotation period outside 90 to 2560 days", () => {
      expect(() => new EncryptionKey("bad-rotation", { context: ctx, description: "x", rotationPeriodInDays: 30 })).to.throw(/rotationPeriodInDays = 30: must be a whole number from 90 to 2560/);
    });

    it("fails on a deletion window outside 7 to 30 days", () => {
      expect(() => new EncryptionKey("bad-window", { context: ctx, description: "x", deletionWindowInDays: 3 })).to.throw(/deletionWindowInDays = 3/);
    });

    it("fails on a prod deletion window shorter than the profile's", () => {
      expect(() => new EncryptionKey("short", { context: testContext("prod"), description: "x", deletionWindowInDays: 7 })).to.throw(/prod keeps at least 30 days/);
    });

    it("fails on extra statements that allow wildcard actions or everyone without a condition", () => {
      expect(
        () =>
          new EncryptionKey("open", {
            context: ctx,
            description: "x",
            additionalStatements: [{ Sid: "Everyone", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
          }),
      ).to.throw(/wildcard action kms:\*[\s\S]*every principal/);
    });

    it("reports every problem at once", () => {
      try {
        new EncryptionKey("many", { context: ctx, description: "x", rotationPeriodInDays: 1, deletionWindowInDays: 99, viaServices: ["EC2!"] });
        expect.fail("should have thrown");
      } catch (e) {
        expect((e as Error).message).to.match(/invalid arguments \(3\)/);
      }
    });
  });
});
