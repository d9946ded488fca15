/**
 * People: IAM groups for administrators, developers and auditors. Each group carries the MFA
 * policy, which denies everything but setting up MFA until the user has signed in with MFA. No IAM
 * users are created here: people are added to groups outside code (or come through SSO).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KmsDecryptActions, S3ReadBucketActions, S3ReadObjectActions } from "../../components/security/actions";
import { policyDocument, PolicyStatement } from "../../components/security/policy-document";
import { physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import type { PlatformSettings } from "./config";

/** What a user may do before signing in with MFA: see the password policy, manage their own password and MFA device. */
export const actionsAllowedWithoutMfa = [
  "iam:ChangePassword",
  "iam:CreateVirtualMFADevice",
  "iam:EnableMFADevice",
  "iam:GetAccountPasswordPolicy",
  "iam:GetUser",
  "iam:ListMFADevices",
  "iam:ListVirtualMFADevices",
  "iam:ResyncMFADevice",
  "sts:GetSessionToken",
] as const;

/** The policy of the AWS IAM guide's "manage own credentials with MFA", scoped to this account. */
export function requireMfaStatements(account: pulumi.Input<string>, partition: pulumi.Input<string>): PolicyStatement[] {
  const self = pulumi.interpolate`arn:${partition}:iam::${account}:user/\${aws:username}`;
  return [
    { Sid: "ViewAccountPasswordPolicyAndMfaDevices", Effect: "Allow", Action: ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"], Resource: "*" },
    { Sid: "ManageOwnPassword", Effect: "Allow", Action: ["iam:ChangePassword", "iam:GetUser"], Resource: self },
    { Sid: "CreateOwnVirtualMfaDevice", Effect: "Allow", Action: ["iam:CreateVirtualMFADevice"], Resource: pulumi.interpolate`arn:${partition}:iam::${account}:mfa/*` },
    { Sid: "ManageOwnMfa", Effect: "Allow", Action: ["iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"], Resource: self },
    {
      Sid: "DenyAllExceptMfaSetupWithoutMfa",
      Effect: "Deny",
      NotAction: [...actionsAllowedWithoutMfa],
      Resource: "*",
      Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
    },
  ];
}

/**
 * | group          | AWS managed policies                         | also                    |
 * |----------------|----------------------------------------------|-------------------------|
 * | administrators | AdministratorAccess                          | MFA                     |
 * | developers     | dev: PowerUserAccess; prod: ReadOnlyAccess   | MFA (prod changes: CI)  |
 * | auditors       | SecurityAudit, ViewOnlyAccess                | MFA, read the log archive |
 */
export function groupPolicies(environment: PlatformSettings["environment"]): Record<"administrators" | "developers" | "auditors", string[]> {
  const managed = (p: string) => `arn:aws:iam::aws:policy/${p}`;
  return {
    administrators: [managed("AdministratorAccess")],
    developers: [managed(environment === "prod" ? "ReadOnlyAccess" : "PowerUserAccess")],
    auditors: [managed("SecurityAudit"), managed("job-function/ViewOnlyAccess")],
  };
}

export interface PeopleArgs {
  settings: PlatformSettings;
  /** The log archive auditors read, and the key that decrypts it. */
  logArchiveArn: pulumi.Input<string>;
  logsKeyArn: pulumi.Input<string>;
}

export class People extends pulumi.ComponentResource {
  /** Group names by role. */
  readonly groupNames: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: PeopleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:People", name, {}, opts);
    const { settings } = args;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const requireMfa = new aws.iam.Policy(
      "require-mfa",
      {
        path: "/platform/",
        description: "Deny everything except setting up MFA until the user has signed in with MFA",
        policy: policyDocument(requireMfaStatements(account, partition)),
        tags: withTags(settings.tags),
      },
      { parent: this },
    );
    const readLogArchive = new aws.iam.Policy(
      "read-log-archive",
      {
        path: "/platform/",
        description: "Read CloudTrail and AWS Config records in the log archive",
        policy: policyDocument([
          { Sid: "ReadArchive", Effect: "Allow", Action: [...S3ReadObjectActions], Resource: pulumi.interpolate`${args.logArchiveArn}/*` },
          { Sid: "ListArchive", Effect: "Allow", Action: [...S3ReadBucketActions], Resource: args.logArchiveArn },
          { Sid: "DecryptArchive", Effect: "Allow", Action: [...KmsDecryptActions], Resource: args.logsKeyArn },
        ]),
        tags: withTags(settings.tags),
      },
      { parent: this },
    );

    for (const [role, managed] of Object.entries(groupPolicies(settings.environment))) {
      const group = new aws.iam.Group(role, { name: physicalName(settings, role), path: "/platform/" }, { parent: this });
      const attach = (suffix: string, policyArn: pulumi.Input<string>) =>
        new aws.iam.GroupPolicyAttachment(`${role}-${suffix}`, { group: group.name, policyArn }, { parent: this });
      attach("require-mfa", requireMfa.arn);
      for (const arn of managed) attach(arn.split("/").pop()!.toLowerCase(), arn);
      if (role === "auditors") attach("read-log-archive", readLogArchive.arn);
      this.groupNames[role] = group.name;
    }
    this.registerOutputs({ groupNames: this.groupNames });
  }
}
