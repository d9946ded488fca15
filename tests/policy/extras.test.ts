import { expect } from "chai";
import * as zlib from "node:zlib";
import { policyRegistry } from "../../policy-packs/aws-compliance/lib/policy";
import { allPolicies } from "../../policy-packs/aws-compliance/policies";
import { secretCustomerManagedKey } from "../../policy-packs/aws-compliance/policies/data-secrets";
import * as extras from "../../policy-packs/aws-compliance/policies/extras";
import { UNKNOWN, evaluate, findings, only, res, undecided, unknowns } from "../helpers/policy";
import type * as aws from "@pulumi/aws";
import { fixture } from "../helpers/fixture";
import type { PlannedResource } from "../../tools/policy/harness";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("policy cloudhsm-cluster-multi-az (BP.CloudHSM.1)", () => {
  const cluster = () => res("aws:cloudhsmv2/cluster:Cluster", { hsmType: "hsm2m.medium", subnetIds: ["subnet-a", "subnet-b"] }, { name: "keys" });
  const hsm = (c: ReturnType<typeof cluster>, inputs: Record<string, unknown>, deps: Record<string, ReturnType<typeof cluster>[]> = {}) =>
    res("aws:cloudhsmv2/hsm:Hsm", { clusterId: UNKNOWN, ...inputs }, { deps: { clusterId: [c], ...deps } });
  it("passes two HSMs in two AZs (by AZ, or by subnet)", async () => {
    const c = cluster();
    expect(await evaluate(extras.cloudhsmMultiAz, [c, hsm(c, { availabilityZone: "eu-west-1a" }), hsm(c, { availabilityZone: "eu-west-1b" })])).to.deep.equal([]);
    const sa = res("aws:ec2/subnet:Subnet", { availabilityZone: "eu-west-1a" }, { name: "a" });
    const sb = res("aws:ec2/subnet:Subnet", { availabilityZone: "eu-west-1b" }, { name: "b" });
    expect(await evaluate(extras.cloudhsmMultiAz, [c, sa, sb, hsm(c, { subnetId: UNKNOWN }, { subnetId: [sa] }), hsm(c, { subnetId: UNKNOWN }, { subnetId: [sb] })])).to.deep.equal([]);
  });
  it("fails a single HSM, and two HSMs in one AZ", async () => {
    const c = cluster();
    expect(await only(extras.cloudhsmMultiAz, [c, hsm(c, { availabilityZone: "eu-west-1a" })])).to.include("[BP.CloudHSM.1] keys (aws:cloudhsmv2/cluster:Cluster): has 1 HSM in 1 Availability Zone (needs 2 in 2)");
    expect(await only(extras.cloudhsmMultiAz, [c, hsm(c, { availabilityZone: "eu-west-1a" }), hsm(c, { availabilityZone: "eu-west-1a" })])).to.include("has 2 HSMs in 1 Availability Zone");
  });
  it("reads the thresholds from config", async () => {
    const c = cluster();
    const two = [c, hsm(c, { availabilityZone: "eu-west-1a" }), hsm(c, { availabilityZone: "eu-west-1b" })];
    expect(await only(extras.cloudhsmMultiAz, two, { minimumHsms: 3, minimumAvailabilityZones: 3 })).to.include("needs 3 in 3");
  });
  it("cannot decide an HSM whose AZ is unknown", async () => {
    const c = cluster();
    await undecided(extras.cloudhsmMultiAz, [c, hsm(c, { availabilityZone: UNKNOWN }), hsm(c, { availabilityZone: "eu-west-1b" })]);
  });
});

describe("QuickSight policies (BP.QuickSight.1, BP.QuickSight.2)", () => {
  const DS = "aws:quicksight/dataSource:DataSource";
  const ds = (inputs: Record<string, unknown>) => res(DS, { dataSourceId: "sales", parameters: { rds: { database: "sales", instanceId: "db" } }, type: "RDS", ...inputs }, { name: "sales" });
  it("quicksight-data-source-ssl: passes SSL, fails disableSsl, cannot decide unknown", async () => {
    expect(await evaluate(extras.quicksightSsl, ds({}))).to.deep.equal([]);
    expect(await only(extras.quicksightSsl, ds({ sslProperties: { disableSsl: true } }))).to.include("[BP.QuickSight.1] sales (aws:quicksight/dataSource:DataSource): connects to its data source without SSL");
    await undecided(extras.quicksightSsl, ds({ sslProperties: { disableSsl: UNKNOWN } }));
  });
  it("quicksight-data-source-vpc-connection: requires a VPC connection for RDS/Redshift, by config", async () => {
    const conn = res("aws:quicksight/vpcConnection:VpcConnection", {}, { name: "db-conn" });
    const wired = { ...ds({ vpcConnectionProperties: { vpcConnectionArn: UNKNOWN } }) };
    wired.propertyDependencies = { vpcConnectionProperties: [conn.urn] };
    expect(await evaluate(extras.quicksightVpcConnection, [conn, wired])).to.deep.equal([]);
    await undecided(extras.quicksightVpcConnection, ds({ vpcConnectionProperties: { vpcConnectionArn: UNKNOWN } }));
    expect(await only(extras.quicksightVpcConnection, ds({}))).to.include("[BP.QuickSight.2] sales (aws:quicksight/dataSource:DataSource): reaches its RDS database over the public network");
    expect(await evaluate(extras.quicksightVpcConnection, ds({ type: "ATHENA", parameters: { athena: { workGroup: "primary" } } }))).to.deep.equal([]);
    expect(await evaluate(extras.quicksightVpcConnection, ds({}), { typesRequiringVpc: ["REDSHIFT"] })).to.deep.equal([]);
    await undecided(extras.quicksightVpcConnection, ds({ type: UNKNOWN }));
  });
});

