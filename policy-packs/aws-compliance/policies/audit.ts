/**
 * Audit and detection: CloudTrail (FSBP CloudTrail.1/2/4/5, PCI/CIS CloudTrail.3/6/7), CloudWatch
 * alarm actions (NIST CloudWatch.15/17), GuardDuty, Security Hub standards and the AWS Config
 * recorder (Blueprints rules).
 *
 * Account-level services are checked where a program declares them; the stack-wide "there is at
 * least one" rules apply only when the stack declares itself the account baseline (config) or
 * already holds such resources.
 *
 * Unknown values: a reference unknown at preview (`kmsKeyId: key.arn`) is wired to another
 * resource's output and counts as set; a flag or a selector that is unknown yields a "can't run
 * during preview" note instead of a verdict.
 */
import type { PolicyResource } from "@pulumi/policy";
import { parsePolicyDocument } from "../lib/iam";
import { publicStatements } from "../lib/resource-policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { T } from "../lib/tokens";
import { TE } from "../lib/tokens-edge";
import { reference, referenceIsSet, referencePolicy, SOURCES, undecidableBecause, unknownReferenceMessage } from "../lib/references";
import { asArray, get, isUnknown, truthy, undecidable } from "../lib/values";
import { listSize } from "./edge-cloudfront";

/** A known value of a resource's prop, or `undecidable` when it is unknown at preview. */
function known(r: PolicyResource, path: string): any {
  const v = get(r.props, path);
  if (isUnknown(v)) undecidable(`${r.name}.${path}`);
  return v;
}

/** The stack itself, to report stack-wide findings against (its root resource when the plan has one). */
function stackResource(resources: PolicyResource[]): PolicyResource {
  return resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? ({ type: "pulumi:pulumi:Stack", name: "stack", urn: undefined, props: {} } as unknown as PolicyResource);
}

// ---------------------------------------------------------------- CloudTrail

/** Why a trail's selectors leave out read or write management events, or undefined if they log them all. */
function managementEventsGap(props: any): string | undefined {
  const advanced = asArray<any>(props.advancedEventSelectors);
  if (advanced.length > 0) {
    const mgmt = advanced.filter((sel) => asArray<any>(sel.fieldSelectors).some((f) => f.field === "eventCategory" && asArray(f.equals).includes("Management")));
    if (mgmt.length === 0) return "its advanced event selectors log no management events";
    if (mgmt.every((sel) => asArray<any>(sel.fieldSelectors).some((f) => f.field === "readOnly"))) return "its advanced event selectors log only read-only or only write management events";
    return undefined;
  }
  const basic = asArray<any>(props.eventSelectors);
  if (basic.length === 0) return undefined; // no selectors: all management events (AWS default)
  const all = basic.some((sel) => sel.includeManagementEvents !== false && (sel.readWriteType ?? "All") === "All");
  return all ? undefined : "its event selectors do not log all (read and write) management events";
}

