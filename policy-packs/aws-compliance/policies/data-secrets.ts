/**
 * Secrets of the data stores (our own BP.Secrets.* rules, mapped to the HIPAA / PCI DSS conformance
 * pack rules secretsmanager-using-cmk and secretsmanager-rotation-enabled-check):
 * - RDS/Aurora, Redshift and Redshift Serverless master passwords are managed by AWS in Secrets
 *   Manager, never passed as inputs. A Pulumi secret is still a value the program (and its state)
 *   holds, so any `password` / `masterPassword` input fails, secret or not.
 * - Glue connections take credentials from Secrets Manager, not from connection properties.
 * - Secrets Manager secrets are encrypted with a customer managed key and rotate automatically.
 */
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { isSet, known, refersTo, TD } from "../lib/tokens-data";
import { isAwsManagedKeyRef } from "../lib/tokens-storage";
import { untracedPointers, undecidableIfUntraced } from "../lib/references";
import { asArray, get, isUnknown, raw, undecidable } from "../lib/values";
import { classifiedBecause, cmkControls, highWhenClassified, holding } from "../lib/classification";

const writeOnlyConfig = {
  allowWriteOnlyPasswords: {
    type: "boolean",
    description: "Accept write-only password inputs (`*Wo`, never stored in state) instead of AWS-managed passwords.",
    default: false,
  },
};