describe("policy directconnect-connection-macsec (BP.DirectConnect.1)", () => {
  const C = "aws:directconnect/connection:Connection";
  const conn = (inputs: Record<string, unknown>) => res(C, { bandwidth: "10Gbps", location: "EqDC2", requestMacsec: true, encryptionMode: "must_encrypt", ...inputs }, { name: "dx" });
  const key = (c: ReturnType<typeof conn>) => res("aws:directconnect/macsecKeyAssociation:MacsecKeyAssociation", { connectionId: UNKNOWN, secretArn: UNKNOWN }, { deps: { connectionId: [c] } });
  it("passes a MACsec connection with a key (either spelling of the mode), and ignores 1Gbps ports", async () => {
    const c = conn({});
    expect(await evaluate(extras.directconnectMacsec, [c, key(c)])).to.deep.equal([]);
    const camel = conn({ encryptionMode: "mustEncrypt" });
    expect(await evaluate(extras.directconnectMacsec, [camel, key(camel)])).to.deep.equal([]);
    expect(await evaluate(extras.directconnectMacsec, [conn({ bandwidth: "1Gbps", requestMacsec: false, encryptionMode: undefined })])).to.deep.equal([]);
  });
  it("fails a connection without MACsec, naming every gap", async () => {
    const m = await only(extras.directconnectMacsec, [conn({ requestMacsec: undefined, encryptionMode: "should_encrypt" })]);
    expect(m).to.include("[BP.DirectConnect.1] dx (aws:directconnect/connection:Connection): does not request MACsec (`requestMacsec`); has encryptionMode \"should_encrypt\"; has no aws.directconnect.MacsecKeyAssociation");
  });
  it("reads accepted modes and the key requirement from config", async () => {
    expect(await evaluate(extras.directconnectMacsec, [conn({ encryptionMode: "should_encrypt" })], { encryptionModes: ["should_encrypt", "must_encrypt"], requireKeyAssociation: false })).to.deep.equal([]);
  });
  it("cannot decide an unknown flag", async () => {
    const c = conn({ requestMacsec: UNKNOWN });
    await undecided(extras.directconnectMacsec, [c, key(c)]);
  });
});

