import { expect } from "chai";
import * as sec from "../../policy-packs/aws-compliance/policies/data-secrets";
import { evaluate, res, UNKNOWN } from "../helpers/policy";
import { expectOne, expectUndecided, runSpecs } from "./data-table";

const I = "aws:rds/instance:Instance";
const C = "aws:rds/cluster:Cluster";
const RC = "aws:redshift/cluster:Cluster";
const NS = "aws:redshiftserverless/namespace:Namespace";
const CONN = "aws:glue/connection:Connection";
const SECRET = "aws:secretsmanager/secret:Secret";
const ROT = "aws:secretsmanager/secretRotation:SecretRotation";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

runSpecs([
  {
    policy: sec.rdsNoPlaintextPassword,
    controls: "BP.Secrets.1",
    pass: [
      { title: "an instance with an RDS-managed password", type: I, inputs: { username: "app_owner", manageMasterUserPassword: true } },
      { title: "a cluster with an RDS-managed password and a CMK for the secret", type: C, inputs: { masterUsername: "ledger_owner", manageMasterUserPassword: true, masterUserSecretKmsKeyId: KEY } },
      { title: "(config) a write-only password when allowed", type: I, inputs: { passwordWo: "s3cr3t-from-config", passwordWoVersion: 1 }, config: { allowWriteOnlyPasswords: true } },
    ],
    fail: [
      { title: "a literal password on an instance", type: I, inputs: { password: "hunter2hunter2" }, expect: ["`password`", "set `manageMasterUserPassword: true`"] },
      { title: "a Pulumi secret / random password (unknown at preview) on a cluster", type: C, inputs: { masterPassword: UNKNOWN }, expect: ["`masterPassword`", "remove `masterPassword`"] },
      { title: "a write-only password (default refuses it)", type: C, inputs: { masterPasswordWo: "x", masterPasswordWoVersion: 1 }, expect: ["`masterPasswordWo`", "`manageMasterUserPassword: true`"] },
    ],
  },
  {
    policy: sec.redshiftNoPlaintextPassword,
    controls: "BP.Secrets.2",
    pass: [
      { title: "a cluster with manageMasterPassword", type: RC, inputs: { masterUsername: "wh_admin", manageMasterPassword: true } },
      { title: "a namespace with manageAdminPassword", type: NS, inputs: { adminUsername: "lake_admin", manageAdminPassword: true } },
      { title: "(config) a cluster with a write-only password when allowed", type: RC, inputs: { masterPasswordWo: "x", masterPasswordWoVersion: 1 }, config: { allowWriteOnlyPasswords: true } },
    ],
    fail: [
      { title: "a cluster with masterPassword", type: RC, inputs: { masterPassword: "Passw0rdPassw0rd" }, expect: ["`masterPassword`", "`manageMasterPassword: true`"] },
      { title: "a namespace with adminUserPassword", type: NS, inputs: { adminUserPassword: UNKNOWN }, expect: ["`adminUserPassword`", "`manageAdminPassword: true`"] },
      { title: "a namespace with a write-only password", type: NS, inputs: { adminUserPasswordWo: "x" }, expect: ["`adminUserPasswordWo`"] },
    ],
  },
  {
    policy: sec.glueConnectionNoPlaintextPassword,
    controls: "BP.Secrets.3",
    pass: [
      { title: "a JDBC connection with SECRET_ID", type: CONN, inputs: { connectionProperties: { JDBC_CONNECTION_URL: "jdbc:postgresql://db:5432/lake", SECRET_ID: UNKNOWN } } },
      { title: "authentication through a secret ARN", type: CONN, inputs: { authenticationConfiguration: { authenticationType: "BASIC", secretArn: UNKNOWN } } },
    ],
    fail: [
      { title: "USERNAME/PASSWORD properties", type: CONN, inputs: { connectionProperties: { USERNAME: "etl", PASSWORD: "plain" } }, expect: ["connectionProperties.PASSWORD", "SECRET_ID"] },
      { title: "basic credentials inline", type: CONN, inputs: { authenticationConfiguration: { authenticationType: "BASIC", basicAuthenticationCredentials: { username: "u", password: UNKNOWN } } }, expect: ["basicAuthenticationCredentials.password"] },
    ],
    unknown: [{ title: "the property map unknown", type: CONN, inputs: { connectionProperties: UNKNOWN } }],
  },
  {
    policy: sec.secretCustomerManagedKey,
    controls: "BP.Secrets.4",
    pass: [
      { title: "a CMK (output unknown at preview)", type: SECRET, inputs: { kmsKeyId: UNKNOWN } },
      { title: "a CMK on the secret and its replica", type: SECRET, inputs: { kmsKeyId: KEY, replicas: [{ region: "eu-central-1", kmsKeyId: "arn:aws:kms:eu-central-1:111122223333:key/abcd" }] } },
      { title: "a replica whose key is an output (unknown at preview)", type: SECRET, inputs: { kmsKeyId: KEY, replicas: [{ region: "eu-central-1", kmsKeyId: UNKNOWN }] } },
    ],
    fail: [
      { title: "no key (aws/secretsmanager)", type: SECRET, inputs: {}, expect: ["aws/secretsmanager", "customer managed aws.kms.Key"] },
      { title: "the AWS managed alias", type: SECRET, inputs: { kmsKeyId: "alias/aws/secretsmanager" }, expect: ["AWS managed key alias/aws/secretsmanager"] },
      { title: "a replica on the AWS managed key", type: SECRET, inputs: { kmsKeyId: KEY, replicas: [{ region: "eu-central-1" }] }, expect: ["replica(s) in eu-central-1"] },
    ],
    unknown: [{ title: "the replica list unknown", type: SECRET, inputs: { kmsKeyId: KEY, replicas: UNKNOWN } }],
  },
]);

