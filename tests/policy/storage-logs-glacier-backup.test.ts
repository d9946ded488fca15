import { expect } from "chai";
import * as lgb from "../../policy-packs/aws-compliance/policies/storage-logs-glacier-backup";
import { res, UNKNOWN } from "../helpers/policy";
import { expectFail, expectPass, expectUnknown } from "./storage-helpers";

const LG = "aws:cloudwatch/logGroup:LogGroup";
const GV = "aws:glacier/vault:Vault";
const GL = "aws:glacier/vaultLock:VaultLock";
const BV = "aws:backup/vault:Vault";
const BPLAN = "aws:backup/plan:Plan";

describe("policy cloudwatch-log-group-retention (CloudWatch.16)", () => {
  it("passes a year, and never-expire (absent or 0) by default", async () => {
    await expectPass(lgb.logGroupRetention, res(LG, { retentionInDays: 365 }));
    await expectPass(lgb.logGroupRetention, res(LG, {}));
    await expectPass(lgb.logGroupRetention, res(LG, { retentionInDays: 0 }));
  });
  it("fails a short retention", () =>
    expectFail(lgb.logGroupRetention, res(LG, { retentionInDays: 30 }, { name: "app" }), [`[CloudWatch.16] app (${LG}): events are kept 30 days, below the required 365. Fix: set \`retentionInDays\` to at least 365`]));
  it("reads the minimum and never-expire from config", async () => {
    await expectPass(lgb.logGroupRetention, res(LG, { retentionInDays: 30 }), { minRetentionDays: 30 });
    await expectFail(lgb.logGroupRetention, res(LG, {}, { name: "app" }), ["events never expire (no `retentionInDays`)"], { allowNeverExpire: false });
  });
  it("cannot run during preview when retention is unknown", () => expectUnknown(lgb.logGroupRetention, res(LG, { retentionInDays: UNKNOWN })));
});

