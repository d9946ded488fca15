/**
 * CloudWatch Logs log groups (CloudWatch.16 retention; KMS encryption), S3 Glacier vaults (no FSBP
 * control: access policy not public, vault lock for restricted data) and AWS Backup (vaults
 * encrypted with customer managed keys and locked in prod, plans that keep and take backups often
 * enough). Glacier and Backup have no Security Hub control for these checks: our own BP ids, mapped
 * to the HIPAA/PCI conformance-pack rules of catalog §2 where one exists.
 */
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { inEnvironments, isAwsManagedKeyRef, taggedOneOf, TS } from "../lib/tokens-storage";
import { referencePolicy, SOURCES } from "../lib/references";
import { containsUnknown, get, isUnknown, undecidable } from "../lib/values";
import { classifiedBecause, cmkControls, highWhenClassified, holding } from "../lib/classification";

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs.

export const logGroupRetention = resourcePolicy(
  {
    name: "cloudwatch-log-group-retention",
    description:
      "CloudWatch log groups must keep events for at least the configured number of days (default 365). A log group without retention (or 0) never expires events, which counts as compliant unless allowNeverExpire is false.",
    severity: "medium",
    controls: ["CloudWatch.16"],
    frameworks: ["NIST 800-53", "PCI DSS"],
    remediationSteps: "Set `retentionInDays` on the aws.cloudwatch.LogGroup to an allowed value at or above the minimum (365 in prod: the profile's logRetentionDays).",
    resourceTypes: TS.logGroup,
    config: {
      minRetentionDays: {
        type: "number",
        description: "Minimum `retentionInDays`.",
        default: 365,
      },
      allowNeverExpire: {
        type: "boolean",
        description: "Accept a log group with no `retentionInDays` (or 0): events never expire, so retention is met, at the cost of storage and data minimisation.",
        default: true,
      },
    },
  },
  ({ props, config, fail }) => {
    const days = props.retentionInDays;
    const min = Number(config.minRetentionDays);
    if (days === undefined || days === null || days === 0) {
      // Never expire: retention is at least the minimum.
      if (config.allowNeverExpire === false) fail("events never expire (no `retentionInDays`)", `set \`retentionInDays\` to a value of at least ${min}`);
      return;
    }
    if (typeof days === "number" && days < min) fail(`events are kept ${days} days, below the required ${min}`, `set \`retentionInDays\` to at least ${min} (e.g. ${min <= 365 ? 365 : min})`);
  },
);

export const logGroupKms = referencePolicy(
  {
    name: "cloudwatch-log-group-kms",
    description: "CloudWatch log groups must be encrypted with a customer managed KMS key (BP.Logs.1; for a log group holding classified data also BP.Data.2, whatever `dataClassifications` says, and then a tag cannot waive it).",
    severity: "medium",
    severityFor: highWhenClassified("medium"),
    controls: ["BP.Logs.1", "BP.Data.2"],
    frameworks: ["Blueprints", "PCI DSS"],
    remediationSteps:
      "Set `kmsKeyId` to an aws.kms.Key's arn on the aws.cloudwatch.LogGroup (the key policy must allow the `logs.<region>.amazonaws.com` service principal).",
    resourceTypes: TS.logGroup,
    config: {
      dataClassifications: {
        type: "array",
        items: { type: "string" },
        description: "Only log groups whose `data-classification` tag is one of these need a KMS key; empty means every log group.",
        default: [],
      },
    },
  },
  ({ props, args, config, fail: report, ref }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (because.length === 0 && !taggedOneOf(props, "data-classification", config.dataClassifications)) return;
    const fail = (problem: string, fix: string) => report(problem + holding(because), fix, cmkControls("BP.Logs.1", because));
    // Without kmsKeyId, CloudWatch Logs encrypts with a service-owned key.
    const key = get(props, "kmsKeyId");
    // From a key of this stack (customer managed): compliant; from anything else: undecidable (lib/references.ts).
    if (containsUnknown(key)) {
      ref("kmsKeyId", SOURCES.kmsKey);
      return;
    }
    if (typeof key !== "string" || key.length === 0) fail("no customer managed KMS key (`kmsKeyId`)", "set `kmsKeyId` to your aws.kms.Key's arn");
  },
);

