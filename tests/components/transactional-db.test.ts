import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { TransactionalDb, TransactionalDbArgs } from "../../components/data/transactional-db";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const CLUSTER = "aws:rds/cluster:Cluster";
const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const PARAMS = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const EVENTS = "aws:rds/eventSubscription:EventSubscription";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms";

describe("TransactionalDb", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<TransactionalDbArgs> = {}, env: "dev" | "prod" = "dev") {
    const db = new TransactionalDb(name, {
      context: testContext(env),
      kmsKey: KEY_ARN,
      vpcId: "vpc-1",
      subnetIds: ["subnet-i1", "subnet-i2"],
      ...(env === "prod" ? { eventsTopicArn: TOPIC } : {}),
      ...args,
    });
    await mocks.settle();
    return db;
  }

  describe("secure defaults", () => {
    it("creates the SG, subnet group, parameter group, log group, monitoring role, cluster and writer", async () => {
      await build("orders");
      const component = mocks.one("blueprints:data:TransactionalDb", "orders");
      const children = mocks.descendantsOf(component.urn).map((r) => r.type);
      expect(children).to.have.members([
        SG,
        "aws:rds/subnetGroup:SubnetGroup",
        PARAMS,
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        CLUSTER,
        INSTANCE,
      ]);
    });

    it("Aurora PostgreSQL 16, provisioned Serverless v2, encrypted with the key, IAM auth, managed secret", async () => {
      await build("orders");
      const c = mocks.one(CLUSTER).inputs;
      expect(c).to.deep.include({
        clusterIdentifier: "test-dev-orders",
        engine: "aurora-postgresql",
        engineMode: "provisioned",
        engineVersion: "16.6",
        databaseName: "app",
        masterUsername: "app_admin",
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: KEY_ARN,
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        iamDatabaseAuthenticationEnabled: true,
        port: 5433,
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
      });
      expect(c.masterPassword).to.equal(undefined);
      expect(c.enabledCloudwatchLogsExports).to.deep.equal(["postgresql"]);
      expect(c.tags).to.include.keys(...RequiredTagKeys);
    });

    it("forces TLS and logs connections through its cluster parameter group", async () => {
      await build("orders");
      const pg = mocks.one(PARAMS).inputs;
      expect(pg.family).to.equal("aurora-postgresql16");
      expect(pg.parameters).to.deep.include.members([
        { name: "rds.force_ssl", value: "1" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
      ]);
      expect(mocks.one(CLUSTER).inputs.dbClusterParameterGroupName).to.equal(pg.name);
    });

    it("instances: db.serverless, private, Performance Insights with the key, Enhanced Monitoring every 60 s", async () => {
      await build("orders");
      const i = mocks.one(INSTANCE).inputs;
      expect(i).to.deep.include({
        identifier: "test-dev-orders-writer",
        instanceClass: "db.serverless",
        engine: "aurora-postgresql",
        publiclyAccessible: false,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: KEY_ARN,
        monitoringInterval: 60,
        autoMinorVersionUpgrade: true,
        promotionTier: 0,
      });
      const role = mocks.one("aws:iam/role:Role");
      expect(i.monitoringRoleArn).to.match(/^arn:aws:iam::123456789012:role\//);
      expect(statement(role.inputs.assumeRolePolicy, "ServiceAssumesRole").Principal).to.deep.equal({ Service: "monitoring.rds.amazonaws.com" });
      expect(mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
    });

    it("lives in the isolated subnets; its SG has no rules but the named sources on its port", async () => {
      const db = await build("orders", { allowFrom: { checkout: "sg-fn" } });
      expect(mocks.one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).to.deep.equal(["subnet-i1", "subnet-i2"]);
      const sg = mocks.one(SG).inputs;
      expect(sg.ingress).to.equal(undefined);
      expect(sg.egress).to.equal(undefined);
      db.allowFrom("quicksight", "sg-qs");
      await mocks.settle();
      const rules = mocks.ofType(INGRESS).map((r) => r.inputs);
      expect(rules.map((r) => r.referencedSecurityGroupId)).to.have.members(["sg-fn", "sg-qs"]);
      for (const r of rules) expect(r).to.deep.include({ ipProtocol: "tcp", fromPort: 5433, toPort: 5433 });
    });

    it("exports logs into an encrypted group it creates first, named as RDS names it", async () => {
      await build("orders");
      expect(mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs).to.deep.include({ name: "/aws/rds/cluster/test-dev-orders/postgresql", kmsKeyId: KEY_ARN, retentionInDays: 30 });
    });

    it("outputs the endpoints, port, resource id and the managed secret's ARN", async () => {
      const db = await build("orders");
      expect(await promiseOf(db.endpoint)).to.match(/^test-dev-orders\.cluster-/);
      expect(await promiseOf(db.readerEndpoint)).to.match(/^test-dev-orders\.cluster-ro-/);
      expect(await promiseOf(db.port)).to.equal(5433);
      expect(await promiseOf(db.clusterResourceId)).to.match(/^cluster-/);
      expect(await promiseOf(db.masterUserSecretArn)).to.match(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-/);
    });
  });

  describe("dev and prod", () => {
    it("dev: scales to zero (pauses after 5 idle minutes), writer only, 7-day backups, no protections", async () => {
      await build("orders", {}, "dev");
      const c = mocks.one(CLUSTER);
      expect(c.inputs.serverlessv2ScalingConfiguration).to.deep.equal({ minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 300 });
      expect(c.inputs).to.deep.include({ backupRetentionPeriod: 7, deletionProtection: false, skipFinalSnapshot: true });
      expect(c.inputs.finalSnapshotIdentifier).to.equal(undefined);
      expect(mocks.ofType(INSTANCE)).to.have.length(1);
      expect(c.protect).to.equal(false);
      expect(c.retainOnDelete).to.equal(false);
    });

    it("prod: 0.5-16 ACU without pausing, a reader (failover tier), 35-day backups, deletion protection, final snapshot, protected", async () => {
      await build("orders", {}, "prod");
      const c = mocks.one(CLUSTER);
      expect(c.inputs.serverlessv2ScalingConfiguration).to.deep.equal({ minCapacity: 0.5, maxCapacity: 16 });
      expect(c.inputs).to.deep.include({ backupRetentionPeriod: 35, deletionProtection: true, skipFinalSnapshot: false, finalSnapshotIdentifier: "test-prod-orders-final" });
      expect(c.protect).to.equal(true);
      expect(c.retainOnDelete).to.equal(true);
      const instances = mocks.ofType(INSTANCE);
      expect(instances.map((i) => i.inputs.identifier)).to.deep.equal(["test-prod-orders-writer", "test-prod-orders-reader-1"]);
      expect(instances.map((i) => i.inputs.promotionTier)).to.deep.equal([0, 1]);
      for (const i of instances) {
        expect(i.protect).to.equal(true);
        expect(i.retainOnDelete).to.equal(true);
      }
      expect(mocks.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).to.equal(365);
    });

    it("prod: cluster and instance events (failover, failure, maintenance...) go to the events topic", async () => {
      const db = await build("orders", {}, "prod");
      const subs = Object.fromEntries(mocks.ofType(EVENTS).map((e) => [e.inputs.sourceType, e.inputs]));
      expect(subs["db-cluster"]).to.deep.include({ snsTopic: TOPIC, enabled: true, sourceIds: [await promiseOf(db.clusterIdentifier)] });
      expect(subs["db-cluster"].eventCategories).to.include.members(["failover", "failure", "maintenance"]);
      expect(subs["db-instance"].sourceIds).to.deep.equal(["test-prod-orders-writer", "test-prod-orders-reader-1"]);
      expect(subs["db-instance"].eventCategories).to.include.members(["configuration change", "failure", "maintenance"]);
    });

    it("dev: no event subscriptions unless a topic is given", async () => {
      await build("orders", {}, "dev");
      expect(mocks.ofType(EVENTS)).to.have.length(0);
    });
  });

  describe("grants", () => {
    it("grantConnect: rds-db:connect for one database user of this cluster", async () => {
      const db = await build("orders");
      db.grantConnect(new aws.iam.Role("checkout", { assumeRolePolicy: "{}" }), "checkout_app");
      await mocks.settle();
      const s = statement(mocks.one(ROLE_POLICY).inputs.policy, "ConnectWithIamToken");
      const resourceId = await promiseOf(db.clusterResourceId);
      expect(s).to.deep.include({ Action: ["rds-db:connect"], Resource: `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/checkout_app` });
    });

    it("grantConnect refuses the master user and invalid names", async () => {
      const db = await build("orders");
      const role = new aws.iam.Role("admin", { assumeRolePolicy: "{}" });
      expect(() => db.grantConnect(role, "app_admin")).to.throw(/is the master user: connect as a least-privileged application role/);
      expect(() => db.grantConnect(role, "bad-name")).to.throw(/dbUser "bad-name"/);
    });

    it("grantReadSecret: read the managed secret, decrypt only through Secrets Manager", async () => {
      const db = await build("orders");
      db.grantReadSecret(new aws.iam.Role("migrator", { assumeRolePolicy: "{}" }));
      await mocks.settle();
      const policy = mocks.one(ROLE_POLICY).inputs.policy;
      expect(statement(policy, "ReadMasterSecret")).to.deep.include({ Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: await promiseOf(db.masterUserSecretArn) });
      expect(statement(policy, "DecryptMasterSecret")).to.deep.include({
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: KEY_ARN,
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
      });
    });
  });

  describe("dangerous arguments throw", () => {
    const base = { kmsKey: KEY_ARN, vpcId: "vpc-1", subnetIds: ["subnet-i1", "subnet-i2"] };
    it("refuses default master usernames (RDS.24)", () => {
      expect(() => new TransactionalDb("u", { ...base, context: testContext("dev"), masterUsername: "postgres" })).to.throw(/masterUsername = "postgres" is a well-known default \(RDS\.24\)/);
    });

    it("refuses the default port in prod (RDS.23), allows it in dev", () => {
      expect(() => new TransactionalDb("p", { ...base, context: testContext("prod"), eventsTopicArn: TOPIC, port: 5432 })).to.throw(/port = 5432 is the PostgreSQL default, not allowed in prod/);
      expect(() => new TransactionalDb("p-dev", { ...base, context: testContext("dev"), port: 5432 })).not.to.throw();
    });

    it("refuses prod without a reader, with less than 14 days of backups, or without an events topic", () => {
      try {
        new TransactionalDb("thin", { ...base, context: testContext("prod"), readers: 0, backupRetentionDays: 7 });
        expect.fail("should have thrown");
      } catch (e) {
        const m = (e as Error).message;
        expect(m).to.match(/invalid arguments \(3\)/);
        expect(m).to.include("give at least 1 reader as the failover target (RDS.15)");
        expect(m).to.include("eventsTopicArn is required in prod");
        expect(m).to.include("backupRetentionDays = 7: prod keeps at least 14 days of backups");
      }
    });

    it("refuses scale-to-zero on engines before 16.3 and inverted capacity", () => {
      expect(() => new TransactionalDb("old", { ...base, context: testContext("dev"), engineVersion: "16.1" })).to.throw(/capacity.min 0 \(auto-pause\) needs Aurora PostgreSQL 16.3 or later/);
      expect(() => new TransactionalDb("inv", { ...base, context: testContext("dev"), capacity: { min: 4, max: 2 } })).to.throw(/capacity.min \(4\) must be <= capacity.max \(2\)/);
    });

    it("refuses a one-subnet subnet group", () => {
      expect(() => new TransactionalDb("one", { ...base, context: testContext("dev"), subnetIds: ["subnet-i1"] })).to.throw(/at least two AZs/);
    });
  });
});
