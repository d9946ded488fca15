/**
 * The pack on code that does not follow our conventions: the stack's environment from the pack
 * config (foreign programs rarely tag `environment`), secrets written into plaintext fields, AWS's
 * current defaults and the controls' own meaning.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { secretInPlaintextField, statefulResourcesProtected } from "../../policy-packs/aws-compliance/policies/extras";
import { redshiftCustomAdmin } from "../../policy-packs/aws-compliance/policies/data-redshift";
import { repoRoot } from "../helpers/plan";
import { evaluate, findings, res, UNKNOWN } from "../helpers/policy";

describe("the stack's environment from the pack config (\"$pack\": { \"environment\" })", () => {
  it("judges untagged resources of a prod stack as prod", async () => {
    const key = res("aws:kms/key:Key", { description: "untagged" }, { name: "data" });
    expect(findings(await evaluate(statefulResourcesProtected, [key]))).to.have.length(0);
    const prod = findings(await evaluate(statefulResourcesProtected, [key], { environment: "prod" }));
    expect(prod).to.have.length(1);
    expect(prod[0]!.message).to.include("it is not `protect`ed");
    const bucket = res("aws:s3/bucket:Bucket", { forceDestroy: true }, { name: "orders", protect: true });
    expect(findings(await evaluate(statefulResourcesProtected, [bucket], { environment: "prod" }))[0]!.message).to.include("is a prod S3 bucket and `forceDestroy: true`");
  });

  it("a dev stack's config wins over a resource tag claiming prod, and vice versa", async () => {
    const tagged = res("aws:kms/key:Key", { tags: { environment: "prod" } }, { name: "k" });
    expect(findings(await evaluate(statefulResourcesProtected, [tagged], { environment: "dev" }))).to.deep.equal([]);
    const devTagged = res("aws:kms/key:Key", { tags: { environment: "dev" } }, { name: "k2" });
    expect(findings(await evaluate(statefulResourcesProtected, [devTagged], { environment: "prod" }))).to.have.length(1);
  });

  it("the committed stack configs declare their environment once, for every policy", async () => {
    for (const stack of ["dev", "prod"]) {
      const cfg = JSON.parse(fs.readFileSync(path.join(repoRoot, `policy-packs/aws-compliance/config/${stack}.json`), "utf8"));
      expect(cfg.$pack.environment, stack).to.equal(stack);
    }
  });
});

describe("policy secret-in-plaintext-field (BP.Secrets.5)", () => {
  const password = res("random:index/randomPassword:RandomPassword", { length: 24 }, { name: "db-password" });
  const version = res("aws:secretsmanager/secretVersion:SecretVersion", { secretId: UNKNOWN, secretString: UNKNOWN }, { name: "api-key" });
  const secure = res("aws:ssm/parameter:Parameter", { type: "SecureString", value: UNKNOWN }, { name: "token" });
  const plain = res("aws:ssm/parameter:Parameter", { type: "String", value: "x" }, { name: "setting" });

  it("fails a Lambda environment, EC2 user data, ECS container definitions and tags built from a secret", async () => {
    const fn = res("aws:lambda/function:Function", { environment: { variables: { DB_PASSWORD: UNKNOWN } } }, { name: "api", deps: { environment: [password] } });
    const vm = res("aws:ec2/instance:Instance", { userData: UNKNOWN }, { name: "vm", deps: { userData: [version] } });
    const td = res("aws:ecs/taskDefinition:TaskDefinition", { family: "app", containerDefinitions: UNKNOWN }, { name: "app", deps: { containerDefinitions: [secure] } });
    const q = res("aws:sqs/queue:Queue", { tags: { token: UNKNOWN } }, { name: "q", deps: { tags: [password] } });
    const vs = findings(await evaluate(secretInPlaintextField, [password, version, secure, fn, vm, td, q]));
    expect(vs.map((v) => v.message.split("\n").pop()!.split(": ")[0]).sort()).to.deep.equal([
      "[BP.Secrets.5] api (aws:lambda/function:Function)",
      "[BP.Secrets.5] app (aws:ecs/taskDefinition:TaskDefinition)",
      "[BP.Secrets.5] q (aws:sqs/queue:Queue)",
      "[BP.Secrets.5] vm (aws:ec2/instance:Instance)",
    ]);
    expect(vs.find((v) => v.message.includes("api ("))!.message).to.include("`environment` is built from db-password (a generated password)");
  });

  it("passes references: a secret's ARN in the environment, a String parameter, a secret in a field that is itself secret", async () => {
    const secret = res("aws:secretsmanager/secret:Secret", {}, { name: "creds" });
    const fn = res("aws:lambda/function:Function", { environment: { variables: { SECRET_ARN: UNKNOWN, SETTING: UNKNOWN } } }, { name: "api", deps: { environment: [secret, plain] } });
    const db = res("aws:rds/cluster:Cluster", { masterPassword: UNKNOWN }, { name: "db", deps: { masterPassword: [password] } });
    expect(findings(await evaluate(secretInPlaintextField, [secret, plain, password, fn, db]))).to.deep.equal([]);
  });
});

describe("Redshift.8 is about the default admin name awsuser", () => {
  it("fails awsuser, passes admin and custom names", async () => {
    const C = "aws:redshift/cluster:Cluster";
    expect(findings(await evaluate(redshiftCustomAdmin, [res(C, { masterUsername: "awsuser" })]))).to.have.length(1);
    expect(findings(await evaluate(redshiftCustomAdmin, [res(C, { masterUsername: "admin" })]))).to.deep.equal([]);
    expect(findings(await evaluate(redshiftCustomAdmin, [res(C, { masterUsername: "warehouse_admin" })]))).to.deep.equal([]);
  });
});