describe("policy lambda-environment-no-plaintext-secrets (BP.SecretLeak.1)", () => {
  const F = "aws:lambda/function:Function";
  const fn = (variables: unknown) => res(F, { role: "arn:r", environment: { variables } }, { name: "api" });
  it("passes references, flags and ordinary settings", async () => {
    const vars = { DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:1:secret:db", TOKEN_TTL: "3600", API_KEY_PARAM: "/app/api-key", ENABLE_TOKEN_CACHE: "true", TABLE: "orders", DB_PASSWORD_SECRET_NAME: UNKNOWN, PASSWORD: "{{resolve:secretsmanager:db}}" };
    expect(await evaluate(extras.lambdaEnvironmentNoSecrets, fn(vars))).to.deep.equal([]);
  });
  it("fails literal secrets, access key IDs and URLs with passwords, without echoing them", async () => {
    const m = await only(extras.lambdaEnvironmentNoSecrets, fn({ DB_PASSWORD: "hunter2!", STRIPE_API_KEY: "sk_live_abc123", KEY: "AKIAIOSFODNN7EXAMPLE", DATABASE_URL: "postgres://app:s3cr3t@db:5432/app" }));
    expect(m).to.include("[BP.SecretLeak.1] api (aws:lambda/function:Function): environment variables DB_PASSWORD holds a literal secret, STRIPE_API_KEY holds a literal secret, KEY holds an AWS access key ID, DATABASE_URL holds a URL with a password");
    expect(m).to.not.include("hunter2");
    expect(m).to.not.include("AKIAIOSFODNN7EXAMPLE");
  });
  it("takes allowed keys and patterns from config", async () => {
    expect(await evaluate(extras.lambdaEnvironmentNoSecrets, fn({ CSRF_TOKEN_SALT: "static-salt" }), { allowedKeys: ["CSRF_TOKEN_SALT"] })).to.deep.equal([]);
    expect(await only(extras.lambdaEnvironmentNoSecrets, fn({ SIGNING_SALT: "abcdef" }), { secretKeyPattern: "(salt)" })).to.include("SIGNING_SALT holds a literal secret");
  });
  it("cannot decide a secret-named variable whose value is unknown (e.g. a random password's result)", async () => {
    await undecided(extras.lambdaEnvironmentNoSecrets, fn({ DB_PASSWORD: UNKNOWN }));
    await undecided(extras.lambdaEnvironmentNoSecrets, res(F, { environment: { variables: UNKNOWN } }));
  });
});

describe("policy ec2-user-data-no-plaintext-secrets (BP.SecretLeak.2)", () => {
  const clean = "#!/bin/bash\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)\nexport TOKEN=\"$TOKEN_FROM_SSM\"\nyum install -y nginx\n";
  const leaky = "#!/bin/bash\nexport DB_PASSWORD=hunter2!\naws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE\nmysql --password=s3cr3tpw -h db\n";
  const cases: [string, string, (s: string) => string][] = [
    ["aws:ec2/instance:Instance", "userData", (s) => s],
    ["aws:ec2/instance:Instance", "userDataBase64", b64],
    ["aws:ec2/spotInstanceRequest:SpotInstanceRequest", "userData", (s) => s],
    ["aws:ec2/launchConfiguration:LaunchConfiguration", "userDataBase64", b64],
    ["aws:ec2/launchTemplate:LaunchTemplate", "userData", b64],
    ["aws:ec2/launchTemplate:LaunchTemplate", "userData", (s) => zlib.gzipSync(Buffer.from(s)).toString("base64")],
  ];
  for (const [type, field, encode] of cases) {
    it(`${type}.${field}: passes a script that fetches its secrets, fails one that embeds them`, async () => {
      expect(await evaluate(extras.userDataNoSecrets, res(type, { [field]: encode(clean) }))).to.deep.equal([]);
      const m = await only(extras.userDataNoSecrets, res(type, { [field]: encode(leaky) }, { name: "web" }));
      expect(m).to.include(`[BP.SecretLeak.2] web (${type}): user data holds plaintext secrets: \`${field}\` line 2 assigns a literal value to DB_PASSWORD`);
      expect(m).to.include("line 3 contains an AWS access key ID");
      expect(m).to.include("line 4 assigns a literal value to password");
      expect(m).to.not.include("hunter2");
    });
  }
  it("finds cloud-config YAML passwords and private keys", async () => {
    const yaml = "#cloud-config\nchpasswd:\n  list: |\n    root:x\nusers:\n  - name: app\n    passwd: \"$6$rounds=4096$abcdefgh\"\nwrite_files:\n  - content: |\n      -----BEGIN RSA PRIVATE KEY-----\n";
    const m = await only(extras.userDataNoSecrets, res("aws:ec2/instance:Instance", { userData: yaml }));
    expect(m).to.include("line 7 assigns a literal value to passwd");
    expect(m).to.include("line 10 embeds a private key");
  });
  it("reads allowed keys from config", async () => {
    expect(await evaluate(extras.userDataNoSecrets, res("aws:ec2/instance:Instance", { userData: "export BUILD_TOKEN=public-build-id\n" }), { allowedKeys: ["BUILD_TOKEN"] })).to.deep.equal([]);
  });
  it("cannot decide user data that is unknown at preview", async () => {
    await undecided(extras.userDataNoSecrets, res("aws:ec2/instance:Instance", { userData: UNKNOWN }));
  });
});

describe("policy stateful-resources-protected (BP.Data.1, with DynamoDB.6, RDS.7, RDS.8, Cognito.6, BP.KMS.2, BP.Bucket.2, BP.Backup.5)", () => {
  const P = extras.statefulResourcesProtected;
  const prod = { environment: "prod", project: "bank" };
  // type, compliant inputs, bad inputs, what the finding says, the controls it carries
  const table: [string, Record<string, unknown>, Record<string, unknown>, string, string][] = [
    ["aws:rds/cluster:Cluster", { deletionProtection: true }, { deletionProtection: false, skipFinalSnapshot: true }, "provider-side deletion protection is off (`deletionProtection` is not true); `skipFinalSnapshot: true` loses the data", "BP.Data.1, RDS.7"],
    ["aws:rds/instance:Instance", { deletionProtection: true }, { deletionProtection: undefined }, "provider-side deletion protection is off (`deletionProtection` is not true)", "BP.Data.1, RDS.8"],
    ["aws:dynamodb/table:Table", { deletionProtectionEnabled: true }, { deletionProtectionEnabled: false }, "(`deletionProtectionEnabled` is not true)", "BP.Data.1, DynamoDB.6"],
    ["aws:cognito/userPool:UserPool", { deletionProtection: "ACTIVE" }, { deletionProtection: "INACTIVE" }, '(`deletionProtection` is not "ACTIVE")', "BP.Data.1, Cognito.6"],
    ["aws:s3/bucket:Bucket", {}, { forceDestroy: true }, "`forceDestroy: true` deletes every object with it", "BP.Data.1, BP.Bucket.2"],
    ["aws:s3/bucketV2:BucketV2", {}, { forceDestroy: true }, "`forceDestroy: true`", "BP.Data.1, BP.Bucket.2"],
    ["aws:efs/fileSystem:FileSystem", {}, {}, "", "BP.Data.1"],
    ["aws:kms/key:Key", {}, {}, "", "BP.Data.1, BP.KMS.2"],
    ["aws:kms/replicaKey:ReplicaKey", {}, {}, "", "BP.Data.1, BP.KMS.2"],
    ["aws:redshift/cluster:Cluster", {}, { skipFinalSnapshot: true }, "`skipFinalSnapshot: true`", "BP.Data.1"],
    ["aws:kinesis/stream:Stream", {}, {}, "", "BP.Data.1"],
    ["aws:backup/vault:Vault", {}, { forceDestroy: true }, "`forceDestroy: true` deletes every recovery point with it", "BP.Data.1, BP.Backup.5"],
    ["aws:glacier/vault:Vault", {}, {}, "", "BP.Data.1"],
  ];
  for (const [type, good, bad, text, controls] of table) {
    it(`${type}: passes when protected; fails when not, in one finding carrying ${controls}`, async () => {
      expect(await evaluate(P, res(type, { tags: prod, ...good }, { protect: true }))).to.deep.equal([]);
      const m = await only(P, res(type, { tags: prod, ...good, ...bad }, { name: "data" }));
      expect(m).to.include(`[${controls}] data (${type}): is a prod `);
      expect(m).to.include("it is not `protect`ed");
      expect(m).to.include(text);
      expect(m).to.include("`{ protect: true }` in the resource options");
    });
  }
  it("a protected prod resource with one flag off: one finding carrying only that flag's control", async () => {
    const m = await only(P, res("aws:rds/cluster:Cluster", { tags: prod, deletionProtection: false }, { name: "ledger", protect: true }));
    expect(m).to.include("[RDS.7] ledger (aws:rds/cluster:Cluster): is a prod RDS cluster and provider-side deletion protection is off");
    expect(m).to.not.include("BP.Data.1");
    const vault = await only(P, res("aws:backup/vault:Vault", { tags: prod, forceDestroy: true }, { name: "v", protect: true }));
    expect(vault).to.include("[BP.Backup.5] v (aws:backup/vault:Vault)");
  });
  it("DynamoDB: each inline replica and each TableReplica needs deletion protection (a replica needs no `protect`)", async () => {
    const REPLICA = "aws:dynamodb/tableReplica:TableReplica";
    const m = await only(P, res("aws:dynamodb/table:Table", { tags: prod, deletionProtectionEnabled: true, replicas: [{ regionName: "eu-west-1", deletionProtectionEnabled: true }, { regionName: "us-west-2" }] }, { protect: true }));
    expect(m).to.include("[DynamoDB.6]");
    expect(m).to.include("deletion protection is off on the replica in us-west-2");
    expect(await evaluate(P, res(REPLICA, { tags: prod, globalTableArn: "a", deletionProtectionEnabled: true }))).to.deep.equal([]);
    expect(await only(P, res(REPLICA, { tags: prod, globalTableArn: "a" }, { name: "r" }))).to.include(`[DynamoDB.6] r (${REPLICA}): is a prod DynamoDB table replica and provider-side deletion protection is off`);
  });
  it("outside production: no `protect` or forceDestroy finding, the FSBP deletion-protection controls advised (advisory)", async () => {
    for (const env of ["dev", undefined]) {
      const tags = env ? { environment: env } : {};
      expect(await evaluate(P, res("aws:s3/bucket:Bucket", { tags, forceDestroy: true }))).to.deep.equal([]);
      expect(await evaluate(P, res("aws:kms/key:Key", { tags }))).to.deep.equal([]);
      const vs = findings(await evaluate(P, res("aws:dynamodb/table:Table", { tags }, { name: "t" })));
      expect(vs.map((v) => [v.enforcementLevel, v.message.slice(v.message.indexOf("["), v.message.indexOf("): ") + 1)])).to.deep.equal([["advisory", "[DynamoDB.6] t (aws:dynamodb/table:Table)"]]);
      expect(vs[0]!.message).to.include(env ? "is a dev DynamoDB table and" : "of no named environment");
      expect(vs[0]!.message).to.include("(advised outside production)");
    }
    const rds = findings(await evaluate(P, res("aws:rds/instance:Instance", { tags: { environment: "dev" }, skipFinalSnapshot: true })));
    expect(rds.map((v) => [v.enforcementLevel, v.message.includes("[RDS.8]"), v.message.includes("skipFinalSnapshot")])).to.deep.equal([["advisory", true, false]]);
    expect(await evaluate(P, res("aws:dynamodb/table:Table", { tags: { environment: "dev" } }), { outsideProduction: "off" })).to.deep.equal([]);
  });
  it("in production the finding takes the policy's level (mandatory by default)", async () => {
    const vs = findings(await evaluate(P, res("aws:dynamodb/table:Table", { tags: prod }, { name: "t" })));
    expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["mandatory"]);
  });
  it("takes the environment from config (over a resource's tag, both ways) or the provider's default tags", async () => {
    const dev = res("aws:kms/key:Key", { tags: { environment: "dev" } });
    expect(await evaluate(P, dev)).to.deep.equal([]);
    expect(findings(await evaluate(P, dev, { environment: "prod" }))).to.have.length(1);
    expect(await evaluate(P, res("aws:kms/key:Key", { tags: { environment: "prod" } }), { environment: "dev" })).to.deep.equal([]);
    expect(await only(P, res("aws:kms/key:Key", { description: "untagged" }, { name: "data" }), { environment: "prod" })).to.include("[BP.Data.1, BP.KMS.2] data (aws:kms/key:Key): is a prod KMS key and it is not `protect`ed");
    const provider = res("pulumi:providers:aws", { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { environment: "production" } }) });
    const untagged = res("aws:kms/key:Key", {}, { provider });
    expect(findings(await evaluate(P, [provider, untagged]))).to.have.length(1);
    expect(findings(await evaluate(P, res("aws:kms/key:Key", { tags: { environment: "staging" } }), { prodEnvironments: ["staging"] }))).to.have.length(1);
  });
  it("cannot decide an unknown environment tag or flag", async () => {
    await undecided(P, res("aws:rds/instance:Instance", { tags: { environment: UNKNOWN } }));
    await undecided(P, res("aws:rds/instance:Instance", { tags: prod, deletionProtection: UNKNOWN }, { protect: true }));
    await undecided(P, res("aws:s3/bucket:Bucket", { tags: prod, forceDestroy: UNKNOWN }, { protect: true }));
  });
});

