/**
 * The platform project (root Pulumi.yaml): the account baseline the five workloads stand on. One
 * stack per AWS account (dev, prod). Everything here exists once per account or region; the
 * workloads read what they need from its outputs by StackReference (see
 * components/platform/platform-reference.ts for the output contract).
 */
import * as aws from "@pulumi/aws";
import { EncryptionKey } from "../../components/security/encryption-key";
import { AlarmTopic } from "./alarms";
import { Audit, configKeyPrefix } from "./audit";
import { CiAccess } from "./ci-access";
import { loadPlatformConfig } from "./config";
import { Detection } from "./detection";
import { AccountGuardrails } from "./guardrails";
import { People } from "./people";
import { AccountSubscriptions } from "./subscriptions";

const settings = loadPlatformConfig();

// --- Keys: one for logs and alarms, one for workload data ---
const logsKey = new EncryptionKey("logs", {
  context: settings,
  description: "Audit and operational logs: CloudTrail, CloudWatch Logs, AWS Config, the alarm topic",
  // rds-events: workload databases publish their event subscriptions to the alarm topic (RDS.19/.20).
  servicePrincipals: ["cloudtrail", "logs", "config", "cloudwatch", "events", "rds-events"],
});
const dataKey = new EncryptionKey("data", {
  context: settings,
  description: "Workload data at rest; the EBS default key and the Glue Data Catalog key",
  // EBS default encryption: any principal of the account (Auto Scaling's service-linked role
  // included) may use the key, but only through EC2.
  viaServices: ["ec2"],
});

// --- Alarms: one encrypted topic for the account ---
const alarms = new AlarmTopic("alarms", { settings, key: logsKey });

// --- Audit: CloudTrail into the log archive and CloudWatch Logs ---
const audit = new Audit("audit", { settings, logsKey, alarmTopicArn: alarms.topicArn });

// --- Detection: GuardDuty, Security Hub, AWS Config, IAM Access Analyzer ---
new Detection("detection", { settings, logArchive: audit.logArchive, configKeyPrefix, alarmTopicArn: alarms.topicArn });

// --- Account guard rails and regional singletons ---
new AccountGuardrails("guardrails", { settings, dataKey });

// --- People: IAM groups behind MFA (no IAM users in code) ---
new People("people", { settings, logArchiveArn: audit.logArchive.arn, logsKeyArn: logsKey.keyArn });

// --- CI access: GitHub OIDC; preview and deploy roles per workload, and for the platform itself ---
const ci = new CiAccess("ci", {
  settings,
  platform: {
    keyArns: [logsKey.keyArn, dataKey.keyArn],
    logArchiveArn: audit.logArchive.arn,
    trailLogGroupArn: audit.trailLogGroup.arn,
    alarmTopicArn: alarms.topicArn,
  },
});

// --- Account subscriptions behind config switches: Shield Advanced, QuickSight ---
const subscriptions = new AccountSubscriptions("subscriptions", { settings });

// --- Outputs: the interface workloads read (PlatformOutputs) ---
export const accountId = aws.getCallerIdentityOutput().accountId;
export const logArchiveBucketName = audit.logArchive.bucketName;
export const logArchiveBucketArn = audit.logArchive.arn;
export const accessLogsBucketName = audit.accessLogs.bucketName;
export const dataKeyArn = dataKey.keyArn;
export const logsKeyArn = logsKey.keyArn;
export const alarmTopicArn = alarms.topicArn;
export const shieldAdvancedActive = subscriptions.shieldAdvancedActive;
export const quicksightActive = subscriptions.quicksightActive;
export const quicksightNamespace = subscriptions.quicksightNamespace;
export const quicksightAdminGroupArn = subscriptions.quicksightAdminGroupArn;
export const githubOidcProviderArn = ci.oidcProviderArn;
export const ciRoles = ci.roles;
export const platformCiRoles = ci.platformRoles;
