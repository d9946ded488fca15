/**
 * Account guard rails and the other account/region singletons workloads would otherwise fight
 * over: IAM password policy, S3 account public access block, EBS encryption by default with the
 * data key, EMR block public access, Glue Data Catalog encryption, API Gateway's logging role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../../components/security/encryption-key";
import { ServiceRole } from "../../components/security/service-role";
import type { PlatformSettings } from "./config";

/** IAM.7 / CIS 1.8-1.9: long passwords of every character class, not reused, rotated yearly at most. */
export const passwordPolicy = {
  minimumPasswordLength: 14,
  requireLowercaseCharacters: true,
  requireUppercaseCharacters: true,
  requireNumbers: true,
  requireSymbols: true,
  passwordReusePrevention: 24,
  maxPasswordAge: 90,
  allowUsersToChangePassword: true,
  hardExpiry: false,
} as const;

export interface AccountGuardrailsArgs {
  settings: PlatformSettings;
  /** The default key for new EBS volumes and the Glue Data Catalog. */
  dataKey: EncryptionKey;
}

export class AccountGuardrails extends pulumi.ComponentResource {
  constructor(name: string, args: AccountGuardrailsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:platform:AccountGuardrails", name, {}, opts);
    const { settings, dataKey } = args;

    new aws.iam.AccountPasswordPolicy("password-policy", { ...passwordPolicy }, { parent: this });

    // S3.1: no bucket in the account can be made public, whatever its own settings say.
    new aws.s3.AccountPublicAccessBlock(
      "s3-account-public-access-block",
      { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );

    // EC2.7: every new EBS volume and snapshot copy is encrypted, with the data key.
    const ebsEncryption = new aws.ebs.EncryptionByDefault("ebs-encryption-by-default", { enabled: true }, { parent: this });
    new aws.ebs.DefaultKmsKey("ebs-default-kms-key", { keyArn: dataKey.keyArn }, { parent: this, dependsOn: [ebsEncryption] });

    // EMR.2: no EMR cluster may start with a security group open to the internet.
    new aws.emr.BlockPublicAccessConfiguration("emr-block-public-access", { blockPublicSecurityGroupRules: true }, { parent: this });

    // The Data Catalog (Glue, Athena, Lake Formation) is encrypted, connection passwords too.
    new aws.glue.DataCatalogEncryptionSettings(
      "glue-data-catalog-encryption",
      {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: dataKey.keyArn },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, awsKmsKeyId: dataKey.keyArn },
        },
      },
      { parent: this },
    );

    // API Gateway's CloudWatch Logs role is one setting per account and region: set it once here,
    // so that every workload's REST API stage can write execution and access logs.
    const apiGatewayLogs = new ServiceRole(
      "api-gateway-cloudwatch",
      {
        context: settings,
        service: "apigateway.amazonaws.com",
        description: "API Gateway writes REST API logs to CloudWatch Logs (account setting)",
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"],
      },
      { parent: this },
    );
    new aws.apigateway.Account("api-gateway-account", { cloudwatchRoleArn: apiGatewayLogs.arn }, { parent: this, dependsOn: [apiGatewayLogs] });

    this.registerOutputs({});
  }
}