export const cloudtrailMultiRegion = stackPolicy(
  {
    name: "cloudtrail-multi-region-management-events",
    description: "At least one CloudTrail trail must be multi-Region, logging, and record all read and write management events; other trails beside it (e.g. a dedicated data-event trail) are fine.",
    severity: "high",
    controls: ["CloudTrail.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "On the aws.cloudtrail.Trail set `isMultiRegionTrail: true`, keep `enableLogging` true, and keep management events in the selectors (`includeManagementEvents: true`, `readWriteType: \"All\"`, or an advanced selector on `eventCategory = Management` without a `readOnly` filter). A dedicated data-event trail passes once such a trail exists in the stack; in a workload stack whose account trail lives in another stack, exempt it with that reason.",
  },
  ({ ofType, fail }) => {
    const trails = ofType(TE.trail);
    const problemsOf = (props: any): string[] => {
      const problems: string[] = [];
      if (props.isMultiRegionTrail !== true) problems.push("it is a single-Region trail");
      if (props.enableLogging === false) problems.push("logging is off (`enableLogging: false`)");
      const gap = managementEventsGap(props);
      if (gap) problems.push(gap);
      return problems;
    };
    const judged = trails.map((t) => ({ t, problems: problemsOf(t.props) }));
    // CloudTrail.1 asks for one such trail in the account: with one here, the others are extra trails.
    if (judged.some((j) => j.problems.length === 0)) return;
    for (const { t, problems } of judged) {
      fail(t, `${problems.join("; ")}, and no other trail of this stack records the account's management events`, "set `isMultiRegionTrail: true`, `enableLogging: true`, and log all management events (`readWriteType: \"All\"`) on one trail of the stack");
    }
  },
);

export const cloudtrailEncryption = referencePolicy(
  {
    name: "cloudtrail-kms-encryption",
    description: "CloudTrail trails must encrypt log files with a KMS key (SSE-KMS).",
    severity: "medium",
    controls: ["CloudTrail.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kmsKeyId` on the aws.cloudtrail.Trail to a customer managed aws.kms.Key whose policy lets cloudtrail.amazonaws.com encrypt (scoped by `aws:SourceArn`).",
    resourceTypes: TE.trail,
  },
  ({ ref, fail }) => {
    if (!ref("kmsKeyId", SOURCES.kmsKey)) fail("does not encrypt its log files with KMS", "set `kmsKeyId` to a customer managed aws.kms.Key ARN");
  },
);

export const cloudtrailLogValidation = resourcePolicy(
  {
    name: "cloudtrail-log-file-validation",
    description: "CloudTrail trails must have log file integrity validation enabled.",
    severity: "low",
    controls: ["CloudTrail.4"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `enableLogFileValidation: true` on the aws.cloudtrail.Trail.",
    resourceTypes: TE.trail,
  },
  ({ props, fail }) => {
    if (props.enableLogFileValidation !== true) fail("has log file validation off, so tampering with its logs goes unnoticed", "set `enableLogFileValidation: true`");
  },
);

export const cloudtrailCloudwatchLogs = referencePolicy(
  {
    name: "cloudtrail-cloudwatch-logs",
    description: "CloudTrail trails must deliver to CloudWatch Logs (a log group and a role to write to it).",
    severity: "low",
    controls: ["CloudTrail.5"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `cloudWatchLogsGroupArn` (an aws.cloudwatch.LogGroup ARN suffixed with `:*`) and `cloudWatchLogsRoleArn` (a role trusted by cloudtrail.amazonaws.com with logs:CreateLogStream and logs:PutLogEvents) on the trail.",
    resourceTypes: TE.trail,
  },
  ({ ref, fail }) => {
    const missing = (
      [
        ["cloudWatchLogsGroupArn", SOURCES.logGroup],
        ["cloudWatchLogsRoleArn", SOURCES.role],
      ] as const
    )
      .filter(([k, types]) => !ref(k, types))
      .map(([k]) => k);
    if (missing.length > 0) fail(`is not integrated with CloudWatch Logs (${missing.map((m) => `\`${m}\``).join(" and ")} unset)`, `set ${missing.map((m) => `\`${m}\``).join(" and ")}`);
  },
);

export const cloudtrailEnabled = stackPolicy(
  {
    name: "cloudtrail-enabled",
    description: "At least one CloudTrail trail must be logging: in a stack that declares trails, or that is the account baseline (config requireTrail).",
    severity: "high",
    controls: ["CloudTrail.3"],
    frameworks: ["PCI DSS", "HIPAA"],
    remediationSteps: "Declare an aws.cloudtrail.Trail with `enableLogging: true` (multi-Region, encrypted, validated) in the account baseline stack.",
    config: {
      requireTrail: {
        type: "boolean",
        description: "This stack is the account baseline and must declare a logging trail.",
        default: false,
      },
    },
  },
  ({ args, resources, ofType, fail, config }) => {
    const trails = ofType(TE.trail);
    if (trails.length === 0) {
      if (!truthy(config.requireTrail)) args.notApplicable("the stack declares no trail and is not the account baseline (config requireTrail)");
      fail(stackResource(resources), "declares no CloudTrail trail although it is the account baseline (config requireTrail)", "add an aws.cloudtrail.Trail with `isMultiRegionTrail: true` and `enableLogging: true`");
      return;
    }
    const states = trails.map((t) => get(t.props, "enableLogging"));
    if (states.some((v) => v !== false && !isUnknown(v))) return; // enableLogging defaults to true
    const unknownTrail = trails.find((_t, i) => isUnknown(states[i]));
    if (unknownTrail) undecidable(`${unknownTrail.name}.enableLogging`);
    for (const t of trails) fail(t, "is not logging (`enableLogging: false`), and no other trail in the stack logs", "set `enableLogging: true`");
  },
);

/** The buckets of the stack a trail writes to (by dependency on `s3BucketName`, or by name). */
function trailBuckets(trail: PolicyResource, buckets: PolicyResource[]): PolicyResource[] {
  const deps = (trail.propertyDependencies?.s3BucketName ?? []).map((d) => d.urn);
  const name = get(trail.props, "s3BucketName");
  const found = buckets.filter((b) => deps.includes(b.urn) || (typeof name === "string" && !isUnknown(name) && get(b.props, "bucket") === name));
  if (found.length === 0 && isUnknown(name)) {
    // From no bucket of the stack: it may still be one of them (lib/references.ts).
    const ref = reference(trail, "s3BucketName", T.bucket);
    if (ref.kind === "unknown") undecidableBecause(unknownReferenceMessage(trail, "s3BucketName", T.bucket, ref.from));
  }
  return found; // none: the bucket lives outside this stack (e.g. a central log archive account)
}

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

export const cloudtrailBucketNotPublic = stackPolicy(
  {
    name: "cloudtrail-bucket-not-public",
    description: "The S3 bucket a CloudTrail trail writes to must not be publicly accessible (no public policy statement or ACL, no public access block turned off).",
    severity: "critical",
    controls: ["CloudTrail.6"],
    frameworks: ["CIS"],
    remediationSteps: "On the trail's bucket: keep all four aws.s3.BucketPublicAccessBlock settings true, remove bucket policy statements that allow \"*\" without a condition, and use a private ACL.",
  },
  ({ forEach, ofType, attached, fail }) => {
    const buckets = ofType(T.bucket);
    forEach(TE.trail, (trail) => {
      for (const bucket of trailBuckets(trail, buckets)) {
        const problems: string[] = [];
        const docs = [get(bucket.props, "policy"), ...attached(bucket, T.bucketPolicy, "bucket").map((p) => get(p.props, "policy"))];
        for (const d of docs) {
          const parsed = parsePolicyDocument(d);
          if (parsed === "unknown") undecidable(`${bucket.name}.policy`);
          if (parsed) {
            const { open, unknown } = publicStatements(parsed.statements);
            if (open.length > 0) problems.push("its bucket policy allows \"*\" without a condition that pins the caller");
            else if (unknown) undecidable(`${bucket.name}.policy (${unknown})`);
          }
        }
        const acls = [known(bucket, "acl"), ...attached(bucket, T.bucketAcl, "bucket").map((a) => known(a, "acl"))];
        const open = acls.filter((a) => PUBLIC_ACLS.includes(a));
        if (open.length > 0) problems.push(`it has the ACL ${open.join(", ")}`);
        for (const pab of attached(bucket, T.bucketPublicAccessBlock, "bucket")) {
          const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((k) => known(pab, k) !== true);
          if (off.length > 0) problems.push(`public access block ${pab.name} leaves ${off.join(", ")} off`);
        }
        // No public access block resource: new buckets block public access by default (since April 2023).
        if (problems.length > 0) fail(trail, `writes to bucket ${bucket.name}, which can be public: ${problems.join("; ")}`, "keep the bucket private: all four public access block settings true, no unconditioned \"*\" in its policy, a private ACL");
      }
    });
  },
);

export const cloudtrailBucketLogging = stackPolicy(
  {
    name: "cloudtrail-bucket-access-logging",
    description: "The S3 bucket a CloudTrail trail writes to must have server access logging.",
    severity: "low",
    controls: ["CloudTrail.7"],
    frameworks: ["CIS"],
    remediationSteps: "Add an aws.s3.BucketLogging for the trail's bucket (`targetBucket` = a separate access-log bucket), or the bucket's inline `logging`.",
  },
  ({ forEach, ofType, attached, fail }) => {
    const buckets = ofType(T.bucket);
    forEach(TE.trail, (trail) => {
      for (const bucket of trailBuckets(trail, buckets)) {
        if (attached(bucket, T.bucketLogging, "bucket").length > 0) continue;
        if (referenceIsSet(bucket, "logging.targetBucket", SOURCES.bucket)) continue;
        fail(trail, `writes to bucket ${bucket.name}, which has no server access logging`, "add an aws.s3.BucketLogging with `bucket` = the trail bucket and `targetBucket` = an access-log bucket");
      }
    });
  },
);

// ---------------------------------------------------------------- CloudWatch alarms

const ALARMS = [...TE.metricAlarm, ...TE.compositeAlarm];

export const cloudwatchAlarmActions = resourcePolicy(
  {
    name: "cloudwatch-alarm-has-actions",
    description: "CloudWatch alarms must have an action for the ALARM state (and for OK / INSUFFICIENT_DATA when configured).",
    severity: "high",
    controls: ["CloudWatch.15"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `alarmActions` (an SNS topic, Auto Scaling or EC2 action ARN) on the aws.cloudwatch.MetricAlarm / CompositeAlarm, and `okActions` / `insufficientDataActions` where required.",
    resourceTypes: ALARMS,
    config: {
      alarmActionRequired: { type: "boolean", description: "Require `alarmActions`.", default: true },
      okActionRequired: { type: "boolean", description: "Require `okActions`.", default: false },
      insufficientDataActionRequired: { type: "boolean", description: "Require `insufficientDataActions`.", default: false },
    },
  },
  ({ props, config, fail }) => {
    const required = [
      ["alarmActions", config.alarmActionRequired ?? true],
      ["okActions", config.okActionRequired ?? false],
      ["insufficientDataActions", config.insufficientDataActionRequired ?? false],
    ] as const;
    const missing = required.filter(([k, on]) => truthy(on) && listSize(props, k) === 0).map(([k]) => k);
    if (missing.length > 0) fail(`has no ${missing.map((m) => `\`${m}\``).join(", ")}, so nobody is told when it fires`, `set ${missing.map((m) => `\`${m}\``).join(", ")} to an SNS topic ARN (or another action)`);
  },
);

export const cloudwatchAlarmActionsEnabled = resourcePolicy(
  {
    name: "cloudwatch-alarm-actions-enabled",
    description: "CloudWatch alarms must have their actions enabled.",
    severity: "high",
    controls: ["CloudWatch.17"],
    frameworks: ["NIST 800-53"],
    remediationSteps: "Remove `actionsEnabled: false` (it defaults to true) from the aws.cloudwatch.MetricAlarm / CompositeAlarm.",
    resourceTypes: ALARMS,
  },
  ({ props, fail }) => {
    if (props.actionsEnabled === false) fail("has its actions disabled (`actionsEnabled: false`)", "set `actionsEnabled: true` (the default)");
  },
);

// ---------------------------------------------------------------- GuardDuty, Security Hub, Config

export const guarddutyEnabled = stackPolicy(
  {
    name: "guardduty-detector-enabled",
    description: "GuardDuty detectors must be enabled; an account-baseline stack (config requireDetector) must declare one.",
    severity: "high",
    controls: ["BP.Audit.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Declare an aws.guardduty.Detector with `enable: true` (the default) in the account baseline stack, and do not suspend it.",
    config: {
      requireDetector: { type: "boolean", description: "This stack is the account baseline and must declare a GuardDuty detector.", default: false },
    },
  },
  ({ args, resources, ofType, forEach, fail, config }) => {
    if (ofType(TE.guardDutyDetector).length === 0) {
      if (!truthy(config.requireDetector)) args.notApplicable("no GuardDuty detector in the stack");
      fail(
        stackResource(resources),
        "declares no GuardDuty detector although it is the account baseline (config requireDetector)",
        "add an aws.guardduty.Detector with `enable: true`; if the organization's delegated administrator manages this account's detector, set requireDetector to false for this stack in the pack config",
      );
      return;
    }
    forEach(TE.guardDutyDetector, (d) => {
      if (known(d, "enable") === false) fail(d, "is suspended (`enable: false`)", "set `enable: true` (the default)");
    });
  },
);

export const securityhubStandards = stackPolicy(
  {
    name: "securityhub-standards-enabled",
    description: "Security Hub must run the required standards (AWS Foundational Security Best Practices by default).",
    severity: "medium",
    controls: ["BP.Audit.2"],
    frameworks: ["Blueprints"],
    remediationSteps:
      "Keep `enableDefaultStandards: true` (the default) on the aws.securityhub.Account, or add an aws.securityhub.StandardsSubscription for each required standard (e.g. `arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0`).",
    config: {
      requiredStandards: {
        type: "array",
        items: { type: "string" },
        description: "Standards that must be subscribed, as a fragment of the standards ARN.",
        default: ["aws-foundational-security-best-practices"],
      },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const required: string[] = config.requiredStandards ?? [];
    const subscriptions = ofType(TE.securityHubStandardsSubscription);
    forEach(TE.securityHubAccount, (account) => {
      // The default standards are FSBP and CIS 1.2.0; `enableDefaultStandards` defaults to true.
      const defaults = known(account, "enableDefaultStandards") !== false ? ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark/v/1.2.0"] : [];
      const arns = subscriptions.map((s) => known(s, "standardsArn")).filter((a): a is string => typeof a === "string");
      const missing = required.filter((std) => !defaults.some((d) => d.includes(std) || std.includes(d)) && !arns.some((a) => a.includes(std)));
      if (missing.length > 0) fail(account, `does not subscribe to ${missing.join(", ")}`, `add an aws.securityhub.StandardsSubscription for ${missing.map((m) => `"${m}"`).join(", ")} (or keep \`enableDefaultStandards: true\`)`);
    });
  },
);

