/**
 * Detection: GuardDuty, Security Hub (FSBP, and PCI DSS where the account hosts card data), AWS
 * Config recording into the log archive, IAM Access Analyzer, and high-severity findings to the
 * alarm topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceRole } from "../../components/security/service-role";
import { EncryptedBucket } from "../../components/storage/encrypted-bucket";
import { physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { environmentDefaults, type PlatformSettings } from "./config";

/** GuardDuty protection plans turned on beside the foundational data sources. */
export const guardDutyFeatures = ["S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"] as const;

/** Security Hub standards, by the compliance regime that asks for them. */
export const securityHubStandards = {
  fsbp: { name: "fsbp", path: "standards/aws-foundational-security-best-practices/v/1.0.0" },
  "pci-dss": { name: "pci-dss", path: "standards/pci-dss/v/4.0.1" },
} as const;

/** The standards a stack subscribes to: FSBP always; PCI DSS when its compliance includes pci-dss. */
export function standardsFor(settings: Pick<PlatformSettings, "compliance">): (keyof typeof securityHubStandards)[] {
  return ["fsbp", ...(settings.compliance.includes("pci-dss") ? (["pci-dss"] as const) : [])];
}

export interface DetectionArgs {
  settings: PlatformSettings;
  /** AWS Config delivers snapshots and history here (SSE-KMS with the logs key). */
  logArchive: EncryptedBucket;
  /** Key prefix for AWS Config inside the archive. */
  configKeyPrefix: string;
  /** Where high-severity findings go. */
  alarmTopicArn: pulumi.Input<string>;
}

export class Detection extends pulumi.ComponentResource {
  /** Undefined when the account already has its detector (baseline.guardDuty "existing"). */
  readonly detector?: aws.guardduty.Detector;
  /** Undefined when Security Hub is already enabled (baseline.securityHub "existing"). */
  readonly securityHub?: aws.securityhub.Account;
  /** Undefined when the account already records (baseline.config "existing"). */
  readonly recorder?: aws.cfg.Recorder;
  readonly analyzer: aws.accessanalyzer.Analyzer;

  constructor(name: string, args: DetectionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:Detection", name, {}, opts);
    const { settings, logArchive } = args;
    const defaults = environmentDefaults[settings.environment];
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const tags = withTags(settings.tags);
    const baseline = settings.config.baseline;

    // --- GuardDuty (its findings are history: kept in prod) ---
    // "existing": the organization's delegated administrator owns the detector and its protection
    // plans (a member account cannot change them); its findings still reach this account's
    // EventBridge, so the routing below works in both modes.
    if (baseline.guardDuty === "create") {
      const detector = new aws.guardduty.Detector(
        "guardduty",
        { enable: true, findingPublishingFrequency: defaults.guardDutyFindingFrequency, tags },
        statefulOptions(settings, { parent: this }),
      );
      for (const feature of guardDutyFeatures) {
        new aws.guardduty.DetectorFeature(`guardduty-${feature.toLowerCase().replace(/_/g, "-")}`, { detectorId: detector.id, name: feature, status: "ENABLED" }, { parent: this });
      }
      this.detector = detector;
    }

    // --- Security Hub: standards chosen explicitly, consolidated control findings ---
    // "existing": Security Hub (and, under central configuration, its standards) is the
    // organization's; findings are still imported into this account's EventBridge.
    if (baseline.securityHub === "create") {
      const securityHub = new aws.securityhub.Account(
        "security-hub",
        { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL", autoEnableControls: true },
        statefulOptions(settings, { parent: this }),
      );
      for (const standard of standardsFor(settings)) {
        new aws.securityhub.StandardsSubscription(
          `security-hub-${securityHubStandards[standard].name}`,
          { standardsArn: pulumi.interpolate`arn:${partition}:securityhub:${settings.region}::${securityHubStandards[standard].path}` },
          { parent: this, dependsOn: [securityHub] },
        );
      }
      this.securityHub = securityHub;
    }

    // --- AWS Config: record everything, deliver into the log archive ---
    // "existing": Control Tower (or the organization) runs the account's recorder and delivery
    // channel into its own log archive; there can be only one of each per region.
    if (baseline.config === "create") {
      const configRole = new ServiceRole(
        "config-recorder",
        {
          context: settings,
          service: "config.amazonaws.com",
          description: "AWS Config records resource configuration and delivers it to the log archive",
          trustConditions: { StringEquals: { "aws:SourceAccount": account } },
          managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"],
        },
        { parent: this },
      );
      const configWrite = logArchive.grantWrite(configRole.role, { prefix: `${args.configKeyPrefix}/`, aclCheck: true });
      const recorder = new aws.cfg.Recorder(
        "config-recorder",
        {
          name: "default",
          roleArn: configRole.arn,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
          recordingMode: { recordingFrequency: defaults.configRecordingFrequency },
        },
        { parent: this, dependsOn: [configRole] },
      );
      // The delivery channel needs the recorder; AWS Config checks the bucket and key on creation.
      const deliveryChannel = new aws.cfg.DeliveryChannel(
        "config-delivery",
        {
          name: "default",
          s3BucketName: logArchive.bucketName,
          s3KeyPrefix: args.configKeyPrefix,
          ...(logArchive.kmsKeyArn ? { s3KmsKeyArn: logArchive.kmsKeyArn } : {}),
          snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
        },
        { parent: this, dependsOn: [recorder, logArchive.policy, configWrite] },
      );
      // Recording starts only once there is somewhere to deliver to.
      new aws.cfg.RecorderStatus("config-recorder-status", { name: recorder.name, isEnabled: true }, { parent: this, dependsOn: [deliveryChannel] });
      this.recorder = recorder;
    }

    // --- IAM Access Analyzer: resources shared outside the account ---
    this.analyzer = new aws.accessanalyzer.Analyzer("access-analyzer", { analyzerName: physicalName(settings, "access-analyzer"), type: "ACCOUNT", tags }, { parent: this });

    // --- High-severity findings to the alarm topic ---
    const findingRules = {
      "guardduty-findings": {
        description: "GuardDuty findings of high severity (7 and above)",
        pattern: { source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", 7] }] } },
      },
      "security-hub-findings": {
        description: "New, active Security Hub findings labelled HIGH or CRITICAL",
        pattern: {
          source: ["aws.securityhub"],
          "detail-type": ["Security Hub Findings - Imported"],
          detail: { findings: { Severity: { Label: ["HIGH", "CRITICAL"] }, Workflow: { Status: ["NEW"] }, RecordState: ["ACTIVE"] } },
        },
      },
    };
    for (const [ruleName, rule] of Object.entries(findingRules)) {
      const eventRule = new aws.cloudwatch.EventRule(ruleName, { description: rule.description, eventPattern: JSON.stringify(rule.pattern), tags }, { parent: this });
      new aws.cloudwatch.EventTarget(ruleName, { rule: eventRule.name, arn: args.alarmTopicArn }, { parent: this });
    }

    this.registerOutputs({ detectorId: this.detector?.id ?? "existing", analyzerArn: this.analyzer.arn });
  }
}
