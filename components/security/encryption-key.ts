/**
 * A customer managed KMS key: rotated, with a key policy that names who may use it, an alias, and
 * the deletion window of the environment profile.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { KmsAdminActions, KmsDecryptActions, KmsEncryptActions, KmsEncryptDecryptActions, KmsUseActions } from "./actions";
import { grantToRole, policyDocument, PolicyStatement, statementProblems, throwIfProblems } from "./policy-document";

/**
 * AWS services that may use the key as their own service principal, each scoped to this account
 * (and, where the service sends one, to its encryption context):
 *
 * | service      | principal                       | for                                           |
 * |--------------|---------------------------------|-----------------------------------------------|
 * | `cloudtrail` | cloudtrail.amazonaws.com        | encrypting trail log files (CloudTrail.2)     |
 * | `logs`       | logs.<region>.amazonaws.com     | encrypted CloudWatch log groups               |
 * | `config`     | config.amazonaws.com            | AWS Config delivery to an SSE-KMS bucket       |
 * | `cloudwatch` | cloudwatch.amazonaws.com        | alarms publishing to an encrypted SNS topic   |
 * | `events`     | events.amazonaws.com            | EventBridge rules targeting an encrypted topic |
 * | `rds-events` | events.rds.amazonaws.com        | RDS event subscriptions publishing to an encrypted topic (RDS.19/.20) |
 */
export const KeyServicePrincipals = ["cloudtrail", "logs", "config", "cloudwatch", "events", "rds-events"] as const;
export type KeyServicePrincipal = (typeof KeyServicePrincipals)[number];

export interface EncryptionKeyArgs {
  /** The stack's context (tags, profile, region). Required. */
  context: BlueprintContext;
  /** What the key protects, shown in the KMS console. Required. */
  description: string;
  /** Alias name without the `alias/` prefix. Default: `<project>-<stack>-<component name>`. */
  alias?: string;
  /** AWS services that use the key as their own principal (see `KeyServicePrincipals`). Default: none. */
  servicePrincipals?: readonly KeyServicePrincipal[];
  /**
   * Services (e.g. `ec2`, `rds`) through which any principal of this account may use the key:
   * `kms:CallerAccount` + `kms:ViaService`, the policy shape of AWS managed keys such as `aws/ebs`
   * (needed for EBS default encryption, whose callers include service-linked roles). Default: none.
   */
  viaServices?: readonly string[];
  /** Days between automatic rotations of the key material, 90 to 2560 (KMS.4). Default: 365. */
  rotationPeriodInDays?: number;
  /** Days a scheduled deletion waits, 7 to 30; never shorter than the profile's in prod. Default: the profile's `kmsDeletionWindowDays`. */
  deletionWindowInDays?: number;
  /** Extra key-policy statements; each Allow names its actions, and a `*` principal needs a condition. Default: none. */
  additionalStatements?: readonly PolicyStatement[];
  /**
   * The region the key lives in, when not the stack's (v7 resources take `region`): e.g. the key of
   * a DynamoDB global-table replica, which must be in the replica's region. Service principals and
   * `viaServices` are scoped to this region. Default: the stack's region.
   */
  region?: string;
  /**
   * Create the key in this KMS custom key store (a CloudHSM-backed store, `HsmCluster`): its key
   * material never leaves the HSMs. The store must be connected. KMS cannot rotate such keys
   * automatically, so `rotationPeriodInDays` does not apply (rotate by creating a new key and
   * re-encrypting, README). Default: the standard KMS key store.
   */
  customKeyStoreId?: pulumi.Input<string>;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** A key given either as an `EncryptionKey` or as a key ARN. */
export type KeyReference = EncryptionKey | pulumi.Input<string>;

/** The ARN of a key reference. */
export function keyArnOf(key: KeyReference): pulumi.Input<string> {
  return key instanceof EncryptionKey ? key.keyArn : key;
}

export class EncryptionKey extends pulumi.ComponentResource {
  /** The KMS key. */
  readonly key: aws.kms.Key;
  /** The key's ARN (what resources reference as their `kmsKeyId`). */
  readonly keyArn: pulumi.Output<string>;
  /** The key's id (a UUID). */
  readonly keyId: pulumi.Output<string>;
  /** The alias, `alias/<name>`. */
  readonly aliasName: pulumi.Output<string>;
  /** The region the key lives in. */
  readonly region: string;