export const configRecorderAllResources = stackPolicy(
  {
    name: "config-recorder-all-resources",
    description: "AWS Config recorders must record all supported resource types (including global ones) and be turned on.",
    severity: "medium",
    controls: ["BP.Audit.3"],
    frameworks: ["Blueprints"],
    remediationSteps:
      "On the aws.cfg.Recorder keep `recordingGroup.allSupported: true` and set `recordingGroup.includeGlobalResourceTypes: true` (in one Region), and add an aws.cfg.RecorderStatus with `name` = the recorder's name and `isEnabled: true`.",
    config: {
      requireGlobalResourceTypes: { type: "boolean", description: "Require `includeGlobalResourceTypes: true` (record IAM in this Region).", default: true },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    // A RecorderStatus names its recorder; both default to "default".
    const recorderName = (r: PolicyResource) => known(r, "name") ?? "default";
    const statusesOf = (rec: PolicyResource) =>
      ofType(TE.configRecorderStatus).filter((s) => (s.propertyDependencies?.name ?? []).some((d) => d.urn === rec.urn) || recorderName(s) === recorderName(rec));
    forEach(TE.configRecorder, (rec) => {
      const problems: string[] = [];
      if (known(rec, "recordingGroup.allSupported") === false) problems.push("`recordingGroup.allSupported` is false (only some resource types are recorded)");
      if (truthy(config.requireGlobalResourceTypes ?? true) && known(rec, "recordingGroup.includeGlobalResourceTypes") !== true) problems.push("global resource types (IAM) are not recorded");
      const statuses = statusesOf(rec);
      const on = statuses.some((s) => known(s, "isEnabled") === true);
      if (!on) problems.push(statuses.length === 0 ? "no aws.cfg.RecorderStatus turns it on" : "its aws.cfg.RecorderStatus has `isEnabled: false`");
      if (problems.length > 0) fail(rec, problems.join("; "), "set `recordingGroup: { allSupported: true, includeGlobalResourceTypes: true }` and add an aws.cfg.RecorderStatus with `isEnabled: true`");
    });
  },
);

export const policies = [
  cloudtrailMultiRegion,
  cloudtrailEncryption,
  cloudtrailLogValidation,
  cloudtrailCloudwatchLogs,
  cloudtrailEnabled,
  cloudtrailBucketNotPublic,
  cloudtrailBucketLogging,
  cloudwatchAlarmActions,
  cloudwatchAlarmActionsEnabled,
  guarddutyEnabled,
  securityhubStandards,
  configRecorderAllResources,
];

/** CloudTrail controls of the catalog that cannot be decided at preview: none. */
export const notDecidable: Record<string, string> = {};
