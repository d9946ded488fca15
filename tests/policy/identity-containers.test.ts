import { expect } from "chai";
import type * as aws from "@pulumi/aws";
import * as ic from "../../policy-packs/aws-compliance/policies/identity-containers";
import type { PlannedResource } from "../../tools/policy/harness";
import { fixture, unknown_ } from "../helpers/fixture";
import { evaluate, only, undecided } from "../helpers/policy";

async function pass(policy: Parameters<typeof evaluate>[0], r: PlannedResource | PlannedResource[], config?: Record<string, unknown>): Promise<void> {
  expect((await evaluate(policy, r, config)).map((v) => v.message)).to.deep.equal([]);
}

const POOL = "aws:cognito/userPool:UserPool";
const pool = (a: aws.cognito.UserPoolArgs, name = "users") => fixture<aws.cognito.UserPoolArgs>(POOL, a, { name });
const REPO = "aws:ecr/repository:Repository";
const repo = (a: aws.ecr.RepositoryArgs, name = "app") => fixture<aws.ecr.RepositoryArgs>(REPO, { name: "app", ...a }, { name });

describe("policy cognito-user-pool-threat-protection (Cognito.1, Cognito.4)", () => {
  const P = ic.cognitoThreatProtection;
  it("passes ENFORCED for standard and custom authentication", () =>
    pass(P, pool({ userPoolTier: "PLUS", userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } } })));
  it("fails a pool without threat protection, naming both controls", async () => {
    const m = await only(P, pool({}));
    expect(m).to.include("[Cognito.1, Cognito.4] users (aws:cognito/userPool:UserPool): threat protection for standard authentication is off");
    expect(m).to.include("custom authentication is off");
  });
  it("fails AUDIT for custom authentication only as Cognito.4, and accepts AUDIT when configured", async () => {
    const audit = pool({ userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "AUDIT" } } });
    expect(await only(P, audit)).to.include("[Cognito.4] users");
    await pass(P, audit, { securityMode: "AUDIT" });
  });
  it("cannot decide an unknown mode", () => undecided(P, pool({ userPoolAddOns: { advancedSecurityMode: unknown_() } })));
});

describe("policy cognito-identity-pool-no-unauthenticated (Cognito.2)", () => {
  const P = ic.cognitoIdentityPoolNoGuests;
  const ip = (allowUnauthenticatedIdentities: boolean | undefined) => fixture<aws.cognito.IdentityPoolArgs>("aws:cognito/identityPool:IdentityPool", { identityPoolName: "p", ...(allowUnauthenticatedIdentities === undefined ? {} : { allowUnauthenticatedIdentities }) }, { name: "ids" });
  it("passes the default and false", async () => {
    await pass(P, ip(undefined));
    await pass(P, ip(false));
  });
  it("fails guest access", async () => expect(await only(P, ip(true))).to.include("[Cognito.2] ids (aws:cognito/identityPool:IdentityPool): guest access is on"));
  it("cannot decide an unknown flag", () => undecided(P, fixture<aws.cognito.IdentityPoolArgs>("aws:cognito/identityPool:IdentityPool", { identityPoolName: "p", allowUnauthenticatedIdentities: unknown_<boolean>() })));
});

describe("policy cognito-user-pool-password-policy (Cognito.3)", () => {
  const P = ic.cognitoPasswordPolicy;
  const strong = { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true, temporaryPasswordValidityDays: 3 };
  it("passes Cognito's default policy and a strong one", async () => {
    await pass(P, pool({}));
    await pass(P, pool({ passwordPolicy: strong }));
  });
  it("fails a weak policy, listing what is weak", async () => {
    const m = await only(P, pool({ passwordPolicy: { ...strong, minimumLength: 6, requireSymbols: false, temporaryPasswordValidityDays: 30 } }));
    expect(m).to.include("[Cognito.3] users (aws:cognito/userPool:UserPool): the password policy is weak: `minimumLength` 6 < 8, `requireSymbols` is not true, `temporaryPasswordValidityDays` 30 > 7");
  });
  it("reads the minimum length from config", () => only(P, pool({ passwordPolicy: strong }), { minLength: 14 }));
});

describe("policy cognito-user-pool-mfa (Cognito.5)", () => {
  const P = ic.cognitoMfa;
  it("passes MFA ON, and a passwordless-only pool", async () => {
    await pass(P, pool({ mfaConfiguration: "ON", softwareTokenMfaConfiguration: { enabled: true } }));
    await pass(P, pool({ signInPolicy: { allowedFirstAuthFactors: ["EMAIL_OTP", "WEB_AUTHN"] } }));
  });
  it("fails MFA off (the default) and OPTIONAL unless configured", async () => {
    expect(await only(P, pool({}))).to.include("[Cognito.5] users (aws:cognito/userPool:UserPool): MFA is not required (`mfaConfiguration` is OFF)");
    const optional = pool({ mfaConfiguration: "OPTIONAL" });
    expect(await only(P, optional)).to.include("is OPTIONAL");
    await pass(P, optional, { allowOptional: true });
  });
  it("cannot decide an unknown setting", () => undecided(P, pool({ mfaConfiguration: unknown_() })));
});