  private readonly componentName: string;

  constructor(name: string, args: EncryptionKeyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:security:EncryptionKey", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const rotationPeriodInDays = args.rotationPeriodInDays ?? 365;
    const deletionWindowInDays = args.deletionWindowInDays ?? profile.kmsDeletionWindowDays;
    const viaServices = [...new Set(args.viaServices ?? [])];
    const services = [...new Set(args.servicePrincipals ?? [])];

    const problems: string[] = [];
    if (args.customKeyStoreId !== undefined && args.rotationPeriodInDays !== undefined) {
      problems.push(`rotationPeriodInDays = ${args.rotationPeriodInDays}: keys in a custom key store cannot rotate automatically; leave it unset`);
    } else if (!Number.isInteger(rotationPeriodInDays) || rotationPeriodInDays < 90 || rotationPeriodInDays > 2560) {
      problems.push(`rotationPeriodInDays = ${rotationPeriodInDays}: must be a whole number from 90 to 2560`);
    }
    if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
      problems.push(`deletionWindowInDays = ${deletionWindowInDays}: must be a whole number from 7 to 30`);
    } else if (profile.environment === "prod" && deletionWindowInDays < profile.kmsDeletionWindowDays) {
      problems.push(`deletionWindowInDays = ${deletionWindowInDays}: prod keeps at least ${profile.kmsDeletionWindowDays} days to cancel a mistaken deletion`);
    }
    for (const s of services) {
      if (!(KeyServicePrincipals as readonly string[]).includes(s)) problems.push(`servicePrincipals: unknown service "${s}"; known: ${KeyServicePrincipals.join(", ")}`);
    }
    for (const s of viaServices) {
      if (!/^[a-z0-9-]+$/.test(s)) problems.push(`viaServices: "${s}" is not a service name such as ec2 or rds`);
    }
    if (args.region !== undefined && !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(args.region)) problems.push(`region = "${args.region}": must be an AWS region code such as eu-west-1`);
    problems.push(...statementProblems("additionalStatements", args.additionalStatements ?? []));
    throwIfProblems(`EncryptionKey ${name}`, problems);

    this.componentName = name;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = args.region ?? context.region;
    // Only set when it differs, so that keys in the stack's region keep their inputs.
    const placed = region !== context.region ? { region } : {};
    this.region = region;