// ---------------------------------------------------------------------------------------------
// S3 Glacier vaults.


export const glacierVaultLock = stackPolicy(
  {
    name: "glacier-vault-lock",
    description: "S3 Glacier vaults holding the configured data classifications must have a completed vault lock.",
    severity: "medium",
    controls: ["BP.Glacier.2"],
    frameworks: ["Blueprints"],
    remediationSteps:
      "Add an aws.glacier.VaultLock with `vaultName` the vault's name, a lock `policy` (e.g. deny glacier:DeleteArchive before a retention age) and `completeLock: true`.",
    config: {
      dataClassifications: {
        type: "array",
        items: { type: "string" },
        description: "Vaults whose `data-classification` tag is one of these need a lock; empty means every vault.",
        default: ["restricted"],
      },
      requireCompleteLock: {
        type: "boolean",
        description: "Require `completeLock: true` (an incomplete lock can be aborted within 24 hours, and is then gone).",
        default: true,
      },
    },
  },
  ({ forEach, attached, fail, config }) => {
    forEach(TS.glacierVault, (vault) => {
      if (!taggedOneOf(vault.props, "data-classification", config.dataClassifications)) return;
      const locks = attached(vault, TS.glacierVaultLock, "vaultName");
      if (locks.length === 0) {
        fail(vault, "the vault has no vault lock", "add an aws.glacier.VaultLock with `completeLock: true`");
        return;
      }
      if (config.requireCompleteLock === false) return;
      const complete = locks.map((l) => get(l.props, "completeLock"));
      if (complete.includes(true)) return;
      if (complete.some(isUnknown)) undecidable(`${vault.name} vault lock completeLock`);
      fail(vault, "the vault lock is not completed (`completeLock: false`), so it can be aborted", "set `completeLock: true` on the aws.glacier.VaultLock once the lock policy is tested");
    });
  },
);

// ---------------------------------------------------------------------------------------------
// AWS Backup vaults.

