/**
 * Cognito (FSBP Cognito.1-6), ECR (FSBP ECR.1-3, NIST ECR.5) and Glue connections (our own
 * BP.Glue.4: TLS to the data store). Each reads the v7 inputs; a value unknown at preview is
 * reported as undecidable, never a pass.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { isAwsManagedKeyRef } from "../lib/tokens-storage";
import { untracedPointers, undecidableIfUntraced } from "../lib/references";
import { asArray, get, isUnknown, raw, undecidable } from "../lib/values";

export const TC = {
  userPool: ["aws:cognito/userPool:UserPool"],
  identityPool: ["aws:cognito/identityPool:IdentityPool"],
  ecrRepository: ["aws:ecr/repository:Repository"],
  ecrLifecyclePolicy: ["aws:ecr/lifecyclePolicy:LifecyclePolicy"],
  ecrRegistryScanning: ["aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"],
  glueConnection: ["aws:glue/connection:Connection"],
} as const;

/** A value that must be known to decide. */
function known<T = any>(obj: unknown, path: string): T {
  const v = get(obj, path);
  if (isUnknown(v)) undecidable(path);
  return v as T;
}

// ---------------------------------------------------------------------------------------------
// Cognito
// ---------------------------------------------------------------------------------------------

export const cognitoThreatProtection = resourcePolicy(
  {
    name: "cognito-user-pool-threat-protection",
    description: "Cognito user pools must have threat protection (advanced security) in full-function (ENFORCED) mode for standard and custom authentication.",
    severity: "medium",
    controls: ["Cognito.1", "Cognito.4"],
    frameworks: ["FSBP"],
    remediationSteps:
      'On the aws.cognito.UserPool set `userPoolTier: "PLUS"` and `userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } }`.',
    resourceTypes: TC.userPool,
    config: {
      securityMode: { type: "string", enum: ["AUDIT", "ENFORCED"], description: "The least threat protection mode accepted (Security Hub's SecurityMode parameter).", default: "ENFORCED" },
    },
  },
  ({ props, config, fail }) => {
    const accepted = config.securityMode === "AUDIT" ? ["AUDIT", "ENFORCED"] : ["ENFORCED"];
    const mode = known(props, "userPoolAddOns.advancedSecurityMode");
    const custom = known(props, "userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode");
    const problems: string[] = [];
    const controls: string[] = [];
    if (!accepted.includes(String(mode))) {
      problems.push(`threat protection for standard authentication is ${mode ?? "off"} (\`userPoolAddOns.advancedSecurityMode\`)`);
      controls.push("Cognito.1");
    }
    if (!accepted.includes(String(custom))) {
      problems.push(`threat protection for custom authentication is ${custom ?? "off"} (\`userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode\`)`);
      controls.push("Cognito.4");
    }
    if (problems.length > 0) fail(problems.join("; "), `set \`userPoolTier: "PLUS"\` and \`userPoolAddOns: { advancedSecurityMode: "${accepted.at(-1)}", advancedSecurityAdditionalFlows: { customAuthMode: "${accepted.at(-1)}" } }\``, controls);
  },
);

