/**
 * CI access: the GitHub Actions OIDC provider and, per workload project, a read-only preview role
 * and a deploy role. Trust is scoped to the repository; deploys additionally to the GitHub
 * environment (and, in dev, the deploy branch). A deploy role manages IAM only under its project's
 * path and only with its project's permissions boundary, and neither it nor any role it creates may
 * touch the account baseline.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadProject, WorkloadProjects } from "../../components/platform/platform-reference";
import { policyDocument, PolicyStatement } from "../../components/security/policy-document";
import { withTags } from "../../shared/tags";
import { environmentDefaults, type PlatformSettings } from "./config";

export const githubOidcHost = "token.actions.githubusercontent.com";

/** Actions that would weaken the account baseline: denied to deploy roles and to every workload role. */
export const baselineProtectedActions = [
  "cloudtrail:DeleteTrail",
  "cloudtrail:PutEventSelectors",
  "cloudtrail:PutInsightSelectors",
  "cloudtrail:StopLogging",
  "cloudtrail:UpdateTrail",
  "guardduty:DeleteDetector",
  "guardduty:DisassociateFromAdministratorAccount",
  "guardduty:UpdateDetector",
  "securityhub:BatchDisableStandards",
  "securityhub:DisableSecurityHub",
  "config:DeleteConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:PutConfigurationRecorder",
  "config:PutDeliveryChannel",
  "config:StopConfigurationRecorder",
  "access-analyzer:DeleteAnalyzer",
  "ec2:DisableEbsEncryptionByDefault",
  "ec2:ModifyEbsDefaultKmsKeyId",
  "ec2:ResetEbsDefaultKmsKeyId",
  "s3:PutAccountPublicAccessBlock",
  "elasticmapreduce:PutBlockPublicAccessConfiguration",
  "glue:PutDataCatalogEncryptionSettings",
  "shield:DeleteSubscription",
  "shield:UpdateSubscription",
  "quicksight:DeleteAccountSubscription",
  "quicksight:UpdateAccountSettings",
] as const;

/** What a workload must not do to the platform's own keys, archive, log group and topic. */
export interface PlatformResources {
  keyArns: pulumi.Input<string>[];
  logArchiveArn: pulumi.Input<string>;
  trailLogGroupArn: pulumi.Input<string>;
  alarmTopicArn: pulumi.Input<string>;
}

/** Deny statements protecting the account baseline and the platform's resources. */
export function baselineProtectionStatements(platform: PlatformResources): PolicyStatement[] {
  return [
    { Sid: "DenyWeakeningAccountBaseline", Effect: "Deny", Action: [...baselineProtectedActions], Resource: "*" },
    {
      Sid: "DenyChangingPlatformKeys",
      Effect: "Deny",
      Action: ["kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKeyRotation", "kms:DeleteAlias", "kms:UpdateAlias"],
      Resource: platform.keyArns,
    },
    {
      Sid: "DenyChangingLogArchive",
      Effect: "Deny",
      Action: [
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketObjectLockConfiguration",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
      ],
      Resource: [platform.logArchiveArn, pulumi.interpolate`${platform.logArchiveArn}/*`],
    },
    {
      Sid: "DenyChangingAuditLogGroup",
      Effect: "Deny",
      Action: ["logs:DeleteLogGroup", "logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy", "logs:DisassociateKmsKey", "logs:DeleteMetricFilter", "logs:PutMetricFilter"],
      Resource: [platform.trailLogGroupArn, pulumi.interpolate`${platform.trailLogGroupArn}:*`],
    },
    { Sid: "DenyChangingAlarmTopic", Effect: "Deny", Action: ["sns:DeleteTopic", "sns:SetTopicAttributes", "sns:RemovePermission", "sns:AddPermission"], Resource: platform.alarmTopicArn },
  ];
}

/*
 * A permissions boundary is an Allow with NotAction on purpose: it caps what a workload's roles may
 * ever do and grants nothing (each role's own policies grant, and are checked on their own). The
 * policy pack's platform overlay (config/projects/platform/<stack>.json) exempts it, with the reason.
 */