describe("policy secretsmanager-secret-rotation (SecretsManager.1)", () => {
  const p = sec.secretRotation;
  it("passes a secret rotated every 30 days (joined by dependency) and one on a rate schedule (joined by name)", async () => {
    const a = res(SECRET, { name: "db-creds" }, { name: "a" });
    const b = res(SECRET, { name: "api-key" }, { name: "b" });
    const ra = res(ROT, { secretId: UNKNOWN, rotationLambdaArn: UNKNOWN, rotationRules: { automaticallyAfterDays: 30 } }, { deps: { secretId: [a] } });
    const rb = res(ROT, { secretId: "api-key", rotationLambdaArn: "arn:aws:lambda:eu-west-1:111122223333:function:rotate", rotationRules: { scheduleExpression: "rate(10 days)" } });
    expect(await evaluate(p, [a, b, ra, rb])).to.deep.equal([]);
  });
  it("fails a secret without rotation, naming the fix", async () => {
    expectOne(await evaluate(p, [res(SECRET, {}, { name: "token" })]), "SecretsManager.1", "token", SECRET, "does not rotate", "aws.secretsmanager.SecretRotation");
  });
  it("fails a rotation that is disabled or too slow, and reads maxRotationDays from config", async () => {
    const s = res(SECRET, { name: "db" }, { name: "db" });
    expectOne(await evaluate(p, [s, res(ROT, { secretId: "db", rotationEnabled: false })]), "SecretsManager.1", "db", SECRET, "disabled");
    const slow = res(ROT, { secretId: "db", rotationRules: { automaticallyAfterDays: 180 } });
    expectOne(await evaluate(p, [s, slow]), "SecretsManager.1", "db", SECRET, "every 180 days, more than the allowed 90");
    expect(await evaluate(p, [s, slow], { maxRotationDays: 365 })).to.deep.equal([]);
  });
  it("cannot decide when the rotation rules are unknown", async () => {
    const s = res(SECRET, { name: "db" });
    expectUndecided(await evaluate(p, [s, res(ROT, { secretId: "db", rotationRules: UNKNOWN })]));
  });
});

describe("data-secrets notDecidable", () => {
  it("says why the run-time Secrets Manager controls cannot be decided", () => {
    expect(Object.keys(sec.notDecidable)).to.deep.equal(["SecretsManager.2", "SecretsManager.3", "SecretsManager.4"]);
  });
});