describe("policy confidential-data-cmk (BP.Data.2)", () => {
  const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234";
  const pci = { "data-classification": "internal", compliance: "fsbp pci-dss" };
  // The stores no service rule covers (the others: "one finding per flaw" below).
  const table: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ["aws:efs/fileSystem:FileSystem", { kmsKeyId: KEY }, {}, "has no `kmsKeyId`"],
    ["aws:sqs/queue:Queue", { kmsMasterKeyId: KEY }, { sqsManagedSseEnabled: true }, "has no `kmsMasterKeyId`"],
    ["aws:sns/topic:Topic", { kmsMasterKeyId: KEY }, { kmsMasterKeyId: "arn:aws:kms:eu-west-1:1:alias/aws/sns" }, "uses the AWS managed key"],
    ["aws:ebs/volume:Volume", { kmsKeyId: KEY }, {}, "has no `kmsKeyId`"],
  ];
  for (const [type, good, bad, text] of table) {
    it(`${type}: passes with a customer managed key (literal, or from a key of the stack), fails without, undecidable from anything else`, async () => {
      expect(await evaluate(extras.confidentialDataCmk, res(type, { tags: pci, ...good }))).to.deep.equal([]);
      const prop = Object.keys(good).find((k) => /^kms(Key|MasterKey)(Id|Arn)$/.test(k))!;
      const key = res("aws:kms/key:Key", {}, { name: "data-key" });
      expect(await evaluate(extras.confidentialDataCmk, [key, res(type, { tags: pci, ...good, [prop]: UNKNOWN }, { deps: { [prop]: [key] } })])).to.deep.equal([]);
      const untyped = await evaluate(extras.confidentialDataCmk, res(type, { tags: pci, ...good, [prop]: UNKNOWN }));
      expect(findings(untyped)).to.deep.equal([]);
      expect(unknowns(untyped)).to.have.length(1);
      expect(unknowns(untyped)[0]!.message).to.include(`\`${prop}\` of`);
      const m = await only(extras.confidentialDataCmk, res(type, { tags: pci, ...bad }, { name: "store" }));
      expect(m).to.include(`[BP.Data.2] store (${type}): is a `);
      expect(m).to.include("holding compliance=pci-dss data but");
      expect(m).to.include(text);
    });
  }
  it("ignores data that is neither confidential nor regulated, and reads the pack-wide classifiedData setting", async () => {
    const internal = res("aws:sqs/queue:Queue", { tags: { "data-classification": "internal", compliance: "none" } });
    expect(await evaluate(extras.confidentialDataCmk, internal)).to.deep.equal([]);
    expect(findings(await evaluate(extras.confidentialDataCmk, internal, { classifiedData: { classifications: ["internal"] } }))).to.have.length(1);
    expect(findings(await evaluate(extras.confidentialDataCmk, res("aws:sqs/queue:Queue", {}), { classifiedData: { classifications: ["*"] } }))).to.have.length(1);
    const pciQueue = res("aws:sqs/queue:Queue", { tags: pci });
    expect(await evaluate(extras.confidentialDataCmk, pciQueue, { classifiedData: { regimes: ["hipaa"] } })).to.deep.equal([]);
    const own = res("aws:sqs/queue:Queue", { tags: { sensitivity: "secret" } }, { name: "q" });
    expect(await only(extras.confidentialDataCmk, own, { classifiedData: { tagKey: "sensitivity", classifications: ["secret"] } })).to.include("holding sensitivity=secret data");
  });
  it("a malformed classifiedData setting is an error naming it", async () => {
    let error = "";
    try {
      await evaluate(extras.confidentialDataCmk, res("aws:sqs/queue:Queue", {}), { classifiedData: { classification: ["x"] } });
    } catch (e) {
      error = String(e);
    }
    expect(error).to.include("confidential-data-cmk.classifiedData: 'classification' is not a setting (allowed: tagKey, classifications, complianceTagKey, regimes)");
  });
  it("cannot decide unknown tags or an unknown encryption type", async () => {
    await undecided(extras.confidentialDataCmk, res("aws:sqs/queue:Queue", { tags: UNKNOWN }));
    await undecided(extras.confidentialDataCmk, res("aws:sfn/stateMachine:StateMachine", { tags: pci, encryptionConfiguration: { type: UNKNOWN } }));
  });
});

