/**
 * The platform project (root Pulumi.yaml), planned offline for dev and prod: each capability of
 * issue 3 on each stack (what is on, what is off, and why), tags, prod protection, the output
 * contract, config errors, and a workload reading the platform by StackReference.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { PlatformOutputNames, WorkloadProjects } from "../../components/platform/platform-reference";
import { isWildcardAction } from "../../components/security/policy-document";
import { ConfigError, parseStackConfig, RawConfig } from "../../shared/config";
import { RequiredTagKeys } from "../../shared/tags";
import { platformDefinition } from "../../projects/platform/config";
import { defaultAdopterExamplesFile, overlayAdopterExamples, readAdopterExamples } from "../../tools/plan/adopter-examples";
import { planWithAdopterExamples } from "../helpers/adopter-plan";
import { ofType, PlanJson, repoRoot, runPlan } from "../helpers/plan";

type Resource = PlanJson["resources"][number];
/** Advisories dev has by design (its profile): a 7-day KMS deletion window, 30 days of logs. */
const devByDesign = new Set(["kms-key-deletion-window", "cloudwatch-log-group-retention"]);
const ACCOUNT = "123456789012";
const taggable = new Set<string>(JSON.parse(fs.readFileSync(path.join(repoRoot, "policy-packs/aws-compliance/taggable-types.json"), "utf8")).types);