/** The `sub` claims a deploy role trusts. */
export function deploySubjects(settings: PlatformSettings): string[] {
  const repo = settings.config.githubRepository;
  const environment = settings.config.githubEnvironment ?? environmentDefaults[settings.environment].githubEnvironment;
  const fromBranch = settings.config.githubDeployFromBranch ?? environmentDefaults[settings.environment].githubDeployFromBranch;
  return [`repo:${repo}:environment:${environment}`, ...(fromBranch ? [`repo:${repo}:ref:refs/heads/${settings.config.githubDeployBranch}`] : [])];
}

export interface CiAccessArgs {
  settings: PlatformSettings;
  platform: PlatformResources;
}

export interface ProjectCiRoles {
  previewRoleArn: pulumi.Output<string>;
  deployRoleArn: pulumi.Output<string>;
  permissionsBoundaryArn: pulumi.Output<string>;
  iamPath: string;
}

/** Role names the GitHub workflows assume: `role/platform/ci-<project>-preview|deploy`. */
export const ciRoleName = (project: string, kind: "preview" | "deploy") => `ci-${project}-${kind}`;

export class CiAccess extends pulumi.ComponentResource {
  /** The GitHub Actions OIDC provider's ARN: created here, or the account's own (baseline.githubOidcProvider "existing"). */
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly roles = {} as Record<WorkloadProject, ProjectCiRoles>;
  /** The platform project's own CI roles (its deploy role administers the account). */
  readonly platformRoles: { previewRoleArn: pulumi.Output<string>; deployRoleArn: pulumi.Output<string> };