describe("customer managed keys: one finding per classified store without one, across the pack", () => {
  const cmkPolicies = allPolicies.filter((p) => policyRegistry.get(p.name)!.controls.includes("BP.Data.2"));
  const all = async (r: PlannedResource | PlannedResource[], config: Record<string, unknown> = {}) => (await Promise.all(cmkPolicies.map((p) => evaluate(p, r, config)))).flat();
  const phi = { "data-classification": "restricted", compliance: "hipaa" };
  // type, extra inputs, the service control that comes with BP.Data.2
  const stores: [string, Record<string, unknown>, string][] = [
    ["aws:s3/bucket:Bucket", {}, "BP.Bucket.1"],
    ["aws:dynamodb/table:Table", {}, "BP.DynamoDB.1"],
    ["aws:rds/cluster:Cluster", { engine: "aurora-postgresql" }, "BP.RDS.3"],
    ["aws:rds/instance:Instance", { engine: "postgres" }, "BP.RDS.3"],
    ["aws:kinesis/stream:Stream", { encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" }, "BP.Kinesis.1"],
    ["aws:redshift/cluster:Cluster", {}, "BP.Redshift.4"],
    ["aws:redshiftserverless/namespace:Namespace", {}, "BP.Redshift.4"],
    ["aws:secretsmanager/secret:Secret", {}, "BP.Secrets.4"],
    ["aws:backup/vault:Vault", {}, "BP.Backup.1"],
    ["aws:cloudwatch/logGroup:LogGroup", {}, "BP.Logs.1"],
    ["aws:sagemaker/notebookInstance:NotebookInstance", { instanceType: "ml.t3.medium", roleArn: "r" }, "BP.SageMaker.1"],
    ["aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [{ modelName: "m" }], kmsKeyArn: "alias/aws/sagemaker" }, "BP.SageMaker.2"],
    ["aws:efs/fileSystem:FileSystem", {}, "BP.Data.2"],
  ];
  for (const [type, inputs, control] of stores) {
    it(`${type}: one finding, carrying ${control === "BP.Data.2" ? "BP.Data.2" : `${control} and BP.Data.2`}`, async () => {
      const vs = findings(await all(res(type, { tags: phi, ...inputs }, { name: "store" })));
      expect(vs.map((v) => v.message.slice(v.message.indexOf("["), v.message.indexOf("]") + 1)), JSON.stringify(vs)).to.deep.equal([control === "BP.Data.2" ? "[BP.Data.2]" : `[${control}, BP.Data.2]`]);
    });
  }
  it("an unclassified secret, vault, log group or notebook: one finding on the service control alone", async () => {
    for (const [type, inputs, control] of stores.filter(([, , c]) => ["BP.Secrets.4", "BP.Backup.1", "BP.Logs.1", "BP.SageMaker.1"].includes(c))) {
      const vs = findings(await all(res(type, { tags: { "data-classification": "internal" }, ...inputs }, { name: "store" })));
      expect(vs.map((v) => v.message.slice(v.message.indexOf("["), v.message.indexOf("]") + 1)), type).to.deep.equal([`[${control}]`]);
    }
  });
  it("a tag cannot waive a classified store's key in prod (high for it), but may waive an unclassified one's (medium)", async () => {
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const tag = { "policy-exemption:secretsmanager-secret-cmk": `legacy vendor integration expires=${expires}` };
    const prodRules = { tagExemptions: { maxSeverity: "medium", maxDays: 180 } };
    const secret = (tags: Record<string, string>) => res("aws:secretsmanager/secret:Secret", { tags: { ...tags, ...tag } }, { name: "s" });
    const open = await evaluate(secretCustomerManagedKey, secret({ "data-classification": "internal" }), prodRules);
    expect(open.map((v) => v.message.slice(0, 8))).to.deep.equal(["EXEMPTED"]);
    const classified = findings(await evaluate(secretCustomerManagedKey, secret(phi), prodRules));
    expect(classified).to.have.length(1);
    expect(classified[0]!.message).to.include("a tag cannot waive a high-severity policy (for this resource) in this stack");
  });
});

describe("policy confidential-data-cmk (BP.Data.2): result locations and analytics stores", () => {
  const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234";
  const phi = { "data-classification": "restricted", compliance: "hipaa" };
  const P = extras.confidentialDataCmk;
  const cases: { what: string; good: PlannedResource; bad: PlannedResource; text: string }[] = [
    {
      what: "Athena workgroup results",
      good: fixture<aws.athena.WorkgroupArgs>("aws:athena/workgroup:Workgroup", { tags: phi, configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY } } } }),
      bad: fixture<aws.athena.WorkgroupArgs>("aws:athena/workgroup:Workgroup", { tags: phi, configuration: { resultConfiguration: { encryptionConfiguration: { encryptionOption: "SSE_S3" } } } }, { name: "store" }),
      text: "is a Athena workgroup (query results) holding data-classification=restricted, compliance=hipaa data but does not encrypt query results with KMS (`encryptionOption` is SSE_S3)",
    },
    {
      what: "Firehose delivery stream",
      good: fixture<aws.kinesis.FirehoseDeliveryStreamArgs>("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", { tags: phi, destination: "extended_s3", serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY } }),
      bad: fixture<aws.kinesis.FirehoseDeliveryStreamArgs>("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", { tags: phi, destination: "extended_s3", serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" } }, { name: "store" }),
      text: "uses an AWS owned key (`serverSideEncryption.keyType` is not CUSTOMER_MANAGED_CMK)",
    },
    {
      what: "Step Functions state machine",
      good: fixture<aws.sfn.StateMachineArgs>("aws:sfn/stateMachine:StateMachine", { tags: phi, definition: "{}", roleArn: "r", encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: KEY } }),
      bad: fixture<aws.sfn.StateMachineArgs>("aws:sfn/stateMachine:StateMachine", { tags: phi, definition: "{}", roleArn: "r" }, { name: "store" }),
      text: "encrypts execution data with an AWS owned key",
    },
    {
      what: "OpenSearch domain",
      good: fixture<aws.opensearch.DomainArgs>("aws:opensearch/domain:Domain", { tags: phi, encryptAtRest: { enabled: true, kmsKeyId: KEY } }),
      bad: fixture<aws.opensearch.DomainArgs>("aws:opensearch/domain:Domain", { tags: phi, encryptAtRest: { enabled: true } }, { name: "store" }),
      text: "has no `encryptAtRest.kmsKeyId`",
    },
  ];
  for (const c of cases) {
    it(`${c.what}: passes with a customer managed key, fails without`, async () => {
      expect(await evaluate(P, c.good)).to.deep.equal([]);
      const m = await only(P, c.bad);
      expect(m).to.include(`[BP.Data.2] store (${c.bad.type}): is a `);
      expect(m).to.include(c.text);
    });
  }

  const table = (tags: Record<string, string>) => fixture<aws.dynamodb.TableArgs>("aws:dynamodb/table:Table", { tags, attributes: [{ name: "pk", type: "S" }], hashKey: "pk", serverSideEncryption: { enabled: true, kmsKeyArn: KEY } }, { name: "records" });
  const catalog = (awsKmsKeyId: string | undefined) =>
    fixture<aws.glue.DataCatalogEncryptionSettingsArgs>(
      "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
      { dataCatalogEncryptionSettings: { encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY }, connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, ...(awsKmsKeyId ? { awsKmsKeyId } : {}) } } },
      { name: "catalog" },
    );
  it("Glue Data Catalog (untaggable): in scope when the stack holds classified data", async () => {
    expect(await evaluate(P, [table(phi), catalog(KEY)])).to.deep.equal([]);
    expect(await only(P, [table(phi), catalog(undefined)])).to.include("[BP.Data.2] catalog (aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings): is a Glue Data Catalog holding the stack's data-classification=restricted, the stack's compliance=hipaa data but connection passwords: has no `dataCatalogEncryptionSettings.connectionPasswordEncryption.awsKmsKeyId`");
    expect(await evaluate(P, [table({ "data-classification": "internal" }), catalog(undefined)])).to.deep.equal([]);
  });
  it("Glue security configuration (untaggable): a KMS mode needs a customer managed key", async () => {
    const sc = (kmsKeyArn: string) =>
      fixture<aws.glue.SecurityConfigurationArgs>(
        "aws:glue/securityConfiguration:SecurityConfiguration",
        { encryptionConfiguration: { s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn }, cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY }, jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY } } },
        { name: "etl" },
      );
    expect(await evaluate(P, [table(phi), sc(KEY)])).to.deep.equal([]);
    expect(await only(P, [table(phi), sc("alias/aws/s3")])).to.include("etl (aws:glue/securityConfiguration:SecurityConfiguration): is a Glue security configuration holding the stack's data-classification=restricted, the stack's compliance=hipaa data but s3Encryption: uses the AWS managed key alias/aws/s3");
  });
  it("leaves what a service rule already reports to that rule (one finding per flaw)", async () => {
    // No SSE at all on Firehose is DataFirehose.1; unencrypted Athena results are Athena.1.
    expect(await evaluate(P, fixture<aws.kinesis.FirehoseDeliveryStreamArgs>("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", { tags: phi, destination: "extended_s3" }))).to.deep.equal([]);
    expect(await evaluate(P, fixture<aws.athena.WorkgroupArgs>("aws:athena/workgroup:Workgroup", { tags: phi }))).to.deep.equal([]);
  });
});