function one(plan: PlanJson, type: string, name?: string): Resource {
  const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` ${name}` : ""} in ${plan.stack}, found ${found.length}`);
  return found[0]!;
}
const platformKeyOrder = (k: string) => Object.keys(platformDefinition.schema!).indexOf(k.slice("platform:".length));
const statements = (doc: string): any[] => JSON.parse(doc).Statement;
const sid = (doc: string, id: string) => {
  const s = statements(doc).find((x) => x.Sid === id);
  if (!s) throw new Error(`no statement ${id}`);
  return s;
};

/**
 * The stack file's config as the Pulumi CLI hands it to a program (strings, structured values as
 * JSON), with the adopter-specific keys the offline plan overlays (unless `committedOnly`).
 */
function rawConfig(stack: string, edit: (c: Record<string, unknown>) => void = () => {}, committedOnly = false): RawConfig {
  const file = YAML.parse(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  const examples = committedOnly ? {} : readAdopterExamples(defaultAdopterExamplesFile);
  const overlaid = overlayAdopterExamples({}, examples, "platform", stack).config;
  const config: Record<string, unknown> = { ...Object.fromEntries(Object.entries(overlaid).map(([k, v]) => [k, JSON.parse(v.startsWith("[") || v === "true" || v === "false" ? v : JSON.stringify(v))])), ...file.config };
  edit(config);
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
const parse = (stack: string, edit?: (c: Record<string, unknown>) => void, committedOnly = false) =>
  parseStackConfig(platformDefinition, { project: "platform", stack, organization: "organization", raw: rawConfig(stack, edit, committedOnly) });

describe("platform project (root Pulumi.yaml)", function () {
  this.timeout(120_000);
  const plans: Record<"dev" | "prod", PlanJson> = {} as never;

  before(() => {
    for (const stack of ["dev", "prod"] as const) {
      const r = runPlan(".", stack);
      expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
      plans[stack] = r.json!;
    }
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} stack`, () => {
      const plan = () => plans[stack];
      const out = () => plan().outputs;

      it("plans cleanly: no mandatory violation, no advisory but those the dev profile decides, no unanswered invoke", () => {
        expect(plan().project).to.equal("platform");
        expect(plan().status).to.equal("ok");
        expect(plan().violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
        const unexpected = plan().violations.filter((v) => !v.message.startsWith("EXEMPTED") && !(stack === "dev" && devByDesign.has(v.policy)));
        expect(unexpected).to.deep.equal([]);
        expect(plan().notes.join("\n")).to.not.match(/no offline answer/);
      });

      it("exports exactly the output contract (PlatformOutputs)", () => {
        expect(Object.keys(out()).sort()).to.deep.equal([...PlatformOutputNames].sort());
        expect(out().accountId).to.equal(ACCOUNT);
        expect(out().ciRoles).to.have.keys(...WorkloadProjects);
      });

      it("tags every taggable resource with the five required tags", () => {
        const tagged = plan().resources.filter((r) => r.custom && taggable.has(r.type));
        expect(tagged.length).to.be.greaterThan(30);
        for (const r of tagged) {
          for (const k of RequiredTagKeys) expect(r.inputs.tags?.[k], `${r.type} ${r.name}: tag ${k}`).to.be.a("string").and.not.equal("");
          expect(r.inputs.tags).to.deep.include({ project: "platform", environment: stack, owner: "platform-team", "data-classification": "confidential" });
        }
      });

      describe("audit", () => {
        it("a multi-region CloudTrail with log-file validation, encrypted with the logs key, into the log archive", () => {
          const trail = one(plan(), "aws:cloudtrail/trail:Trail");
          expect(trail.inputs).to.deep.include({
            name: `platform-${stack}-trail`,
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            enableLogging: true,
            kmsKeyId: out().logsKeyArn,
            s3BucketName: out().logArchiveBucketName,
          });
          expect(trail.inputs.eventSelectors).to.deep.equal([{ readWriteType: "All", includeManagementEvents: true }]);
        });

        it("delivers the trail to an encrypted CloudWatch log group through a role that can only write there", () => {
          const trail = one(plan(), "aws:cloudtrail/trail:Trail");
          const group = one(plan(), "aws:cloudwatch/logGroup:LogGroup", "trail-logs");
          expect(group.inputs).to.deep.include({ name: `/aws/cloudtrail/platform-${stack}-trail`, kmsKeyId: out().logsKeyArn, retentionInDays: stack === "prod" ? 365 : 30 });
          expect(trail.inputs.cloudWatchLogsGroupArn).to.equal(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/cloudtrail/platform-${stack}-trail:*`);
          const role = one(plan(), "aws:iam/role:Role", "trail-logs-delivery");
          expect(sid(role.inputs.assumeRolePolicy, "ServiceAssumesRole").Principal).to.deep.equal({ Service: "cloudtrail.amazonaws.com" });
          const grant = one(plan(), "aws:iam/rolePolicy:RolePolicy", "trail-logs-delivery-trail-logs-write");
          expect(statements(grant.inputs.policy)).to.deep.equal([
            { Sid: "WriteLogEvents", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/cloudtrail/platform-${stack}-trail:log-stream:*` },
          ]);
          // CloudTrail validates the bucket policy and the role when the trail is created.
          expect(trail.dependencies).to.include.members([one(plan(), "aws:s3/bucketPolicy:BucketPolicy", "log-archive-policy").urn, grant.urn]);
        });

        it("the log archive is SSE-KMS (logs key), versioned, non-public, TLS-only and access-logged", () => {
          expect(out().logArchiveBucketName).to.equal(`platform-${stack}-log-archive-${ACCOUNT}`);
          expect(one(plan(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "log-archive-encryption").inputs.rules).to.deep.equal([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: out().logsKeyArn }, bucketKeyEnabled: true },
          ]);
          expect(one(plan(), "aws:s3/bucketVersioning:BucketVersioning", "log-archive-versioning").inputs.versioningConfiguration.status).to.equal("Enabled");
          expect(one(plan(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "log-archive-public-access-block").inputs).to.include({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          });
          const policy = one(plan(), "aws:s3/bucketPolicy:BucketPolicy", "log-archive-policy").inputs.policy;
          expect(sid(policy, "DenyInsecureTransport").Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
          expect(one(plan(), "aws:s3/bucketLogging:BucketLogging", "log-archive-logging").inputs).to.include({ targetBucket: out().accessLogsBucketName, targetPrefix: "log-archive/" });
          // The access-log bucket itself is SSE-S3: S3 cannot deliver server access logs to SSE-KMS.
          expect(one(plan(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "access-logs-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
        });

        it("only this trail and this account's AWS Config may write to the archive", () => {
          const policy = one(plan(), "aws:s3/bucketPolicy:BucketPolicy", "log-archive-policy").inputs.policy;
          const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/platform-${stack}-trail`;
          expect(sid(policy, "CloudTrailWrite")).to.deep.include({
            Resource: `${out().logArchiveBucketArn}/AWSLogs/${ACCOUNT}/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
          });
          expect(sid(policy, "AwsConfigWrite").Resource).to.equal(`${out().logArchiveBucketArn}/config/AWSLogs/${ACCOUNT}/Config/*`);
        });

        it(stack === "prod" ? "prod lifecycle: Glacier at 90 days, Deep Archive at a year, kept seven years" : "dev lifecycle: Glacier at 30 days, gone after a year", () => {
          const rules = one(plan(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "log-archive-lifecycle").inputs.rules;
          const current = rules.find((r: any) => r.id === "current-versions");
          if (stack === "prod") {
            expect(current.transitions).to.deep.equal([
              { days: 90, storageClass: "GLACIER" },
              { days: 365, storageClass: "DEEP_ARCHIVE" },
            ]);
            expect(current.expiration).to.deep.equal({ days: 2557 });
          } else {
            expect(current.transitions).to.deep.equal([{ days: 30, storageClass: "GLACIER" }]);
            expect(current.expiration).to.deep.equal({ days: 365 });
          }
          expect(rules.find((r: any) => r.id === "noncurrent-versions").noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 90 });
        });

        it("raises the CIS alarms (root use, console sign-in without MFA, trail changes) to the alarm topic", () => {
          const filters = ofType(plan(), "aws:cloudwatch/logMetricFilter:LogMetricFilter");
          expect(filters.map((f) => f.name).sort()).to.deep.equal(["cloudtrail-changes", "console-sign-in-without-mfa", "root-account-usage"]);
          for (const f of filters) expect(f.inputs.logGroupName).to.equal(`/aws/cloudtrail/platform-${stack}-trail`);
          for (const a of ofType(plan(), "aws:cloudwatch/metricAlarm:MetricAlarm")) expect(a.inputs.alarmActions).to.deep.equal([out().alarmTopicArn]);
        });
      });

      describe("detection", () => {
        it("GuardDuty on, with S3, EBS malware, RDS login and Lambda network protection", () => {
          const detector = one(plan(), "aws:guardduty/detector:Detector");
          expect(detector.inputs.enable).to.equal(true);
          expect(detector.inputs.findingPublishingFrequency).to.equal(stack === "prod" ? "FIFTEEN_MINUTES" : "SIX_HOURS");
          const features = ofType(plan(), "aws:guardduty/detectorFeature:DetectorFeature");
          expect(features.map((f) => f.inputs.name).sort()).to.deep.equal(["EBS_MALWARE_PROTECTION", "LAMBDA_NETWORK_LOGS", "RDS_LOGIN_EVENTS", "S3_DATA_EVENTS"]);
          for (const f of features) expect(f.inputs.status).to.equal("ENABLED");
        });

        it(
          stack === "prod"
            ? "Security Hub runs FSBP and PCI DSS 4.0.1 (prod hosts card data: its compliance includes pci-dss)"
            : "Security Hub runs FSBP only (dev holds no card data: its compliance is fsbp)",
          () => {
            const hub = one(plan(), "aws:securityhub/account:Account");
            expect(hub.inputs).to.include({ enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL" });
            const standards = ofType(plan(), "aws:securityhub/standardsSubscription:StandardsSubscription");
            const arns = standards.map((s) => s.inputs.standardsArn).sort();
            const fsbp = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
            expect(arns).to.deep.equal(stack === "prod" ? [fsbp, "arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1"] : [fsbp]);
            for (const s of standards) expect(s.dependencies).to.include(hub.urn);
          },
        );

        it("AWS Config records everything into the archive: recorder, then delivery channel, then recording on", () => {
          const recorder = one(plan(), "aws:cfg/recorder:Recorder");
          expect(recorder.inputs.recordingGroup).to.deep.equal({ allSupported: true, includeGlobalResourceTypes: true });
          expect(recorder.inputs.recordingMode.recordingFrequency).to.equal(stack === "prod" ? "CONTINUOUS" : "DAILY");
          const channel = one(plan(), "aws:cfg/deliveryChannel:DeliveryChannel");
          expect(channel.inputs).to.deep.include({ s3BucketName: out().logArchiveBucketName, s3KeyPrefix: "config", s3KmsKeyArn: out().logsKeyArn });
          expect(channel.dependencies).to.include(recorder.urn);
          const status = one(plan(), "aws:cfg/recorderStatus:RecorderStatus");
          expect(status.inputs).to.deep.include({ name: "default", isEnabled: true });
          expect(status.dependencies).to.include(channel.urn);
          const role = one(plan(), "aws:iam/role:Role", "config-recorder");
          expect(sid(role.inputs.assumeRolePolicy, "ServiceAssumesRole").Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
        });

        it("workload databases' RDS event subscriptions may publish to the alarm topic and use its key (RDS.19/.20)", () => {
          const topicPolicy = one(plan(), "aws:sns/topicPolicy:TopicPolicy").inputs.policy;
          expect(sid(topicPolicy, "AccountAlarmsAndRulesPublish").Principal.Service).to.include("events.rds.amazonaws.com");
          const key = sid(one(plan(), "aws:kms/key:Key", "logs").inputs.policy, "RdsEventsPublishToEncryptedTopic");
          expect(key).to.deep.include({ Principal: { Service: "events.rds.amazonaws.com" }, Action: ["kms:GenerateDataKey", "kms:Decrypt"] });
          expect(key.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
        });

        it("IAM Access Analyzer watches the account; high-severity findings go to the alarm topic", () => {
          expect(one(plan(), "aws:accessanalyzer/analyzer:Analyzer").inputs.type).to.equal("ACCOUNT");
          const rules = ofType(plan(), "aws:cloudwatch/eventRule:EventRule");
          expect(rules.map((r) => JSON.parse(r.inputs.eventPattern).source[0]).sort()).to.deep.equal(["aws.guardduty", "aws.securityhub"]);
          for (const t of ofType(plan(), "aws:cloudwatch/eventTarget:EventTarget")) expect(t.inputs.arn).to.equal(out().alarmTopicArn);
          const topicPolicy = one(plan(), "aws:sns/topicPolicy:TopicPolicy").inputs.policy;
          expect(sid(topicPolicy, "AccountAlarmsAndRulesPublish").Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
          expect(one(plan(), "aws:sns/topic:Topic").inputs.kmsMasterKeyId).to.equal(out().logsKeyArn);
        });
      });

      describe("account guard rails and singletons", () => {
        it("a strong IAM password policy (IAM.7)", () => {
          expect(one(plan(), "aws:iam/accountPasswordPolicy:AccountPasswordPolicy").inputs).to.include({
            minimumPasswordLength: 14,
            requireSymbols: true,
            requireNumbers: true,
            requireUppercaseCharacters: true,
            requireLowercaseCharacters: true,
            passwordReusePrevention: 24,
          });
        });

        it("S3 account-level public access block, all four on (S3.1)", () => {
          expect(one(plan(), "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock").inputs).to.include({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          });
        });

        it("EBS encryption by default with the data key, usable through EC2 only (EC2.7)", () => {
          expect(one(plan(), "aws:ebs/encryptionByDefault:EncryptionByDefault").inputs.enabled).to.equal(true);
          expect(one(plan(), "aws:ebs/defaultKmsKey:DefaultKmsKey").inputs.keyArn).to.equal(out().dataKeyArn);
          const key = one(plan(), "aws:kms/key:Key", "data");
          expect(sid(key.inputs.policy, "AccountUsesKeyThroughServices").Condition.StringEquals["kms:ViaService"]).to.deep.equal(["ec2.us-east-1.amazonaws.com"]);
        });

        it("EMR block public access, Glue Data Catalog encryption, API Gateway's logging role", () => {
          expect(one(plan(), "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration").inputs.blockPublicSecurityGroupRules).to.equal(true);
          expect(one(plan(), "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings").inputs.dataCatalogEncryptionSettings).to.deep.equal({
            encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: out().dataKeyArn },
            connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: out().dataKeyArn },
          });
          const role = one(plan(), "aws:iam/role:Role", "api-gateway-cloudwatch");
          expect(one(plan(), "aws:apigateway/account:Account").inputs.cloudwatchRoleArn).to.match(/^arn:aws:iam::123456789012:role\/api-gateway-cloudwatch-/);
          expect(sid(role.inputs.assumeRolePolicy, "ServiceAssumesRole").Principal).to.deep.equal({ Service: "apigateway.amazonaws.com" });
        });

        it("both keys rotate; prod keeps a 30-day deletion window, dev 7", () => {
          for (const key of ofType(plan(), "aws:kms/key:Key")) {
            expect(key.inputs.enableKeyRotation).to.equal(true);
            expect(key.inputs.deletionWindowInDays).to.equal(stack === "prod" ? 30 : 7);
          }
        });
      });

      describe("people", () => {
        it("administrators, developers and auditors groups, each behind the MFA policy; no IAM users", () => {
          const groups = ofType(plan(), "aws:iam/group:Group");
          expect(groups.map((g) => g.inputs.name).sort()).to.deep.equal([`platform-${stack}-administrators`, `platform-${stack}-auditors`, `platform-${stack}-developers`]);
          const attachments = ofType(plan(), "aws:iam/groupPolicyAttachment:GroupPolicyAttachment").filter((a) => a.name.endsWith("-require-mfa"));
          expect(attachments).to.have.length(3);
          for (const a of attachments) expect(a.inputs.policyArn).to.match(new RegExp(`^arn:aws:iam::${ACCOUNT}:policy/platform/require-mfa-`));
          for (const type of ["aws:iam/user:User", "aws:iam/userLoginProfile:UserLoginProfile", "aws:iam/accessKey:AccessKey"]) expect(ofType(plan(), type)).to.have.length(0);
        });

        it("the MFA policy denies everything but MFA setup until the user signed in with MFA", () => {
          const deny = sid(one(plan(), "aws:iam/policy:Policy", "require-mfa").inputs.policy, "DenyAllExceptMfaSetupWithoutMfa");
          expect(deny.Effect).to.equal("Deny");
          expect(deny.NotAction).to.include.members(["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"]);
          expect(deny.NotAction).to.not.include("iam:DeactivateMFADevice");
          expect(deny.Condition).to.deep.equal({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } });
        });

        it(stack === "prod" ? "developers are read-only in prod (changes go through CI)" : "developers are power users in dev", () => {
          const developers = ofType(plan(), "aws:iam/groupPolicyAttachment:GroupPolicyAttachment").filter((a) => a.name.startsWith("developers-") && !a.name.endsWith("require-mfa"));
          expect(developers.map((a) => a.inputs.policyArn)).to.deep.equal([`arn:aws:iam::aws:policy/${stack === "prod" ? "ReadOnlyAccess" : "PowerUserAccess"}`]);
        });
      });

      describe("CI access", () => {
        it("one GitHub OIDC provider for sts.amazonaws.com", () => {
          const provider = one(plan(), "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
          expect(provider.inputs).to.deep.include({ url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] });
          expect(out().githubOidcProviderArn).to.equal(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
        });

        it("a preview and a deploy role per workload project, named as the workflows assume them (role/platform/ci-<project>-<kind>)", () => {
          for (const project of WorkloadProjects) {
            for (const kind of ["preview", "deploy"] as const) {
              const role = one(plan(), "aws:iam/role:Role", `ci-${project}-${kind}`);
              expect(role.inputs).to.include({ name: `ci-${project}-${kind}`, path: "/platform/" });
              expect(out().ciRoles[project][`${kind}RoleArn`]).to.equal(`arn:aws:iam::${ACCOUNT}:role/platform/ci-${project}-${kind}`);
            }
            expect(out().ciRoles[project].iamPath).to.equal(`/${project}/`);
            expect(out().ciRoles[project].permissionsBoundaryArn).to.equal(`arn:aws:iam::${ACCOUNT}:policy/platform/${project}-workload-boundary`);
          }
        });

        it("the platform's own CI roles: previews read-only, deploys administer the account", () => {
          expect(out().platformCiRoles).to.deep.equal({
            previewRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform/ci-platform-preview`,
            deployRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform/ci-platform-deploy`,
          });
          expect(one(plan(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ci-platform-preview-readonlyaccess").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/ReadOnlyAccess");
          expect(one(plan(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ci-platform-deploy-administratoraccess").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/AdministratorAccess");
        });

        it("preview roles: any ref of the repository, read-only", () => {
          const trust = sid(one(plan(), "aws:iam/role:Role", "ci-banking-preview").inputs.assumeRolePolicy, "GitHubActionsOfThisRepository");
          expect(trust.Action).to.equal("sts:AssumeRoleWithWebIdentity");
          expect(trust.Principal).to.deep.equal({ Federated: out().githubOidcProviderArn });
          expect(trust.Condition).to.deep.equal({
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": ["repo:example-org/aws-blueprints:*"] },
          });
          expect(one(plan(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ci-banking-preview-readonlyaccess").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/ReadOnlyAccess");
        });

        it(
          stack === "prod"
            ? "deploy roles (prod): only jobs in the GitHub environment production (required reviewers)"
            : "deploy roles (dev): jobs in the GitHub environment development, or on the main branch",
          () => {
            const trust = sid(one(plan(), "aws:iam/role:Role", "ci-banking-deploy").inputs.assumeRolePolicy, "GitHubActionsOfThisRepository");
            expect(trust.Condition).to.deep.equal({
              StringEquals: {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub":
                  stack === "prod"
                    ? ["repo:example-org/aws-blueprints:environment:production"]
                    : ["repo:example-org/aws-blueprints:environment:development", "repo:example-org/aws-blueprints:ref:refs/heads/main"],
              },
            });
          },
        );

        it("deploy roles create IAM roles only under their path and only with their boundary; nothing may weaken the baseline", () => {
          const policy = one(plan(), "aws:iam/rolePolicy:RolePolicy", "ci-banking-deploy-workload-iam").inputs.policy;
          const create = sid(policy, "CreateAndChangeRolesOnlyWithBoundary");
          expect(create.Resource).to.equal(`arn:aws:iam::${ACCOUNT}:role/banking/*`);
          expect(create.Condition.StringEquals["iam:PermissionsBoundary"]).to.equal(out().ciRoles.banking.permissionsBoundaryArn);
          const boundary = one(plan(), "aws:iam/policy:Policy", "banking-boundary").inputs.policy;
          for (const doc of [policy, boundary]) {
            const deny = sid(doc, "DenyWeakeningAccountBaseline");
            expect(deny.Action).to.include.members(["cloudtrail:StopLogging", "guardduty:DeleteDetector", "config:StopConfigurationRecorder", "ec2:DisableEbsEncryptionByDefault"]);
            expect(sid(doc, "DenyChangingPlatformKeys").Resource).to.have.members([out().dataKeyArn, out().logsKeyArn]);
            expect(sid(doc, "DenyChangingLogArchive").Resource).to.include(out().logArchiveBucketArn);
          }
          // The boundary's Allow + NotAction is deliberate; the pack's platform overlay exempts it with the reason.
          const boundaryUrn = one(plan(), "aws:iam/policy:Policy", "banking-boundary").urn;
          expect(plan().exemptions.filter((e) => e.urn === boundaryUrn).map((e) => e.policy)).to.have.members(["iam-policy-no-wildcard-actions", "kms-iam-policy-no-decrypt-all-keys"]);
        });
      });

      it("no IAM or resource policy allows a wildcard action", () => {
        const docs: [string, string][] = [];
        for (const r of plan().resources) {
          for (const key of ["policy", "assumeRolePolicy"]) {
            if (typeof r.inputs[key] === "string" && r.inputs[key].startsWith("{")) docs.push([`${r.type} ${r.name}`, r.inputs[key]]);
          }
        }
        expect(docs.length).to.be.greaterThan(20);
        for (const [where, doc] of docs) {
          for (const s of statements(doc).filter((x) => x.Effect === "Allow")) {
            for (const a of [s.Action ?? []].flat()) expect(isWildcardAction(a), `${where} ${s.Sid}: ${a}`).to.equal(false);
          }
        }
      });

      it(
        stack === "prod"
          ? "prod: Shield Advanced (protected) and QuickSight Enterprise (protected, retained, termination protection) are subscribed"
          : "dev: no Shield Advanced and no QuickSight subscription (the config switches are off: cost)",
        () => {
          const shield = ofType(plan(), "aws:shield/subscription:Subscription");
          const quicksight = ofType(plan(), "aws:quicksight/accountSubscription:AccountSubscription");
          if (stack === "dev") {
            expect(shield).to.have.length(0);
            expect(plan().resources.filter((r) => r.type.startsWith("aws:quicksight/"))).to.have.length(0);
            expect(out()).to.deep.include({ shieldAdvancedActive: false, quicksightActive: false, quicksightNamespace: "", quicksightAdminGroupArn: "" });
            return;
          }
          expect(shield).to.have.length(1);
          expect(shield[0]!.inputs.autoRenew).to.equal("ENABLED");
          expect(shield[0]!.protect).to.equal(true);
          expect(quicksight).to.have.length(1);
          expect(quicksight[0]!.inputs).to.deep.include({ edition: "ENTERPRISE", accountName: "example-org-aws-blueprints", authenticationMethod: "IAM_AND_QUICKSIGHT" });
          expect(quicksight[0]!.protect).to.equal(true);
          expect(quicksight[0]!.retainOnDelete).to.equal(true);
          const settings = one(plan(), "aws:quicksight/accountSettings:AccountSettings");
          expect(settings.inputs.terminationProtectionEnabled).to.equal(true);
          const group = one(plan(), "aws:quicksight/group:Group");
          // Every other QuickSight resource needs the subscription first.
          for (const r of [settings, group]) expect(r.dependencies).to.include(quicksight[0]!.urn);
          expect(out()).to.deep.include({ shieldAdvancedActive: true, quicksightActive: true, quicksightNamespace: "default" });
          expect(out().quicksightAdminGroupArn).to.equal(`arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/platform-prod-quicksight-admins`);
        },
      );

      it(stack === "prod" ? "prod: every stateful resource is protected and retained on delete" : "dev: stateful resources can be destroyed (not protected)", () => {
        const stateful = plan().resources.filter(
          (r) =>
            ["aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudtrail/trail:Trail", "aws:guardduty/detector:Detector", "aws:securityhub/account:Account"].includes(r.type) ||
            r.type.startsWith("aws:s3/bucket"),
        );
        expect(stateful.length).to.equal(23);
        for (const r of stateful) {
          expect(r.protect, `${r.type} ${r.name}`).to.equal(stack === "prod");
          expect(r.retainOnDelete, `${r.type} ${r.name}`).to.equal(stack === "prod");
        }
        expect(one(plan(), "aws:cloudwatch/logGroup:LogGroup").inputs.deletionProtectionEnabled).to.equal(stack === "prod");
        expect(one(plan(), "aws:s3/bucket:Bucket", "log-archive").inputs.forceDestroy).to.equal(stack === "dev");
      });
    });
  }

  describe("stack config", () => {
    it("the committed dev and prod stack files are valid; the switches are off in dev and on in prod", () => {
      const dev = parse("dev");
      const prod = parse("prod");
      expect(dev.problems).to.deep.equal([]);
      expect(prod.problems).to.deep.equal([]);
      expect(dev.settings!.config).to.include({ shieldAdvanced: false, quicksight: false });
      expect(prod.settings!.config).to.include({ shieldAdvanced: true, shieldAdvancedAcknowledgeCost: true, quicksight: true });
      expect(prod.settings!.compliance).to.include("pci-dss");
    });

    it("commits no adopter-specific value: a fresh stack fails on exactly those keys, each with its purpose and the pulumi config set command", () => {
      const dev = parse("dev", undefined, true).problems;
      expect(dev.map((p) => p.key)).to.deep.equal(["platform:githubRepository", "platform:alarmEmails"].sort((a, b) => platformKeyOrder(a) - platformKeyOrder(b)));
      const prod = parse("prod", undefined, true).problems;
      expect(prod.map((p) => p.key).sort()).to.deep.equal(
        ["platform:alarmEmails", "platform:githubRepository", "platform:quicksightAccountName", "platform:quicksightNotificationEmail", "platform:shieldAdvancedAcknowledgeCost"].sort(),
      );
      for (const p of [...dev, ...prod]) {
        expect(p.value, p.key).to.equal(undefined);
        expect(p.allowed, p.key).to.match(/^required, and yours to give \(no value is committed for it\): .{20,}\. Set it with `pulumi config set .*platform:\w+.* --stack (dev|prod)`$/);
      }
      expect(prod.find((p) => p.key === "platform:githubRepository")!.allowed).to.include("CI roles").and.include("`pulumi config set platform:githubRepository <owner>/<repository> --stack prod`");
      expect(prod.find((p) => p.key === "platform:shieldAdvancedAcknowledgeCost")!.allowed).to.include("USD 3,000 a month").and.include("pulumi config set platform:shieldAdvancedAcknowledgeCost true --stack prod");
      // The whole message, as `pulumi up` prints it.
      expect(new ConfigError("platform/prod", prod).message).to.match(/^Stack config for platform\/prod is invalid \(5 problems\):\n {2}- platform:\w+ missing: required, and yours to give/);
    });

    it("stateKeyArns takes KMS key ARNs only, and names the key, the value and why an alias will not do", () => {
      const alias = "arn:aws:kms:us-east-1:123456789012:alias/pulumi-state";
      const bad = parse("dev", (c) => (c["platform:stateKeyArns"] = [alias])).problems;
      expect(bad.map((p) => p.key)).to.deep.equal(["platform:stateKeyArns[0]"]);
      expect(bad[0]!.value).to.equal(alias);
      expect(bad[0]!.allowed).to.include("must be a KMS key ARN").and.include("not an alias");
      const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      expect(parse("dev", (c) => (c["platform:stateKeyArns"] = [key])).settings!.config.stateKeyArns).to.deep.equal([key]);
      expect(parse("dev").settings!.config.stateKeyArns).to.deep.equal([]);
    });

    it("the switches off need none of their adopter keys; an explicit [] is enough for alarm e-mails", () => {
      const r = parse(
        "prod",
        (c) => {
          c["platform:shieldAdvanced"] = false;
          c["platform:quicksight"] = false;
          c["platform:githubRepository"] = "my-org/infra";
          c["platform:alarmEmails"] = [];
        },
        true,
      );
      expect(r.problems).to.deep.equal([]);
      expect(r.settings!.config.githubRepository).to.equal("my-org/infra");
    });

    it("Shield Advanced with the acknowledgement set to false is an error naming both keys", () => {
      const r = parse("dev", (c) => {
        c["platform:shieldAdvanced"] = true;
        c["platform:shieldAdvancedAcknowledgeCost"] = false;
      });
      expect(r.problems).to.have.length(1);
      expect(r.problems[0]!.key).to.equal("platform:shieldAdvancedAcknowledgeCost");
      expect(r.problems[0]!.allowed).to.match(/must be true when shieldAdvanced is true.*USD 3,000 a month/);
    });

    it("a GitHub repository that is not <owner>/<repository> is an error", () => {
      for (const bad of ["acme", "https://github.com/example-org/aws-blueprints", "acme/aws blueprints", "-acme/x"]) {
        const r = parse("dev", (c) => {
          c["platform:githubRepository"] = bad;
        });
        expect(r.problems.map((p) => p.key), bad).to.deep.equal(["platform:githubRepository"]);
        expect(r.problems[0]!.allowed).to.match(/must be <owner>\/<repository>/);
      }
      expect(parse("dev", (c) => delete c["platform:githubRepository"]).problems.map((p) => p.key)).to.deep.equal(["platform:githubRepository"]);
    });

    it("QuickSight on without an account name and a notification address lists both", () => {
      const r = parse("prod", (c) => {
        delete c["platform:quicksightAccountName"];
        delete c["platform:quicksightNotificationEmail"];
      });
      expect(r.problems.map((p) => p.key).sort()).to.deep.equal(["platform:quicksightAccountName", "platform:quicksightNotificationEmail"]);
    });

    it("a misspelt switch and an out-of-order archive lifecycle are errors", () => {
      expect(
        parse("dev", (c) => {
          c["platform:shieldAdvance"] = true;
        }).problems[0]!.allowed,
      ).to.match(/unknown key; platform understands: .*shieldAdvanced/);
      const lifecycle = parse("prod", (c) => {
        c["platform:logArchive"] = { archiveAfterDays: 400 };
      }).problems;
      expect(lifecycle.map((p) => p.key)).to.deep.equal(["platform:logArchive.deepArchiveAfterDays"]);
    });

    it("the plan of the platform program stops with every config problem and registers nothing (exit 2)", () => {
      const dev = runPlan("tests/fixtures/projects/platform-badconfig", "dev");
      expect(dev.exitCode).to.equal(2);
      expect(dev.json!.error).to.include("githubRepository").and.include("must be <owner>/<repository>").and.include("quicksightEnabled").and.include("unknown key");
      expect(dev.json!.resources.filter((r) => r.custom)).to.have.length(0);
      const prod = runPlan("tests/fixtures/projects/platform-badconfig", "prod");
      expect(prod.exitCode).to.equal(2);
      expect(prod.json!.error).to.include("platform-badconfig:shieldAdvancedAcknowledgeCost").and.include("shieldAdvanced is true");
    });
  });

  describe("accounts that already have the baseline (baseline.* \"existing\")", () => {
    const existing = { guardDuty: "existing", securityHub: "existing", config: "existing", githubOidcProvider: "existing" };
    const oidcArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    let run: ReturnType<typeof planWithAdopterExamples>;
    before(() => {
      run = planWithAdopterExamples(".", "prod", (c) => (c["platform:baseline"] = existing), (pack) => (pack["guardduty-detector-enabled"] = { ...pack["guardduty-detector-enabled"], requireDetector: false }));
    });

    it("creates none of the four, and keeps everything that does not collide", () => {
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      const types = new Set(run.json!.resources.map((r) => r.type));
      for (const t of [
        "aws:guardduty/detector:Detector",
        "aws:guardduty/detectorFeature:DetectorFeature",
        "aws:securityhub/account:Account",
        "aws:securityhub/standardsSubscription:StandardsSubscription",
        "aws:cfg/recorder:Recorder",
        "aws:cfg/deliveryChannel:DeliveryChannel",
        "aws:cfg/recorderStatus:RecorderStatus",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
      ]) {
        expect(types.has(t), t).to.equal(false);
        expect(ofType(plans.prod, t).length, `created in "create" mode: ${t}`).to.be.greaterThan(0);
      }
      // Findings of the organization's detector and Security Hub still reach this account's EventBridge.
      expect(ofType(run.json!, "aws:cloudwatch/eventRule:EventRule").map((r) => r.name)).to.include.members(["guardduty-findings", "security-hub-findings"]);
      expect(ofType(run.json!, "aws:accessanalyzer/analyzer:Analyzer")).to.have.length(1);
      expect(ofType(run.json!, "aws:cloudtrail/trail:Trail").length).to.be.greaterThan(0);
    });

    it("keeps the outputs the workloads read, the OIDC provider's ARN from the account's own, trusted by every CI role", () => {
      expect(Object.keys(run.json!.outputs).sort()).to.deep.equal([...PlatformOutputNames].sort());
      expect(run.json!.outputs.githubOidcProviderArn).to.equal(oidcArn);
      expect(plans.prod.outputs.githubOidcProviderArn).to.match(/^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/);
      const roles = ofType(run.json!, "aws:iam/role:Role").filter((r) => r.name.startsWith("ci-"));
      expect(roles.length).to.be.greaterThan(2);
      for (const r of roles) expect(sid(r.inputs.assumeRolePolicy, "GitHubActionsOfThisRepository").Principal, r.name).to.deep.equal({ Federated: oidcArn });
    });

    it("with the pack's requireDetector still on, says so instead of passing silently", () => {
      const strict = planWithAdopterExamples(".", "prod", (c) => (c["platform:baseline"] = existing));
      expect(strict.exitCode).to.equal(1);
      const v = strict.json!.violations.filter((x) => x.enforcementLevel === "mandatory");
      expect(v.map((x) => x.policy)).to.deep.equal(["guardduty-detector-enabled"]);
      expect(v[0]!.message).to.include("requireDetector");
    });

    it("mixes modes per service", () => {
      const r = planWithAdopterExamples(".", "dev", (c) => (c["platform:baseline"] = { config: "existing" }));
      expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
      expect(ofType(r.json!, "aws:cfg/recorder:Recorder")).to.deep.equal([]);
      expect(ofType(r.json!, "aws:guardduty/detector:Detector")).to.have.length(1);
      expect(ofType(r.json!, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).to.have.length(1);
    });

    it("rejects a mode that is neither create nor existing, an unknown service, and an ARN without \"existing\"", () => {
      const bad = parse("dev", (c) => (c["platform:baseline"] = { guardDuty: "import" })).problems;
      expect(bad.map((p) => p.key)).to.deep.equal(["platform:baseline.guardDuty"]);
      expect(bad[0]!.value).to.equal("import");
      expect(bad[0]!.allowed).to.include('"create"').and.include('"existing"');
      const unknown = parse("dev", (c) => (c["platform:baseline"] = { inspector: "existing" })).problems;
      expect(unknown.map((p) => `${p.key} ${p.allowed}`).join("\n")).to.include("inspector");
      const arn = parse("dev", (c) => (c["platform:githubOidcProviderArn"] = oidcArn)).problems;
      expect(arn.map((p) => p.key)).to.deep.equal(["platform:githubOidcProviderArn"]);
      expect(arn[0]!.allowed).to.include('baseline.githubOidcProvider "existing"');
      const shape = parse("dev", (c) => {
        c["platform:baseline"] = { githubOidcProvider: "existing" };
        c["platform:githubOidcProviderArn"] = "arn:aws:iam::123456789012:oidc-provider/example.com";
      }).problems;
      expect(shape.map((p) => p.key)).to.deep.equal(["platform:githubOidcProviderArn"]);
      expect(shape[0]!.allowed).to.include("token.actions.githubusercontent.com");
    });
  });

  describe("a self-managed backend (stateKeyArns)", () => {
    it("lets every preview role, and only the preview roles, decrypt the state and its secrets with the keys given", () => {
      const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const r = planWithAdopterExamples(".", "dev", (c) => (c["platform:stateKeyArns"] = [key]));
      expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
      const previewRoles = ofType(r.json!, "aws:iam/role:Role").filter((x) => /^ci-[a-z-]+-preview$/.test(x.name)).map((x) => x.name).sort();
      expect(previewRoles).to.include.members(["ci-platform-preview", "ci-banking-preview"]);
      const decrypt = ofType(r.json!, "aws:iam/rolePolicy:RolePolicy").filter((x) => x.name.endsWith("-state-decrypt"));
      expect(decrypt.map((x) => x.name.replace(/-state-decrypt$/, "")).sort()).to.deep.equal(previewRoles);
      for (const p of decrypt) {
        const [s] = statements(p.inputs.policy);
        expect(s).to.deep.equal({ Sid: "DecryptPulumiStateAndSecrets", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: [key] });
      }
      expect(ofType(plans.dev, "aws:iam/rolePolicy:RolePolicy").filter((x) => x.name.endsWith("-state-decrypt"))).to.deep.equal([]);
    });
  });

  describe("a workload reads the platform by StackReference", () => {
    let consumer: PlanJson;
    before(() => {
      const r = runPlan("tests/fixtures/projects/platform-consumer", "dev");
      expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
      consumer = r.json!;
    });

    it("uses the default name <org>/platform/<same stack> when its config names none", () => {
      expect(consumer.outputs.platformStack).to.equal("organization/platform/dev");
      expect(one(consumer, "pulumi:pulumi:StackReference").name).to.equal("organization/platform/dev");
    });

    it("gets the platform's planned outputs, and builds on them", () => {
      const platform = plans.dev.outputs;
      expect(consumer.outputs).to.deep.include({
        platformAccount: platform.accountId,
        dataKeyArn: platform.dataKeyArn,
        deployRoleArn: platform.ciRoles.ecommerce.deployRoleArn,
        dashboardsEnabled: false,
      });
      const sse = one(consumer, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
      expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(platform.dataKeyArn);
      expect(one(consumer, "aws:s3/bucketLogging:BucketLogging").inputs.targetBucket).to.equal(platform.accessLogsBucketName);
      expect(one(consumer, "aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId).to.equal(platform.logsKeyArn);
      expect(one(consumer, "aws:cloudwatch/metricAlarm:MetricAlarm").inputs.alarmActions).to.deep.equal([platform.alarmTopicArn]);
      expect(consumer.violations.filter((v) => !v.message.startsWith("EXEMPTED") && !devByDesign.has(v.policy))).to.deep.equal([]);
    });
  });
});