export const backupVaultCmk = referencePolicy(
  {
    name: "backup-vault-cmk",
    description: "AWS Backup vaults must encrypt recovery points with a customer managed KMS key (BP.Backup.1; for a vault holding classified data also BP.Data.2, whatever `dataClassifications` says, and then a tag cannot waive it).",
    severity: "medium",
    severityFor: highWhenClassified("medium"),
    controls: ["BP.Backup.1", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kmsKeyArn` to an aws.kms.Key's arn on the aws.backup.Vault (replaces the vault).",
    resourceTypes: TS.backupVault,
    config: {
      dataClassifications: {
        type: "array",
        items: { type: "string" },
        description: "Only vaults whose `data-classification` tag is one of these need a customer managed key; empty means every vault.",
        default: [],
      },
    },
  },
  ({ props, args, config, fail: report, ref }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    if (because.length === 0 && !taggedOneOf(props, "data-classification", config.dataClassifications)) return;
    const fail = (problem: string, fix: string) => report(problem + holding(because), fix, cmkControls("BP.Backup.1", because));
    // Without kmsKeyArn, the vault uses the AWS managed alias/aws/backup key.
    const key = get(props, "kmsKeyArn");
    // From a key of this stack (customer managed): compliant; from anything else: undecidable (lib/references.ts).
    if (containsUnknown(key)) {
      ref("kmsKeyArn", SOURCES.kmsKey);
      return;
    }
    if (typeof key !== "string" || key.length === 0 || isAwsManagedKeyRef(key)) {
      fail(key ? `kmsKeyArn ${key} is an AWS managed key` : "no `kmsKeyArn`: recovery points use the AWS managed aws/backup key", "set `kmsKeyArn` to your aws.kms.Key's arn");
    }
  },
);

const protectedEnvironments = {
  protectedEnvironments: {
    type: "array",
    items: { type: "string" },
    description: "Values of the `environment` tag this rule applies to; empty means every vault.",
    default: ["prod"],
  },
};

export const backupVaultLock = stackPolicy(
  {
    name: "backup-vault-lock",
    description: "AWS Backup vaults of protected environments must have a vault lock, so recovery points cannot be deleted early.",
    severity: "medium",
    controls: ["BP.Backup.4"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.backup.VaultLockConfiguration with `backupVaultName` the vault's name and `minRetentionDays` (add `changeableForDays` for compliance mode, which cannot be undone).",
    config: protectedEnvironments,
  },
  ({ forEach, attached, fail, config }) => {
    forEach(TS.backupVault, (vault) => {
      if (!inEnvironments(vault.props, config, config.protectedEnvironments)) return;
      if (attached(vault, TS.backupVaultLock, "backupVaultName").length === 0) {
        fail(vault, "the vault has no vault lock: recovery points can be deleted before their retention ends", "add an aws.backup.VaultLockConfiguration with `minRetentionDays`");
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// AWS Backup plans.

export const backupPlanRetention = resourcePolicy(
  {
    name: "backup-plan-min-retention",
    description: "AWS Backup plan rules (and their copies) must keep recovery points at least the configured number of days (default 35).",
    severity: "medium",
    controls: ["BP.Backup.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `rules[].lifecycle.deleteAfter` (and `rules[].copyActions[].lifecycle.deleteAfter`) on the aws.backup.Plan to at least the minimum (the profile's backupRetentionDays), or leave it unset to keep recovery points.",
    resourceTypes: TS.backupPlan,
    config: {
      minRetentionDays: {
        type: "number",
        description: "Minimum `lifecycle.deleteAfter`, in days.",
        default: 35,
      },
    },
  },
  ({ props, config, fail }) => {
    const min = Number(config.minRetentionDays);
    const short: string[] = [];
    for (const rule of props.rules ?? []) {
      // No lifecycle / deleteAfter: recovery points are kept until deleted by hand.
      const d = rule.lifecycle?.deleteAfter;
      if (typeof d === "number" && d < min) short.push(`rule ${rule.ruleName} keeps ${d} days`);
      for (const copy of rule.copyActions ?? []) {
        const c = copy.lifecycle?.deleteAfter;
        if (typeof c === "number" && c < min) short.push(`rule ${rule.ruleName}'s copy keeps ${c} days`);
      }
    }
    if (short.length > 0) fail(`${short.join("; ")}, below the required ${min}`, `set \`lifecycle.deleteAfter\` to at least ${min}`);
  },
);

const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Days of the week (0 = Sunday) a cron day-of-week field selects; undefined if unreadable. */
function weekdays(field: string): Set<number> | undefined {
  const day = (x: string): number | undefined => {
    const i = DAYS.indexOf(x.toUpperCase());
    if (i >= 0) return i;
    return /^[1-7]$/.test(x) ? Number(x) - 1 : undefined; // AWS cron: 1 = Sunday
  };
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const [a, b] = part.split("-");
    const from = day(a ?? "");
    const to = b === undefined ? from : day(b);
    if (from === undefined || to === undefined) return undefined;
    for (let d = from; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === to) break;
    }
  }
  return out;
}