describe("policy s3-deprecated-v2-tokens (BP.Hygiene.1)", () => {
  it("notes every deprecated *V2 token (advisory) with its v7 replacement, and leaves v7 tokens alone", async () => {
    const vs = findings(await evaluate(extras.s3DeprecatedV2Tokens, res("aws:s3/bucketVersioningV2:BucketVersioningV2", {}, { name: "ver" })));
    expect(vs).to.have.length(1);
    expect(vs[0]!.enforcementLevel).to.equal("advisory");
    expect(vs[0]!.message).to.include("[BP.Hygiene.1] ver (aws:s3/bucketVersioningV2:BucketVersioningV2): uses the deprecated token aws:s3/bucketVersioningV2:BucketVersioningV2. Fix: use aws:s3/bucketVersioning:BucketVersioning (aws.s3.BucketVersioning)");
    expect(await evaluate(extras.s3DeprecatedV2Tokens, res("aws:s3/bucketVersioning:BucketVersioning", {}))).to.deep.equal([]);
  });
  it("covers all eleven V2 tokens", async () => {
    let n = 0;
    for (const t of ["BucketV2", "BucketAclV2", "BucketVersioningV2", "BucketLoggingV2", "BucketServerSideEncryptionConfigurationV2", "BucketLifecycleConfigurationV2", "BucketObjectLockConfigurationV2", "BucketCorsConfigurationV2", "BucketWebsiteConfigurationV2", "BucketAccelerateConfigurationV2", "BucketRequestPaymentConfigurationV2"]) {
      const type = `aws:s3/${t[0]!.toLowerCase()}${t.slice(1)}:${t}`;
      n += findings(await evaluate(extras.s3DeprecatedV2Tokens, res(type, {}))).length;
    }
    expect(n).to.equal(11);
  });
});

describe("extras.ts exports", () => {
  it("exports unique policy names", () => {
    expect(new Set(extras.policies.map((p) => p.name)).size).to.equal(extras.policies.length);
  });
});