export const cognitoIdentityPoolNoGuests = resourcePolicy(
  {
    name: "cognito-identity-pool-no-unauthenticated",
    description: "Cognito identity pools must not allow unauthenticated (guest) identities.",
    severity: "medium",
    controls: ["Cognito.2"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `allowUnauthenticatedIdentities: false` on the aws.cognito.IdentityPool (and give guests no role in aws.cognito.IdentityPoolRoleAttachment).",
    resourceTypes: TC.identityPool,
  },
  ({ props, fail }) => {
    if (known(props, "allowUnauthenticatedIdentities") === true) fail("guest access is on (`allowUnauthenticatedIdentities: true`): anyone can get AWS credentials from the pool", "set `allowUnauthenticatedIdentities: false`");
  },
);

export const cognitoPasswordPolicy = resourcePolicy(
  {
    name: "cognito-user-pool-password-policy",
    description: "Cognito user pool password policies must be strong: minimum length, upper and lower case, numbers, symbols, short-lived temporary passwords.",
    severity: "medium",
    controls: ["Cognito.3"],
    frameworks: ["FSBP"],
    remediationSteps:
      "On the aws.cognito.UserPool set `passwordPolicy: { minimumLength: 8 (or more), requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 7 (or less) }`, or leave `passwordPolicy` unset (Cognito's default is that policy).",
    resourceTypes: TC.userPool,
    config: {
      minLength: { type: "number", description: "Least `minimumLength`.", default: 8 },
      maxTemporaryPasswordValidityDays: { type: "number", description: "Longest `temporaryPasswordValidityDays`.", default: 7 },
    },
  },
  ({ props, config, fail }) => {
    const policy = known(props, "passwordPolicy");
    if (policy === undefined || policy === null) return; // Cognito's default policy: 8 characters, all four classes, 7 days
    const min = Number(config.minLength ?? 8);
    const maxDays = Number(config.maxTemporaryPasswordValidityDays ?? 7);
    const weak: string[] = [];
    const length = known(policy, "minimumLength");
    if (length !== undefined && Number(length) < min) weak.push(`\`minimumLength\` ${length} < ${min}`);
    for (const k of ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"]) if (known(policy, k) !== true) weak.push(`\`${k}\` is not true`);
    const days = known(policy, "temporaryPasswordValidityDays");
    if (days !== undefined && Number(days) > maxDays) weak.push(`\`temporaryPasswordValidityDays\` ${days} > ${maxDays}`);
    if (weak.length > 0) fail(`the password policy is weak: ${weak.join(", ")}`, `set \`passwordPolicy: { minimumLength: ${min}, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: ${maxDays} }\``);
  },
);

export const cognitoMfa = resourcePolicy(
  {
    name: "cognito-user-pool-mfa",
    description: "Cognito user pools that sign users in with a password must require MFA.",
    severity: "medium",
    controls: ["Cognito.5"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `mfaConfiguration: "ON"` with `softwareTokenMfaConfiguration: { enabled: true }` (or SMS/e-mail MFA) on the aws.cognito.UserPool.',
    resourceTypes: TC.userPool,
    config: {
      allowOptional: { type: "boolean", description: 'Accept `mfaConfiguration: "OPTIONAL"` (users may opt in).', default: false },
    },
  },
  ({ props, config, fail }) => {
    const factors = known(props, "signInPolicy.allowedFirstAuthFactors");
    if (Array.isArray(raw(factors)) && factors.length > 0) {
      const list = asArray<string>(raw(factors));
      if (list.some(isUnknown)) undecidable("signInPolicy.allowedFirstAuthFactors");
      if (!list.includes("PASSWORD")) return; // passwordless sign-in only
    }
    const mfa = known(props, "mfaConfiguration") ?? "OFF";
    const ok = mfa === "ON" || (config.allowOptional === true && mfa === "OPTIONAL");
    if (!ok) fail(`MFA is not required (\`mfaConfiguration\` is ${mfa})`, 'set `mfaConfiguration: "ON"` with `softwareTokenMfaConfiguration: { enabled: true }`');
  },
);

// ---------------------------------------------------------------------------------------------
// ECR
// ---------------------------------------------------------------------------------------------

function globMatch(glob: string, name: string): boolean {
  return new RegExp(`^${glob.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(name);
}

/** A registry scanning rule (basic scan on push, or enhanced continuous/on-push) covering `name`. */
function registryScans(configs: PolicyResource[], name: unknown): boolean | "unknown" {
  let unknown = false;
  for (const c of configs) {
    const rules = get(c.props, "rules");
    if (isUnknown(rules)) {
      unknown = true;
      continue;
    }
    for (const rule of asArray<any>(raw(rules))) {
      const freq = get(rule, "scanFrequency");
      if (isUnknown(freq)) unknown = true;
      if (!["SCAN_ON_PUSH", "CONTINUOUS_SCAN"].includes(String(freq))) continue;
      for (const f of asArray<any>(raw(get(rule, "repositoryFilters")))) {
        const filter = get(f, "filter");
        if (isUnknown(filter)) unknown = true;
        else if (filter === "*") return true;
        else if (typeof name === "string" && !isUnknown(name) && typeof filter === "string" && globMatch(filter, name)) return true;
        else if (isUnknown(name) || name === undefined) unknown = true;
      }
    }
  }
  return unknown ? "unknown" : false;
}

export const ecrImageScanning = stackPolicy(
  {
    name: "ecr-repository-image-scanning",
    description: "ECR private repositories must scan images (scan on push, or a registry scanning rule that covers them).",
    severity: "high",
    controls: ["ECR.1"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      'Set `imageScanningConfiguration: { scanOnPush: true }` on the aws.ecr.Repository, or add an aws.ecr.RegistryScanningConfiguration (`scanType: "ENHANCED"`) with a rule `scanFrequency: "CONTINUOUS_SCAN"` or "SCAN_ON_PUSH" whose `repositoryFilters` match the repository.',
  },
  ({ forEach, ofType, fail }) => {
    const registry = ofType(TC.ecrRegistryScanning);
    forEach(TC.ecrRepository, (repo) => {
      if (known(repo.props, "imageScanningConfiguration.scanOnPush") === true) return;
      const covered = registryScans(registry, get(repo.props, "name"));
      if (covered === true) return;
      if (covered === "unknown") undecidable("the registry scanning rules that would cover the repository");
      fail(repo, "images are not scanned: `imageScanningConfiguration.scanOnPush` is not true and no registry scanning rule covers the repository", "set `imageScanningConfiguration: { scanOnPush: true }`, or add an aws.ecr.RegistryScanningConfiguration rule matching it");
    });
  },
);

export const ecrTagImmutability = resourcePolicy(
  {
    name: "ecr-repository-tag-immutability",
    description: "ECR private repositories must have immutable image tags.",
    severity: "medium",
    controls: ["ECR.2"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `imageTagMutability: "IMMUTABLE"` (or "IMMUTABLE_WITH_EXCLUSION" with explicit `imageTagMutabilityExclusionFilters`) on the aws.ecr.Repository.',
    resourceTypes: TC.ecrRepository,
  },
  ({ props, fail }) => {
    const v = known(props, "imageTagMutability") ?? "MUTABLE";
    if (!["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"].includes(String(v))) fail(`image tags can be overwritten (\`imageTagMutability\` is ${v})`, 'set `imageTagMutability: "IMMUTABLE"`');
  },
);

export const ecrLifecyclePolicy = stackPolicy(
  {
    name: "ecr-repository-lifecycle-policy",
    description: "ECR repositories must have a lifecycle policy.",
    severity: "medium",
    controls: ["ECR.3"],
    frameworks: ["FSBP"],
    remediationSteps: "Add an aws.ecr.LifecyclePolicy with `repository` = the repository's name and rules that expire untagged and old images.",
  },
  ({ forEach, attached, ofType, fail }) => {
    forEach(TC.ecrRepository, (repo) => {
      if (attached(repo, TC.ecrLifecyclePolicy, "repository").length > 0) return;
      undecidableIfUntraced(repo, untracedPointers(ofType(TC.ecrLifecyclePolicy), "repository", TC.ecrRepository), "repository");
      fail(repo, "no aws.ecr.LifecyclePolicy points at the repository, so images pile up forever", `add an aws.ecr.LifecyclePolicy with \`repository: ${repo.name}.name\``);
    });
  },
);

export const ecrCustomerManagedKey = resourcePolicy(
  {
    name: "ecr-repository-cmk",
    description: "ECR repositories must be encrypted with a customer managed KMS key.",
    severity: "medium",
    controls: ["ECR.5"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: <customer managed aws.kms.Key ARN> }]` on the aws.ecr.Repository (it cannot change after creation).',
    resourceTypes: TC.ecrRepository,
  },
  ({ props, fail }) => {
    const configs = known(props, "encryptionConfigurations");
    const first = asArray<any>(raw(configs))[0];
    const type = first === undefined ? "AES256" : known(first, "encryptionType") ?? "AES256";
    const key = first === undefined ? undefined : known(first, "kmsKey");
    if (type !== "KMS") fail(`images are encrypted with S3 managed keys (\`encryptionType\` ${type})`, 'set `encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: <key ARN> }]`');
    else if (typeof key !== "string" || key === "" || isAwsManagedKeyRef(key, "ecr")) fail(`images are encrypted with the AWS managed key ${key ? key : "aws/ecr"}`, "set `kmsKey` to a customer managed aws.kms.Key ARN");
  },
);

// ---------------------------------------------------------------------------------------------
// Glue connections
// ---------------------------------------------------------------------------------------------

export const glueConnectionSsl = resourcePolicy(
  {
    name: "glue-connection-ssl",
    description: "Glue JDBC and Kafka connections must require TLS to the data store.",
    severity: "medium",
    controls: ["BP.Glue.4"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: 'In the aws.glue.Connection `connectionProperties` set `JDBC_ENFORCE_SSL: "true"` (JDBC) or `KAFKA_SSL_ENABLED: "true"` (KAFKA).',
    resourceTypes: TC.glueConnection,
  },
  ({ props, fail }) => {
    const type = String(known(props, "connectionType") ?? "JDBC").toUpperCase();
    const key = type === "JDBC" ? "JDBC_ENFORCE_SSL" : type === "KAFKA" ? "KAFKA_SSL_ENABLED" : undefined;
    if (!key) return;
    const v = known(props, `connectionProperties.${key}`);
    if (String(v).toLowerCase() !== "true") fail(`the ${type} connection does not require TLS (\`connectionProperties.${key}\` is ${v === undefined ? "unset" : JSON.stringify(v)})`, `set \`connectionProperties.${key}: "true"\``);
  },
);

export const policies = [
  cognitoThreatProtection,
  cognitoIdentityPoolNoGuests,
  cognitoPasswordPolicy,
  cognitoMfa,
  ecrImageScanning,
  ecrTagImmutability,
  ecrLifecyclePolicy,
  ecrCustomerManagedKey,
  glueConnectionSsl,
];

export const notDecidable: Record<string, string> = {};