/** Hours between runs of a Backup schedule expression (the longest gap); undefined if it cannot be read. */
export function scheduleIntervalHours(expr: string): number | undefined {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/i.exec(expr.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2]!.toLowerCase();
    return unit.startsWith("minute") ? n / 60 : unit.startsWith("hour") ? n : n * 24;
  }
  const cron = /^cron\((.*)\)$/i.exec(expr.trim());
  if (!cron) return undefined;
  const f = cron[1]!.trim().split(/\s+/);
  if (f.length !== 6) return undefined;
  const [, hours, dom, month, dow] = f as [string, string, string, string, string, string];
  const every = (x: string) => x === "*" || x === "?";
  // Runs within a day: the longest gap between the hours it fires at.
  let perDay: number;
  if (hours === "*" || /^\d+-\d+$/.test(hours)) perDay = 1;
  else if (/^(?:\*|\d+)\/(\d+)$/.test(hours)) perDay = Number(/\/(\d+)$/.exec(hours)![1]);
  else if (/^\d+(,\d+)*$/.test(hours)) {
    const hs = hours.split(",").map(Number).sort((a, b) => a - b);
    perDay = Math.max(...hs.map((h, i) => (i + 1 < hs.length ? hs[i + 1]! - h : 24 - h + hs[0]!)));
  } else return undefined;
  if (!every(month)) return 365 * 24; // only some months
  if (every(dom) && every(dow)) return perDay;
  const stepDays = /^(?:\*|\d+)\/(\d+)$/.exec(dom);
  if (stepDays && every(dow)) return Math.max(perDay, Number(stepDays[1]) * 24);
  if (every(dom)) {
    const days = weekdays(dow);
    if (!days) return undefined;
    const sorted = [...days].sort((a, b) => a - b);
    const gapDays = Math.max(...sorted.map((d, i) => (i + 1 < sorted.length ? sorted[i + 1]! - d : 7 - d + sorted[0]!)));
    return gapDays === 1 ? perDay : gapDays * 24;
  }
  return 31 * 24; // specific days of the month
}

export const backupPlanFrequency = resourcePolicy(
  {
    name: "backup-plan-min-frequency",
    description: "AWS Backup plans must take a backup at least every configured number of hours (default 24), or back up continuously.",
    severity: "medium",
    controls: ["BP.Backup.3"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Give a rule of the aws.backup.Plan a `schedule` at least that frequent (e.g. `cron(0 5 ? * * *)` for daily), or `enableContinuousBackup: true`.",
    resourceTypes: TS.backupPlan,
    config: {
      maxIntervalHours: {
        type: "number",
        description: "Maximum hours between scheduled backups.",
        default: 24,
      },
    },
  },
  ({ props, config, fail }) => {
    const max = Number(config.maxIntervalHours);
    const intervals: number[] = [];
    const unreadable: string[] = [];
    for (const rule of props.rules ?? []) {
      if (rule.enableContinuousBackup === true) return;
      const s = rule.schedule;
      if (typeof s !== "string") continue; // no schedule: on-demand only
      const h = scheduleIntervalHours(s);
      if (h === undefined) unreadable.push(s);
      else intervals.push(h);
    }
    const best = intervals.length > 0 ? Math.min(...intervals) : undefined;
    if (best !== undefined && best <= max) return;
    if (unreadable.length > 0 && best === undefined) {
      fail(`no rule has a schedule this policy can read (${unreadable.join(", ")})`, "use a `cron(m h dom mon dow yr)` or `rate(n hours|days)` schedule");
      return;
    }
    fail(best === undefined ? "no rule has a `schedule` (backups are on demand only)" : `the most frequent rule runs every ${Math.round(best * 10) / 10} hours, more than ${max}`, `set a rule's \`schedule\` to run at least every ${max} hours (e.g. \`cron(0 5 ? * * *)\`) or \`enableContinuousBackup: true\``);
  },
);

export const policies = [
  logGroupRetention,
  logGroupKms,
  glacierVaultLock,
  backupVaultCmk,
  backupVaultLock,
  backupPlanRetention,
  backupPlanFrequency,
];

/** CloudWatch.16 is decidable at preview; Glacier and Backup have no catalog control. */
export const notDecidable: Record<string, string> = {
  "Backup.1": "recovery points are created by backup jobs at run time; AWS Backup encrypts each with its vault's key, which backup-vault-cmk (BP.Backup.1) requires to be a customer managed key",
};