describe("policy cloudwatch-log-group-kms (BP.Logs.1)", () => {
  it("passes a key of the program (unknown at preview) and a literal arn", async () => {
    const key = res("aws:kms/key:Key", {}, { name: "logs-key" });
    await expectPass(lgb.logGroupKms, [key, res(LG, { kmsKeyId: UNKNOWN }, { deps: { kmsKeyId: [key] } })]);
    await expectPass(lgb.logGroupKms, res(LG, { kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" }));
  });
  it("cannot decide a key unknown at preview that comes from no key", () => expectUnknown(lgb.logGroupKms, res(LG, { kmsKeyId: UNKNOWN })));
  it("fails a log group without a key", () =>
    expectFail(lgb.logGroupKms, res(LG, { retentionInDays: 365 }, { name: "app" }), [`[BP.Logs.1] app (${LG}): no customer managed KMS key (\`kmsKeyId\`). Fix: set \`kmsKeyId\``]));
  it("can be scoped to classifications", () => expectPass(lgb.logGroupKms, res(LG, { tags: { "data-classification": "internal" } }), { dataClassifications: ["restricted"] }));
  it("cannot decide when the scoping tag is unknown at preview", () => expectUnknown(lgb.logGroupKms, res(LG, { tags: { "data-classification": UNKNOWN } }), { dataClassifications: ["restricted"] }));
});

describe("policy glacier-vault-lock (BP.Glacier.2)", () => {
  const restricted = { name: "records", tags: { "data-classification": "restricted" } };
  it("passes a restricted vault with a completed lock (by name or dependency), and unrestricted vaults", async () => {
    await expectPass(lgb.glacierVaultLock, [res(GV, restricted), res(GL, { vaultName: "records", completeLock: true, policy: "{}" })]);
    const v = res(GV, { tags: restricted.tags });
    await expectPass(lgb.glacierVaultLock, [v, res(GL, { vaultName: UNKNOWN, completeLock: true, policy: "{}" }, { deps: { vaultName: [v] } })]);
    await expectPass(lgb.glacierVaultLock, [res(GV, { name: "misc" })]);
  });
  it("fails no lock, and an incomplete one unless configured", async () => {
    await expectFail(lgb.glacierVaultLock, [res(GV, restricted, { name: "records" })], [`[BP.Glacier.2] records (${GV}): the vault has no vault lock`, "aws.glacier.VaultLock"]);
    const rs = [res(GV, restricted, { name: "records" }), res(GL, { vaultName: "records", completeLock: false, policy: "{}" })];
    await expectFail(lgb.glacierVaultLock, rs, ["the vault lock is not completed"]);
    await expectPass(lgb.glacierVaultLock, rs, { requireCompleteLock: false });
  });
  it("cannot decide a completeLock unknown at preview", () =>
    expectUnknown(lgb.glacierVaultLock, [res(GV, restricted), res(GL, { vaultName: "records", completeLock: UNKNOWN, policy: "{}" })]));
});

describe("policy backup-vault-cmk (BP.Backup.1)", () => {
  it("passes a customer managed key (a key's output, or literal); cannot decide one from no key", async () => {
    const key = res("aws:kms/key:Key", {}, { name: "vault-key" });
    await expectPass(lgb.backupVaultCmk, [key, res(BV, { kmsKeyArn: UNKNOWN }, { deps: { kmsKeyArn: [key] } })]);
    await expectUnknown(lgb.backupVaultCmk, res(BV, { kmsKeyArn: UNKNOWN }));
    await expectPass(lgb.backupVaultCmk, res(BV, { kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" }));
  });
  it("fails the AWS managed default", async () => {
    await expectFail(lgb.backupVaultCmk, res(BV, {}, { name: "vault" }), [`[BP.Backup.1] vault (${BV}): no \`kmsKeyArn\`: recovery points use the AWS managed aws/backup key`]);
    await expectFail(lgb.backupVaultCmk, res(BV, { kmsKeyArn: "arn:aws:kms:us-east-1:1:alias/aws/backup" }), ["is an AWS managed key"]);
  });
  it("can be scoped to classifications", () => expectPass(lgb.backupVaultCmk, res(BV, { tags: { "data-classification": "public" } }), { dataClassifications: ["restricted"] }));
  it("cannot decide when the scoping tag is unknown at preview", () => expectUnknown(lgb.backupVaultCmk, res(BV, { tags: UNKNOWN }), { dataClassifications: ["restricted"] }));
});

describe("policy backup-vault-lock (BP.Backup.4)", () => {
  const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";
  it("passes a locked prod vault and unlocked dev vaults", async () => {
    const v = res(BV, { tags: { environment: "prod" } });
    await expectPass(lgb.backupVaultLock, [v, res(LOCK, { backupVaultName: UNKNOWN, minRetentionDays: 35 }, { deps: { backupVaultName: [v] } })]);
    await expectPass(lgb.backupVaultLock, [res(BV, { name: "x", tags: { environment: "prod" } }), res(LOCK, { backupVaultName: "x", minRetentionDays: 35 })]);
    await expectPass(lgb.backupVaultLock, [res(BV, { tags: { environment: "dev" } })]);
  });
  it("fails (mandatory: medium severity) an unlocked prod vault", async () => {
    const v = await expectFail(lgb.backupVaultLock, [res(BV, { tags: { environment: "prod" } }, { name: "vault" })], [`[BP.Backup.4] vault (${BV}): the vault has no vault lock`, "aws.backup.VaultLockConfiguration"]);
    expect(v.enforcementLevel).to.equal("mandatory");
  });
  it("follows protectedEnvironments", () => expectFail(lgb.backupVaultLock, [res(BV, { tags: { environment: "dev" } })], ["[BP.Backup.4]"], { protectedEnvironments: ["dev"] }));
  it("cannot decide when the environment is unknown at preview", () => expectUnknown(lgb.backupVaultLock, [res(BV, { tags: { environment: UNKNOWN } })]));
});

describe("policy backup-plan-min-retention (BP.Backup.2)", () => {
  const plan = (rules: unknown[]) => res(BPLAN, { rules }, { name: "daily" });
  it("passes 35 days and rules that keep recovery points forever", async () => {
    await expectPass(lgb.backupPlanRetention, plan([{ ruleName: "d", targetVaultName: "v", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfter: 35 } }]));
    await expectPass(lgb.backupPlanRetention, plan([{ ruleName: "d", targetVaultName: "v" }]));
  });
  it("fails short rules and short copies", () =>
    expectFail(lgb.backupPlanRetention, plan([{ ruleName: "d", targetVaultName: "v", lifecycle: { deleteAfter: 7 }, copyActions: [{ destinationVaultArn: "a", lifecycle: { deleteAfter: 14 } }] }]), [
      `[BP.Backup.2] daily (${BPLAN}): rule d keeps 7 days; rule d's copy keeps 14 days, below the required 35`,
      "Fix: set `lifecycle.deleteAfter` to at least 35",
    ]));
  it("reads the minimum from config", () => expectPass(lgb.backupPlanRetention, plan([{ ruleName: "d", targetVaultName: "v", lifecycle: { deleteAfter: 7 } }]), { minRetentionDays: 7 }));
  it("cannot run during preview when deleteAfter is unknown", () => expectUnknown(lgb.backupPlanRetention, plan([{ ruleName: "d", targetVaultName: "v", lifecycle: { deleteAfter: UNKNOWN } }])));
});

describe("policy backup-plan-min-frequency (BP.Backup.3)", () => {
  const plan = (rules: unknown[]) => res(BPLAN, { rules }, { name: "p" });
  const rule = (extra: Record<string, unknown>) => ({ ruleName: "r", targetVaultName: "v", ...extra });
  it("passes daily, hourly-rate and continuous backups", async () => {
    await expectPass(lgb.backupPlanFrequency, plan([rule({ schedule: "cron(0 5 ? * * *)" })]));
    await expectPass(lgb.backupPlanFrequency, plan([rule({ schedule: "cron(0 5 ? * SUN *)" }), rule({ schedule: "rate(12 hours)" })]));
    await expectPass(lgb.backupPlanFrequency, plan([rule({ enableContinuousBackup: true })]));
  });
  it("fails weekly, weekday-only and unscheduled plans", async () => {
    await expectFail(lgb.backupPlanFrequency, plan([rule({ schedule: "cron(0 5 ? * SUN *)" })]), [`[BP.Backup.3] p (${BPLAN}): the most frequent rule runs every 168 hours, more than 24`, "`cron(0 5 ? * * *)`"]);
    await expectFail(lgb.backupPlanFrequency, plan([rule({ schedule: "cron(0 5 ? * MON-FRI *)" })]), ["runs every 72 hours"]);
    await expectFail(lgb.backupPlanFrequency, plan([rule({})]), ["no rule has a `schedule` (backups are on demand only)"]);
  });
  it("reads the interval from config", () => expectPass(lgb.backupPlanFrequency, plan([rule({ schedule: "cron(0 5 ? * SUN *)" })]), { maxIntervalHours: 168 }));
  it("cannot run during preview when the schedule is unknown", () => expectUnknown(lgb.backupPlanFrequency, plan([rule({ schedule: UNKNOWN })])));
  it("computes intervals of cron and rate expressions", () => {
    const cases: [string, number | undefined][] = [
      ["cron(0 5 ? * * *)", 24],
      ["cron(0 5,17 ? * * *)", 12],
      ["cron(0 */6 * * ? *)", 6],
      ["cron(0 5 ? * MON-FRI *)", 72],
      ["cron(0 5 ? * FRI-MON *)", 96],
      ["cron(0 5 */2 * ? *)", 48],
      ["cron(0 5 1 * ? *)", 744],
      ["rate(1 day)", 24],
      ["rate(30 minutes)", 0.5],
      ["every day", undefined],
    ];
    for (const [expr, hours] of cases) expect(lgb.scheduleIntervalHours(expr), expr).to.equal(hours);
  });
});