    const statements: pulumi.Output<PolicyStatement>[] = [
      pulumi.output({
        Sid: "AccountAdministersAndUsesKeyThroughIam",
        Effect: "Allow" as const,
        Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` },
        Action: [...new Set([...KmsAdminActions, ...KmsUseActions])],
        Resource: "*",
      }),
      ...services.flatMap((s) => servicePrincipalStatements(s, { account, partition, region })),
      ...(viaServices.length > 0 ? viaServiceStatements(viaServices, { account, region }) : []),
      ...(args.additionalStatements ?? []).map((s) => pulumi.output(s)),
    ];

    this.key = new aws.kms.Key(
      name,
      {
        ...placed,
        description: args.description,
        ...(args.customKeyStoreId !== undefined ? { customKeyStoreId: args.customKeyStoreId } : { enableKeyRotation: true, rotationPeriodInDays }),
        deletionWindowInDays,
        policy: policyDocument(statements),
        tags: withTags(context.tags, args.tags ?? {}, physicalName(context, name)),
      },
      statefulOptions(context, { parent: this }),
    );
    const alias = new aws.kms.Alias(name, { ...placed, name: `alias/${args.alias ?? physicalName(context, name, 250)}`, targetKeyId: this.key.keyId }, { parent: this });

    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    this.aliasName = alias.name;
    this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasName: this.aliasName });
  }

  /** Let a role encrypt and decrypt with the key (an inline policy on the role). */
  grantEncryptDecrypt(role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(role, "encrypt-decrypt", KmsEncryptDecryptActions);
  }

  /** Let a role encrypt (and generate data keys) with the key. */
  grantEncrypt(role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(role, "encrypt", KmsEncryptActions);
  }

  /** Let a role decrypt with the key. */
  grantDecrypt(role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(role, "decrypt", KmsDecryptActions);
  }

  /** A statement allowing `actions` on this key, to compose into a caller's own policy. */
  statement(actions: readonly string[], sid?: string): PolicyStatement {
    return { ...(sid ? { Sid: sid } : {}), Effect: "Allow", Action: [...actions], Resource: this.keyArn };
  }

  private grant(role: aws.iam.Role, what: string, actions: readonly string[]): aws.iam.RolePolicy {
    return grantToRole(this, this.componentName, role, what, [this.statement(actions)]);
  }
}

interface Where {
  account: pulumi.Output<string>;
  partition?: pulumi.Output<string>;
  region: string;
}

/** Key-policy statements for one service principal, scoped to this account. */
function servicePrincipalStatements(service: KeyServicePrincipal, { account, partition, region }: Where): pulumi.Output<PolicyStatement>[] {
  const sourceAccount = { StringEquals: { "aws:SourceAccount": account } };
  switch (service) {
    case "cloudtrail":
      return [
        pulumi.output({
          Sid: "CloudTrailEncryptsLogsOfThisAccount",
          Effect: "Allow" as const,
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["kms:GenerateDataKey"],
          Resource: "*",
          Condition: {
            ...sourceAccount,
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:${partition}:cloudtrail:*:${account}:trail/*` },
          },
        }),
        pulumi.output({
          Sid: "CloudTrailDescribesKey",
          Effect: "Allow" as const,
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["kms:DescribeKey"],
          Resource: "*",
          Condition: sourceAccount,
        }),
      ];
    case "logs":
      return [
        pulumi.output({
          Sid: "CloudWatchLogsEncryptsLogGroupsOfThisAccount",
          Effect: "Allow" as const,
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: [...KmsEncryptDecryptActions],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:*` } },
        }),
      ];
    case "rds-events":
      // RDS publishes event notifications as this principal; the RDS user guide scopes it with aws:SourceAccount.
      return [
        pulumi.output({
          Sid: "RdsEventsPublishToEncryptedTopic",
          Effect: "Allow" as const,
          Principal: { Service: "events.rds.amazonaws.com" },
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
          Condition: sourceAccount,
        }),
      ];
    case "config":
    case "cloudwatch":
    case "events": {
      const what = { config: "AwsConfigDeliversToEncryptedBucket", cloudwatch: "CloudWatchAlarmsPublishToEncryptedTopic", events: "EventBridgePublishesToEncryptedTopic" }[service];
      return [
        pulumi.output({
          Sid: what,
          Effect: "Allow" as const,
          Principal: { Service: `${service}.amazonaws.com` },
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
          Condition: sourceAccount,
        }),
      ];
    }
  }
}

/** Key-policy statements letting this account's principals use the key through named services. */
function viaServiceStatements(services: readonly string[], { account, region }: Where): pulumi.Output<PolicyStatement>[] {
  const via = {
    "kms:CallerAccount": account,
    "kms:ViaService": services.map((s) => `${s}.${region}.amazonaws.com`),
  };
  return [
    pulumi.output({
      Sid: "AccountUsesKeyThroughServices",
      Effect: "Allow" as const,
      Principal: { AWS: "*" },
      Action: [...KmsEncryptDecryptActions],
      Resource: "*",
      Condition: { StringEquals: via },
    }),
    pulumi.output({
      Sid: "AccountServicesCreateGrantsForAwsResources",
      Effect: "Allow" as const,
      Principal: { AWS: "*" },
      Action: ["kms:CreateGrant"],
      Resource: "*",
      Condition: { StringEquals: via, Bool: { "kms:GrantIsForAWSResource": "true" } },
    }),
  ];
}