describe("policy ecr-repository-image-scanning (ECR.1)", () => {
  const P = ic.ecrImageScanning;
  const scanning = (filter: string, scanFrequency = "CONTINUOUS_SCAN") =>
    fixture<aws.ecr.RegistryScanningConfigurationArgs>("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", { scanType: "ENHANCED", rules: [{ scanFrequency, repositoryFilters: [{ filter, filterType: "WILDCARD" }] }] });
  it("passes scan on push, or a registry rule matching the repository", async () => {
    await pass(P, repo({ imageScanningConfiguration: { scanOnPush: true } }));
    await pass(P, [repo({ name: "shop-api" }), scanning("shop-*")]);
    await pass(P, [repo({ name: unknown_() }), scanning("*", "SCAN_ON_PUSH")]);
  });
  it("fails an unscanned repository, and one a registry rule does not match", async () => {
    expect(await only(P, repo({}))).to.include("[ECR.1] app (aws:ecr/repository:Repository): images are not scanned");
    expect(await only(P, [repo({ name: "billing" }), scanning("shop-*")])).to.include("[ECR.1] app");
    expect(await only(P, [repo({ name: "billing" }), scanning("*", "MANUAL")])).to.include("[ECR.1] app");
  });
  it("cannot decide an unknown repository name against a prefix rule", () => undecided(P, [repo({ name: unknown_() }), scanning("shop-*")]));
});

describe("policy ecr-repository-tag-immutability (ECR.2)", () => {
  const P = ic.ecrTagImmutability;
  it("passes IMMUTABLE, fails the MUTABLE default", async () => {
    await pass(P, repo({ imageTagMutability: "IMMUTABLE" }));
    expect(await only(P, repo({}))).to.include("[ECR.2] app (aws:ecr/repository:Repository): image tags can be overwritten (`imageTagMutability` is MUTABLE)");
  });
  it("cannot decide an unknown setting", () => undecided(P, repo({ imageTagMutability: unknown_() })));
});

describe("policy ecr-repository-lifecycle-policy (ECR.3)", () => {
  const P = ic.ecrLifecyclePolicy;
  it("passes a repository with a lifecycle policy (by dependency or by name), fails one without", async () => {
    const r = repo({ name: "app" });
    const lp = fixture<aws.ecr.LifecyclePolicyArgs>("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: unknown_(), policy: "{}" }, { deps: { repository: [r] } });
    await pass(P, [r, lp]);
    await pass(P, [repo({ name: "web" }), fixture<aws.ecr.LifecyclePolicyArgs>("aws:ecr/lifecyclePolicy:LifecyclePolicy", { repository: "web", policy: "{}" })]);
    expect(await only(P, repo({ name: "app" }))).to.include("[ECR.3] app (aws:ecr/repository:Repository): no aws.ecr.LifecyclePolicy points at the repository");
  });
});

describe("policy ecr-repository-cmk (ECR.5)", () => {
  const P = ic.ecrCustomerManagedKey;
  it("passes KMS with a customer managed key", () => pass(P, repo({ encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:111122223333:key/k" }] })));
  it("fails the AES256 default and the AWS managed key", async () => {
    expect(await only(P, repo({}))).to.include("[ECR.5] app (aws:ecr/repository:Repository): images are encrypted with S3 managed keys");
    expect(await only(P, repo({ encryptionConfigurations: [{ encryptionType: "KMS" }] }))).to.include("AWS managed key aws/ecr");
  });
  it("cannot decide an unknown key", () => undecided(P, repo({ encryptionConfigurations: [{ encryptionType: unknown_() }] })));
});

describe("policy glue-connection-ssl (BP.Glue.4)", () => {
  const P = ic.glueConnectionSsl;
  const conn = (a: Partial<aws.glue.ConnectionArgs>) => fixture<aws.glue.ConnectionArgs>("aws:glue/connection:Connection", { name: "c", ...a }, { name: "warehouse" });
  it("passes JDBC with JDBC_ENFORCE_SSL and Kafka with KAFKA_SSL_ENABLED, ignores NETWORK", async () => {
    await pass(P, conn({ connectionProperties: { JDBC_CONNECTION_URL: "jdbc:postgresql://db:5432/x", JDBC_ENFORCE_SSL: "true" } }));
    await pass(P, conn({ connectionType: "KAFKA", connectionProperties: { KAFKA_BOOTSTRAP_SERVERS: "b:9094", KAFKA_SSL_ENABLED: "true" } }));
    await pass(P, conn({ connectionType: "NETWORK" }));
  });
  it("fails a JDBC connection without TLS", async () =>
    expect(await only(P, conn({ connectionProperties: { JDBC_CONNECTION_URL: "jdbc:postgresql://db:5432/x" } }))).to.include("[BP.Glue.4] warehouse (aws:glue/connection:Connection): the JDBC connection does not require TLS (`connectionProperties.JDBC_ENFORCE_SSL` is unset)"));
  it("cannot decide unknown properties", () => undecided(P, conn({ connectionProperties: unknown_() })));
});
