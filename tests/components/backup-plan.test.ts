import { expect } from "chai";
import { BackupPlan, BackupPlanArgs } from "../../components/data/backup-plan";
import { scheduleIntervalHours } from "../../policy-packs/aws-compliance/policies/storage-logs-glacier-backup";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:orders";
const TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/carts";
const VAULT = "aws:backup/vault:Vault";
const PLAN = "aws:backup/plan:Plan";
const SELECTION = "aws:backup/selection:Selection";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

describe("BackupPlan", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<BackupPlanArgs> = {}, env: "dev" | "prod" = "dev") {
    const plan = new BackupPlan(name, { context: testContext(env), kmsKey: KEY_ARN, resources: [CLUSTER_ARN, TABLE_ARN], ...args });
    await mocks.settle();
    return plan;
  }

  describe("secure defaults", () => {
    it("creates a vault, a plan, a selection and the backup role with its two managed policies", async () => {
      await build("orders");
      const component = mocks.one("blueprints:data:BackupPlan", "orders");
      expect(mocks.descendantsOf(component.urn).map((r) => r.type)).to.have.members([VAULT, PLAN, SELECTION, ROLE, ATTACHMENT, ATTACHMENT]);
    });

    it("encrypts the vault with the customer managed key (BP.Backup.1) and tags it", async () => {
      await build("orders");
      const vault = mocks.one(VAULT).inputs;
      expect(vault).to.deep.include({ name: "test-dev-orders", kmsKeyArn: KEY_ARN });
      expect(vault.tags).to.include.keys(...RequiredTagKeys);
    });

    it("backs up daily into the vault, keeping the profile's retention (BP.Backup.2/.3)", async () => {
      const plan = await build("orders");
      const [rule, ...others] = mocks.one(PLAN).inputs.rules;
      expect(others).to.have.length(0);
      expect(rule).to.deep.include({ ruleName: "daily", targetVaultName: "test-dev-orders", schedule: "cron(0 5 ? * * *)", startWindow: 60, completionWindow: 480, lifecycle: { deleteAfter: 7 } });
      expect(scheduleIntervalHours(rule.schedule)).to.equal(24);
      expect(rule.recoveryPointTags).to.include.keys(...RequiredTagKeys);
      expect(plan.retentionDays).to.equal(7);
    });

    it("selects exactly the named resources, through the backup role", async () => {
      const plan = await build("orders");
      const selection = mocks.one(SELECTION);
      expect(selection.inputs).to.deep.include({ name: "test-dev-orders", resources: [CLUSTER_ARN, TABLE_ARN], iamRoleArn: await promiseOf(plan.roleArn), planId: await promiseOf(plan.planId) });
      // AWS Backup validates the role when the selection is created: the policies come first.
      for (const a of mocks.ofType(ATTACHMENT)) expect(selection.dependencies).to.include(a.urn);
    });

    it("the role trusts only AWS Backup and carries the backup and restore service-role policies", async () => {
      await build("orders");
      expect(statement(mocks.one(ROLE).inputs.assumeRolePolicy, "ServiceAssumesRole").Principal).to.deep.equal({ Service: "backup.amazonaws.com" });
      expect(mocks.ofType(ATTACHMENT).map((a) => a.inputs.policyArn)).to.have.members([
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      ]);
    });

    it("places the role under the platform's path and permissions boundary", async () => {
      const boundary = "arn:aws:iam::123456789012:policy/platform/ecommerce-workload-boundary";
      await build("placed", { rolePlacement: { path: "/ecommerce/", permissionsBoundaryArn: boundary } });
      expect(mocks.one(ROLE).inputs).to.deep.include({ path: "/ecommerce/", permissionsBoundary: boundary });
    });
  });

  describe("dev and prod", () => {
    it("dev: 7 days, no vault lock, the vault may be emptied on destroy, nothing protected", async () => {
      await build("orders");
      expect(mocks.ofType(LOCK)).to.have.length(0);
      const vault = mocks.one(VAULT);
      expect(vault.inputs.forceDestroy).to.equal(true);
      expect(vault.protect).to.equal(false);
      expect(vault.retainOnDelete).to.equal(false);
    });

    it("prod: 35 days, a governance-mode vault lock at the retention, the vault kept and protected", async () => {
      await build("orders", {}, "prod");
      expect(mocks.one(PLAN).inputs.rules[0].lifecycle).to.deep.equal({ deleteAfter: 35 });
      const lock = mocks.one(LOCK);
      expect(lock.inputs).to.deep.include({ backupVaultName: "test-prod-orders", minRetentionDays: 35 });
      expect(lock.inputs.changeableForDays).to.equal(undefined);
      const vault = mocks.one(VAULT);
      expect(vault.inputs.forceDestroy).to.equal(false);
      expect(vault.protect).to.equal(true);
      expect(vault.retainOnDelete).to.equal(true);
      expect(lock.retainOnDelete).to.equal(true);
    });

    it("a dev stack may lock its vault on request", async () => {
      await build("locked", { vaultLock: true, retentionDays: 14 });
      expect(mocks.one(LOCK).inputs.minRetentionDays).to.equal(14);
    });
  });

  describe("dangerous arguments throw", () => {
    it("refuses less than 35 days of retention in prod", () => {
      expect(() => new BackupPlan("short", { context: testContext("prod"), kmsKey: KEY_ARN, resources: [TABLE_ARN], retentionDays: 14 })).to.throw(/retentionDays = 14: prod keeps recovery points at least 35 days/);
    });

    it("refuses an unlocked vault in prod", () => {
      expect(() => new BackupPlan("open", { context: testContext("prod"), kmsKey: KEY_ARN, resources: [TABLE_ARN], vaultLock: false })).to.throw(/vaultLock: false in prod/);
    });

    it("reports every problem at once: no resources, a bad schedule, windows too short", () => {
      expect(() => new BackupPlan("bad", { context: testContext("dev"), kmsKey: KEY_ARN, resources: [], schedule: "daily", startWindowMinutes: 30, completionWindowMinutes: 60 })).to.throw(
        /invalid arguments \(4\)[\s\S]*resources is empty[\s\S]*schedule = "daily"[\s\S]*startWindowMinutes = 30[\s\S]*completionWindowMinutes = 60/,
      );
    });
  });
});