  constructor(name: string, args: CiAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:CiAccess", name, {}, opts);
    const { settings, platform } = args;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const tags = withTags(settings.tags);
    const repo = settings.config.githubRepository;

    // One per account and URL. GitHub's certificate chain is trusted by IAM: no thumbprint needed.
    // "existing": the account's provider (one per URL) is used, read by its ARN or URL; the
    // preview fails if there is none, or if it does not accept the STS audience the roles trust.
    if (settings.config.baseline.githubOidcProvider === "create") {
      this.oidcProviderArn = new aws.iam.OpenIdConnectProvider("github", { url: `https://${githubOidcHost}`, clientIdLists: ["sts.amazonaws.com"], tags }, { parent: this }).arn;
    } else {
      const existing = aws.iam.getOpenIdConnectProviderOutput(
        settings.config.githubOidcProviderArn ? { arn: settings.config.githubOidcProviderArn } : { url: `https://${githubOidcHost}` },
        { parent: this },
      );
      this.oidcProviderArn = pulumi.all([existing.arn, existing.clientIdLists]).apply(([arn, audiences]) => {
        if (!audiences.includes("sts.amazonaws.com")) {
          throw new Error(
            `platform:baseline.githubOidcProvider is "existing", but the provider ${arn} does not accept the audience sts.amazonaws.com (it accepts: ${audiences.join(", ") || "none"}); add it with \`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${arn} --client-id sts.amazonaws.com\``,
          );
        }
        return arn;
      });
    }

    const trust = (subjects: { StringEquals?: string[]; StringLike?: string[] }) =>
      policyDocument([
        {
          Sid: "GitHubActionsOfThisRepository",
          Effect: "Allow",
          Principal: { Federated: this.oidcProviderArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { [`${githubOidcHost}:aud`]: "sts.amazonaws.com", ...(subjects.StringEquals ? { [`${githubOidcHost}:sub`]: subjects.StringEquals } : {}) },
            ...(subjects.StringLike ? { StringLike: { [`${githubOidcHost}:sub`]: subjects.StringLike } } : {}),
          },
        },
      ]);
    const protection = baselineProtectionStatements(platform);
    const ciRole = (project: string, kind: "preview" | "deploy", managedPolicy: string, description: string) => {
      const name = ciRoleName(project, kind);
      const role = new aws.iam.Role(
        name,
        {
          name,
          path: "/platform/",
          description,
          maxSessionDuration: 3600,
          assumeRolePolicy: kind === "preview" ? trust({ StringLike: [`repo:${repo}:*`] }) : trust({ StringEquals: deploySubjects(settings) }),
          tags,
        },
        { parent: this },
      );
      const policyName = managedPolicy.toLowerCase();
      new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${managedPolicy}` }, { parent: this });
      // A self-managed backend: previews read the state (ReadOnlyAccess covers the bucket) and
      // decrypt its secrets and objects, which ReadOnlyAccess does not allow. Deploy roles hold kms:*.
      if (kind === "preview" && settings.config.stateKeyArns.length > 0) {
        new aws.iam.RolePolicy(
          `${name}-state-decrypt`,
          {
            role: role.name,
            policy: policyDocument([{ Sid: "DecryptPulumiStateAndSecrets", Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey"], Resource: settings.config.stateKeyArns }]),
          },
          { parent: this },
        );
      }
      return role;
    };

    // The platform itself: previews read, deploys administer the account (IAM, KMS, CloudTrail,
    // Config, subscriptions...). The first deploy is an administrator's: this role does not exist yet.
    const platformPreview = ciRole("platform", "preview", "ReadOnlyAccess", `GitHub Actions previews of the platform (read-only), from any branch or pull request of ${repo}`);
    const platformDeploy = ciRole("platform", "deploy", "AdministratorAccess", `GitHub Actions deploys of the platform, from ${deploySubjects(settings).join(" or ")}`);
    this.platformRoles = { previewRoleArn: platformPreview.arn, deployRoleArn: platformDeploy.arn };

    for (const project of WorkloadProjects) {
      const iamPath = `/${project}/`;
      const iam = (kind: string) => pulumi.interpolate`arn:${partition}:iam::${account}:${kind}${iamPath}*`;

      // The most any role the workload creates may ever do: all services but IAM administration,
      // organizations and account settings (the shape of the AWS managed PowerUserAccess), passing
      // only its own roles, and never weakening the baseline. A boundary caps; it grants nothing.
      const boundary = new aws.iam.Policy(
        `${project}-boundary`,
        {
          name: `${project}-workload-boundary`,
          path: "/platform/",
          description: `Permissions boundary for every IAM role the ${project} workload creates`,
          policy: policyDocument([
            { Sid: "ServicesButIdentityAdministration", Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
            { Sid: "PassOwnRoles", Effect: "Allow", Action: ["iam:GetRole", "iam:PassRole"], Resource: iam("role") },
            ...protection,
          ]),
          tags: withTags(settings.tags),
        },
        { parent: this },
      );

      const preview = ciRole(project, "preview", "ReadOnlyAccess", `GitHub Actions previews of ${project} (read-only), from any branch or pull request of ${repo}`);
      const deploy = ciRole(project, "deploy", "PowerUserAccess", `GitHub Actions deploys of ${project}, from ${deploySubjects(settings).join(" or ")}`);
      new aws.iam.RolePolicy(
        `${ciRoleName(project, "deploy")}-workload-iam`,
        {
          role: deploy.name,
          policy: policyDocument([
            {
              Sid: "CreateAndChangeRolesOnlyWithBoundary",
              Effect: "Allow",
              Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
              Resource: iam("role"),
              Condition: { StringEquals: { "iam:PermissionsBoundary": boundary.arn } },
            },
            {
              Sid: "ManageOwnRoles",
              Effect: "Allow",
              Action: [
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:ListRolePolicies",
                "iam:PassRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
              ],
              Resource: iam("role"),
            },
            {
              Sid: "ManageOwnPolicies",
              Effect: "Allow",
              Action: [
                "iam:CreatePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListEntitiesForPolicy",
                "iam:ListPolicyVersions",
                "iam:TagPolicy",
                "iam:UntagPolicy",
              ],
              Resource: iam("policy"),
            },
            {
              Sid: "ManageOwnInstanceProfiles",
              Effect: "Allow",
              Action: [
                "iam:AddRoleToInstanceProfile",
                "iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:GetInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:TagInstanceProfile",
                "iam:UntagInstanceProfile",
              ],
              Resource: iam("instance-profile"),
            },
            ...protection,
          ]),
        },
        { parent: this },
      );

      this.roles[project] = { previewRoleArn: preview.arn, deployRoleArn: deploy.arn, permissionsBoundaryArn: boundary.arn, iamPath };
    }
    this.registerOutputs({ oidcProviderArn: this.oidcProviderArn, platformRoles: this.platformRoles });
  }
}