export const rdsNoPlaintextPassword = resourcePolicy(
  {
    name: "rds-managed-master-password",
    description: "RDS DB instances and Aurora/RDS clusters must let RDS manage the master password in Secrets Manager, not take it as an input.",
    severity: "high",
    controls: ["BP.Secrets.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Remove `password` (aws.rds.Instance) / `masterPassword` (aws.rds.Cluster) and set `manageMasterUserPassword: true` (optionally `masterUserSecretKmsKeyId` for a customer managed key); applications read the secret from Secrets Manager.",
    resourceTypes: [...TD.rdsInstance, ...TD.rdsCluster],
    config: writeOnlyConfig,
  },
  ({ props, type, config, fail }) => {
    const prop = TD.rdsInstance.includes(type as never) ? "password" : "masterPassword";
    if (isSet(props, prop)) {
      fail(`the master password is passed in \`${prop}\` (a Pulumi secret is still held by the program and its state)`, `remove \`${prop}\` and set \`manageMasterUserPassword: true\``);
    } else if (isSet(props, `${prop}Wo`) && config.allowWriteOnlyPasswords !== true) {
      fail(`the master password is passed in \`${prop}Wo\` instead of being managed by RDS`, `remove \`${prop}Wo\` and set \`manageMasterUserPassword: true\``);
    }
  },
);

export const redshiftNoPlaintextPassword = resourcePolicy(
  {
    name: "redshift-managed-admin-password",
    description: "Redshift clusters and Redshift Serverless namespaces must let Redshift manage the admin password in Secrets Manager, not take it as an input.",
    severity: "high",
    controls: ["BP.Secrets.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Remove `masterPassword` and set `manageMasterPassword: true` on the aws.redshift.Cluster (optionally `masterPasswordSecretKmsKeyId`); remove `adminUserPassword` and set `manageAdminPassword: true` on the aws.redshiftserverless.Namespace (optionally `adminPasswordSecretKmsKeyId`).",
    resourceTypes: [...TD.redshiftCluster, ...TD.redshiftServerlessNamespace],
    config: writeOnlyConfig,
  },
  ({ props, type, config, fail }) => {
    const cluster = TD.redshiftCluster.includes(type as never);
    const prop = cluster ? "masterPassword" : "adminUserPassword";
    const managed = cluster ? "manageMasterPassword" : "manageAdminPassword";
    if (isSet(props, prop)) {
      fail(`the admin password is passed in \`${prop}\` (a Pulumi secret is still held by the program and its state)`, `remove \`${prop}\` and set \`${managed}: true\``);
    } else if (isSet(props, `${prop}Wo`) && config.allowWriteOnlyPasswords !== true) {
      fail(`the admin password is passed in \`${prop}Wo\` instead of being managed by Redshift`, `remove \`${prop}Wo\` and set \`${managed}: true\``);
    }
  },
);

/** Connection property keys that carry credentials (SECRET_ID is the reference to Secrets Manager, which is what we want). */
const credentialKey = /PASSWORD|SECRET_KEY|CLIENT_SECRET|ACCESS_TOKEN|REFRESH_TOKEN/i;

export const glueConnectionNoPlaintextPassword = resourcePolicy(
  {
    name: "glue-connection-secret-credentials",
    description: "Glue connections must take credentials from Secrets Manager (SECRET_ID / authenticationConfiguration.secretArn), not from plaintext connection properties.",
    severity: "high",
    controls: ["BP.Secrets.3"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Store the credentials in an aws.secretsmanager.Secret and reference it with `connectionProperties.SECRET_ID` (JDBC) or `authenticationConfiguration.secretArn`; remove PASSWORD-like keys and `basicAuthenticationCredentials` / `oauth2Credentials` from the aws.glue.Connection.",
    resourceTypes: TD.glueConnection,
  },
  ({ props, fail }) => {
    const cp = get(props, "connectionProperties");
    if (isUnknown(cp)) undecidable("connectionProperties");
    const keys = Object.entries((cp && typeof cp === "object" ? raw(cp) : {}) as Record<string, unknown>)
      .filter(([k, v]) => credentialKey.test(k) && k.toUpperCase() !== "SECRET_ID" && v !== undefined && v !== null && v !== "")
      .map(([k]) => `connectionProperties.${k}`);
    if (isSet(props, "authenticationConfiguration.basicAuthenticationCredentials.password")) keys.push("authenticationConfiguration.basicAuthenticationCredentials.password");
    for (const k of ["accessToken", "refreshToken", "jwtToken", "userManagedClientApplicationClientSecret"]) {
      if (isSet(props, `authenticationConfiguration.oauth2Properties.oauth2Credentials.${k}`)) keys.push(`authenticationConfiguration.oauth2Properties.oauth2Credentials.${k}`);
    }
    if (keys.length > 0) fail(`credentials are passed as inputs (${keys.join(", ")})`, "store them in an aws.secretsmanager.Secret and set `connectionProperties.SECRET_ID` (or `authenticationConfiguration.secretArn`) instead");
  },
);

export const secretCustomerManagedKey = resourcePolicy(
  {
    name: "secretsmanager-secret-cmk",
    description: "Secrets Manager secrets (and their replicas) must be encrypted with a customer managed KMS key, not aws/secretsmanager (BP.Secrets.4; for a secret holding classified data also BP.Data.2, and then a tag cannot waive it).",
    severity: "medium",
    severityFor: highWhenClassified("medium"),
    controls: ["BP.Secrets.4", "BP.Data.2"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `kmsKeyId` to a customer managed aws.kms.Key on the aws.secretsmanager.Secret, and `kmsKeyId` on every `replicas` entry.",
    resourceTypes: TD.secret,
  },
  ({ props, args, config, fail: report }) => {
    const because = classifiedBecause({ props, provider: args.provider }, config);
    const fail = (problem: string, fix: string) => report(problem + holding(because), fix, cmkControls("BP.Secrets.4", because));
    const key = get(props, "kmsKeyId");
    if (!isSet(props, "kmsKeyId")) fail("the secret is encrypted with the AWS managed key aws/secretsmanager (`kmsKeyId` is unset)", "set `kmsKeyId` to a customer managed aws.kms.Key");
    else if (typeof key === "string" && isAwsManagedKeyRef(key, "secretsmanager")) fail(`the secret uses the AWS managed key ${key}`, "set `kmsKeyId` to a customer managed aws.kms.Key");
    const replicas = get(props, "replicas");
    if (isUnknown(replicas)) undecidable("replicas");
    const bare = asArray(raw(replicas) as any[])
      .map((r, i) => {
        if (isUnknown(r)) undecidable(`replicas.${i}`);
        return raw(r);
      })
      .filter((r) => !isSet(r, "kmsKeyId") || (typeof r.kmsKeyId === "string" && isAwsManagedKeyRef(r.kmsKeyId, "secretsmanager")))
      .map((r) => String(r.region));
    if (bare.length > 0) fail(`replica(s) in ${bare.join(", ")} use the AWS managed key`, "set `kmsKeyId` to a customer managed key of that region on each `replicas` entry");
  },
);

/** Days between rotations from `rotationRules`, or undefined when only a cron schedule says it. */
function rotationDays(rules: any): number | undefined {
  const days = rules?.automaticallyAfterDays;
  if (days !== undefined && days !== null) return Number(days);
  const expr = typeof rules?.scheduleExpression === "string" ? rules.scheduleExpression : "";
  const m = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/i.exec(expr.trim());
  if (m) return m[2]!.toLowerCase().startsWith("hour") ? Number(m[1]) / 24 : Number(m[1]);
  return undefined;
}

export const secretRotation = stackPolicy(
  {
    name: "secretsmanager-secret-rotation",
    description: "Secrets Manager secrets must rotate automatically (an aws.secretsmanager.SecretRotation) at least every maxRotationDays days.",
    severity: "medium",
    controls: ["SecretsManager.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.secretsmanager.SecretRotation with `secretId` = the secret's id, a `rotationLambdaArn` (or a managed rotation) and `rotationRules.automaticallyAfterDays` (or a `scheduleExpression`) within maxRotationDays. Secrets that cannot rotate (third-party API keys) need an exemption with a reason.",
    config: {
      maxRotationDays: { type: "number", description: "Longest acceptable rotation interval, in days.", default: 90 },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const max = Number(config.maxRotationDays ?? 90);
    const rotations = ofType(TD.secretRotation);
    forEach(TD.secret, (s) => {
      const mine = rotations.filter((r) => refersTo(r, "secretId", s, []));
      if (mine.length === 0) {
        undecidableIfUntraced(s, untracedPointers(rotations, "secretId", TD.secret), "secretId");
        fail(s, "the secret does not rotate: no aws.secretsmanager.SecretRotation points at it", `add an aws.secretsmanager.SecretRotation with \`secretId\` = ${s.name}.id and \`rotationRules.automaticallyAfterDays\` <= ${max}`);
        return;
      }
      for (const r of mine) {
        if (known(r.props, "rotationEnabled") === false) {
          fail(s, `its rotation ${r.name} is disabled (\`rotationEnabled: false\`)`, "remove `rotationEnabled: false` and set `rotationRules`");
          continue;
        }
        const rules = known(r.props, "rotationRules");
        const days = rotationDays(rules);
        if (rules === undefined) fail(s, `its rotation ${r.name} has no \`rotationRules\``, `set \`rotationRules.automaticallyAfterDays\` <= ${max}`);
        else if (days !== undefined && days > max) fail(s, `it rotates every ${days} days, more than the allowed ${max}`, `set \`rotationRules.automaticallyAfterDays\` to ${max} or less`);
      }
    });
  },
);

export const policies = [rdsNoPlaintextPassword, redshiftNoPlaintextPassword, glueConnectionNoPlaintextPassword, secretCustomerManagedKey, secretRotation];

/** Secrets Manager controls that depend on what happened at run time. */
export const notDecidable: Record<string, string> = {
  "SecretsManager.2": "whether the last rotation succeeded is run-time state of the secret; the program can only configure rotation (SecretsManager.1)",
  "SecretsManager.3": "whether a secret was accessed in the last N days is run-time state (LastAccessedDate); a program cannot show it",
  "SecretsManager.4": "the date of the last rotation is run-time state; the rotation interval the program sets is checked by SecretsManager.1 (maxRotationDays)",
};
