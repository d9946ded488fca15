/**
 * The banking project (workload 3), planned offline for dev and prod with the real policy pack
 * (prod with the adopter example values of tools/plan/adopter-examples.yaml and the project's
 * pack overlay): each of the seed's 15 services present in prod doing its job, what dev does
 * differently, PCI tags, prod protection, the workflow as deployed executed with the real
 * handlers, and the config rules.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import aslValidator = require("asl-validator");
import { StateMachine } from "aws-local-stepfunctions";
import { isWildcardAction } from "../../components/security/policy-document";
import { ConfigError, parseStackConfig, RawConfig } from "../../shared/config";
import { RequiredTagKeys } from "../../shared/tags";
import { bankingDefinition } from "../../projects/banking/config";
import { transferWorkflowDefinition } from "../../projects/banking/transfer-workflow";
import { adopterExamples, planWithAdopterExamples, stackRawConfig } from "../helpers/adopter-plan";
import { projectPlans, repoRoot, runPlan } from "../helpers/plan";
import { FUNCTIONS, startBankWorld } from "../functions/banking-fixtures";

type Stack = "dev" | "prod";
const ACCOUNT = "123456789012";
const PROJECT_DIR = "projects/banking";
const taggable = new Set<string>(JSON.parse(fs.readFileSync(path.join(repoRoot, "policy-packs/aws-compliance/taggable-types.json"), "utf8")).types);
const statements = (doc: string): any[] => JSON.parse(doc).Statement;

/** The stack file's config (plus the adopter examples) as the Pulumi CLI hands it to a program. */
const rawConfig = (stack: Stack, withExamples: boolean, edit?: (c: Record<string, unknown>) => void): RawConfig => stackRawConfig(PROJECT_DIR, "banking", stack, withExamples, edit);
const parse = (stack: Stack, withExamples: boolean, edit?: (c: Record<string, unknown>) => void) =>
  parseStackConfig(bankingDefinition, { project: "banking", stack, organization: "organization", raw: rawConfig(stack, withExamples, edit) });
/** The message the program stops with (ConfigError, before any resource is registered). */
const configError = (stack: Stack, withExamples: boolean, edit?: (c: Record<string, unknown>) => void): string => {
  const r = parse(stack, withExamples, edit);
  if (r.problems.length === 0) throw new Error("expected config problems");
  return new ConfigError(`banking/${stack}`, r.problems).message;
};

describe("banking project (workload 3)", function () {
  this.timeout(240_000);
  const { runs, plans, all, one } = projectPlans<Stack>({ dev: () => runPlan(PROJECT_DIR, "dev"), prod: () => planWithAdopterExamples(PROJECT_DIR, "prod") });
  const alarmTopic = () => new RegExp(`^arn:aws:sns:us-east-1:${ACCOUNT}:alarms-`);

  for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} stack: plan, policies, PCI tags, protection`, () => {
      it("plans with exit code 0 and zero mandatory violations", () => {
        expect(runs[stack].exitCode, runs[stack].stdout + runs[stack].stderr).to.equal(0);
        expect(plans[stack].status).to.equal("ok");
        expect(plans[stack].project).to.equal("banking");
        expect(plans[stack].violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
        expect(plans[stack].notes.join("\n")).to.not.match(/no offline answer/);
      });

      it("tags every taggable resource with the five required tags, PCI DSS in scope, data restricted", () => {
        const tagged = plans[stack].resources.filter((r) => r.custom && taggable.has(r.type));
        expect(tagged.length).to.be.greaterThan(80);
        for (const r of tagged) {
          const tags = Array.isArray(r.inputs.tags) ? Object.fromEntries(r.inputs.tags.map((t: any) => [t.key, t.value])) : r.inputs.tags;
          for (const k of RequiredTagKeys) expect(tags?.[k], `${r.type} ${r.name}: tag ${k}`).to.be.a("string").and.not.equal("");
          expect(tags, `${r.type} ${r.name}`).to.deep.include({ project: "banking", environment: stack, owner: "team-banking", "data-classification": "restricted", compliance: "fsbp pci-dss" });
        }
      });

      it(stack === "prod" ? "prod: every stateful resource is protected and retained on delete" : "dev: nothing is protected", () => {
        const statefulTypes = ["aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:dynamodb/table:Table", "aws:rds/cluster:Cluster", "aws:efs/fileSystem:FileSystem", "aws:cognito/userPool:UserPool", "aws:backup/vault:Vault"];
        const stateful = plans[stack].resources.filter((r) => statefulTypes.includes(r.type));
        expect(stateful.length).to.be.greaterThan(9);
        for (const r of stateful) {
          expect(r.protect, `${r.type} ${r.name} protect`).to.equal(stack === "prod");
          expect(r.retainOnDelete, `${r.type} ${r.name} retainOnDelete`).to.equal(stack === "prod");
        }
        expect(one(stack, "aws:cognito/userPool:UserPool").inputs.deletionProtection).to.equal(stack === "prod" ? "ACTIVE" : "INACTIVE");
      });

      it("no IAM policy allows a wildcard action", () => {
        let checked = 0;
        for (const r of plans[stack].resources) {
          for (const key of ["policy", "assumeRolePolicy"]) {
            const doc = r.inputs[key];
            if (typeof doc !== "string" || !doc.startsWith("{")) continue;
            for (const s of statements(doc).filter((x) => x.Effect === "Allow")) {
              checked++;
              for (const a of [s.Action ?? []].flat()) expect(isWildcardAction(a), `${r.type} ${r.name} ${s.Sid}: ${a}`).to.equal(false);
            }
          }
        }
        expect(checked).to.be.greaterThan(40);
      });
    });
  }

  describe("the seed's 15 services in prod, each doing its job", () => {
    const stack = "prod";

    it("EC2: app servers in private subnets behind an internal load balancer (no public ALB), reachable from the VPC and the partner networks", () => {
      const alb = one(stack, "aws:lb/loadBalancer:LoadBalancer");
      expect(alb.inputs.internal).to.equal(true);
      expect(one(stack, "aws:lb/listener:Listener", "app-https").inputs).to.include({ protocol: "HTTPS", certificateArn: (adopterExamples("banking", "prod")["banking:appCertificateArn"] as string) });
      const ingress = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("app-alb")).map((r) => r.inputs.cidrIpv4);
      expect(ingress).to.include.members(["10.40.0.0/16", "172.20.0.0/16", "172.21.0.0/16"]).and.not.include("0.0.0.0/0");
      expect(one(stack, "aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers).to.be.an("array").with.length(3);
    });

    it("Lambda: the workflow's steps and the API handlers, each in the VPC, wired to what they use", () => {
      const fns = all(stack, "aws:lambda/function:Function");
      expect(fns.map((f) => f.name)).to.have.members(["transfer-ledger", "fraud-check", "record-history", "notify", "start-transfer", "partner-credit"]);
      for (const f of fns) {
        expect(f.inputs.vpcConfig.subnetIds, f.name).to.have.length(3);
        expect(f.inputs.tracingConfig).to.deep.equal({ mode: "Active" });
      }
      const env = (n: string) => one(stack, "aws:lambda/function:Function", n).inputs.environment.variables;
      expect(env("start-transfer").STATE_MACHINE_ARN).to.match(/:stateMachine:banking-prod-transfers$/);
      expect(env("transfer-ledger")).to.include({ DB_USER: "transfers" });
      expect(env("partner-credit").PARTNERS).to.equal("acme-bank,globex-bank");
      // prod reaches AWS APIs only inside the VPC (interface endpoints): no function egress to the internet.
      const egress = all(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => /-to-aws-apis$/.test(r.name));
      expect(egress.length).to.equal(3);
      for (const e of egress) expect(e.inputs.cidrIpv4, e.name).to.equal("10.40.0.0/16");
    });

    it("S3: customer documents and receipts under their own key, object lock in compliance mode for the configured retention", () => {
      expect(one(stack, "aws:s3/bucket:Bucket", "documents").inputs.objectLockEnabled).to.equal(true);
      expect(one(stack, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "documents-object-lock").inputs.rule).to.deep.equal({ defaultRetention: { days: 2555, mode: "COMPLIANCE" } });
      const key = one(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "documents-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId;
      expect(key).to.match(/^arn:aws:kms:/).and.not.equal(one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId);
      const fleetGrants = all(stack, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("app-instances-documents-"));
      expect(fleetGrants.map((p) => p.name)).to.include.members(["app-instances-documents-read", "app-instances-documents-write-documents", "app-instances-documents-write-receipts"]);
    });

    it("EFS: the app servers' shared file system, encrypted, mounted through an access point", () => {
      expect(one(stack, "aws:efs/fileSystem:FileSystem").inputs).to.include({ encrypted: true });
      expect(all(stack, "aws:efs/mountTarget:MountTarget")).to.have.length(3);
      expect(one(stack, "aws:efs/accessPoint:AccessPoint").inputs.rootDirectory.path).to.equal("/bank/shared");
    });

    it("VPC: 3 AZs, flow logs, gateway endpoints and an interface endpoint for every AWS API the workload calls", () => {
      expect(one(stack, "awsx:ec2:Vpc").inputs).to.deep.include({ cidrBlock: "10.40.0.0/16", numberOfAvailabilityZones: 3 });
      const endpoints = all(stack, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName.replace("com.amazonaws.us-east-1.", ""));
      expect(endpoints).to.have.members(["s3", "dynamodb", "states", "sns", "ssm", "ssmmessages", "ec2messages", "ec2", "logs", "sts", "secretsmanager"]);
    });

    it("Direct Connect: a gateway, a private VIF per configured connection, MACsec on every connection, the VPC's gateway advertising only the VPC", () => {
      const vifs = all(stack, "aws:directconnect/privateVirtualInterface:PrivateVirtualInterface");
      expect(vifs.map((v) => [v.inputs.connectionId, v.inputs.vlan, v.inputs.bgpAsn])).to.deep.equal([
        ["dxcon-fexample1", 101, 65010],
        ["dxcon-fexample2", 102, 65010],
      ]);
      const gateway = one(stack, "aws:directconnect/gateway:Gateway");
      expect(new Set(vifs.map((v) => v.inputs.dxGatewayId)).size).to.equal(1);
      expect(vifs[0]!.inputs.dxGatewayId).to.be.a("string").and.not.equal("");
      expect(gateway.inputs.amazonSideAsn).to.equal("64512");
      expect(all(stack, "aws:directconnect/macsecKeyAssociation:MacsecKeyAssociation").map((m) => m.inputs)).to.deep.equal([
        { connectionId: "dxcon-fexample1", secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:banking/dx-macsec-ckn-cak-AbCdEf" },
        { connectionId: "dxcon-fexample2", secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:banking/dx-macsec-ckn-cak-AbCdEf" },
      ]);
      expect(one(stack, "aws:directconnect/gatewayAssociation:GatewayAssociation").inputs.allowedPrefixes).to.deep.equal(["10.40.0.0/16"]);
      expect(all(stack, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation")).to.have.length(3);
    });

    it("RDS: the Aurora ledger, multi-AZ, 35 days of backups, IAM authentication, encrypted, in isolated subnets", () => {
      const cluster = one(stack, "aws:rds/cluster:Cluster");
      expect(cluster.inputs).to.include({ storageEncrypted: true, iamDatabaseAuthenticationEnabled: true, backupRetentionPeriod: 35, deletionProtection: true, databaseName: "bank" });
      expect(all(stack, "aws:rds/clusterInstance:ClusterInstance").length).to.be.at.least(2);
      const connect = statements(one(stack, "aws:iam/rolePolicy:RolePolicy", "transfer-ledger-role-ledger-connect-transfers").inputs.policy)[0];
      expect(connect.Action).to.deep.equal(["rds-db:connect"]);
      expect(connect.Resource).to.match(/:dbuser:.+\/transfers$/);
    });

    it("DynamoDB: activity logs (expiring) and transaction history, streams on, PITR, the bank's key; written and read by their jobs", () => {
      const bankKey = one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId;
      const activity = one(stack, "aws:dynamodb/table:Table", "activity-log").inputs;
      const history = one(stack, "aws:dynamodb/table:Table", "transaction-history").inputs;
      for (const t of [activity, history]) {
        expect(t.streamEnabled).to.equal(true);
        expect(t.pointInTimeRecovery.enabled).to.equal(true);
        expect(t.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: bankKey });
      }
      expect(activity.ttl).to.deep.include({ attributeName: "expiresAt", enabled: true });
      expect(history.ttl).to.equal(undefined);
      const grants = all(stack, "aws:iam/rolePolicy:RolePolicy").map((p) => p.name);
      expect(grants).to.include.members(["record-history-role-transaction-history-write", "fraud-check-role-transaction-history-read", "start-transfer-role-activity-log-write", "app-instances-transaction-history-read"]);
    });

    it("WAF: one regional web ACL in front of both APIs, the customer sign-in and the load balancer", () => {
      const acl = one(stack, "aws:wafv2/webAcl:WebAcl");
      expect(acl.inputs.scope).to.equal("REGIONAL");
      const targets = all(stack, "aws:wafv2/webAclAssociation:WebAclAssociation").map((a) => a.inputs.resourceArn);
      expect(targets.filter((t: string) => /:\/restapis\/[a-z0-9]+\/stages\/v1$/.test(t))).to.have.length(2);
      expect(targets.some((t: string) => /:cognito-idp:.*:userpool\//.test(t))).to.equal(true);
      expect(targets.some((t: string) => /:loadbalancer\/app\//.test(t))).to.equal(true);
      expect(acl.inputs.rules.map((r: any) => r.name)).to.include.members(["AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAnonymousIpList"]);
    });

    it("Shield: the platform subscribes in prod, so the load balancer has a Shield Advanced protection", () => {
      expect(plans.prod.outputs.shieldProtected).to.equal(true);
      expect(one(stack, "aws:shield/protection:Protection").inputs.resourceArn).to.match(/:loadbalancer\/app\/app-alb/);
    });

    it("IAM: every role under /banking/ with the platform's boundary; operators assume theirs only with recent MFA", () => {
      for (const r of all(stack, "aws:iam/role:Role")) {
        expect(r.inputs.path, r.name).to.equal("/banking/");
        expect(r.inputs.permissionsBoundary, r.name).to.equal(`arn:aws:iam::${ACCOUNT}:policy/platform/banking-workload-boundary`);
      }
      const trust = statements(one(stack, "aws:iam/role:Role", "operators").inputs.assumeRolePolicy)[0];
      expect(trust.Condition).to.deep.equal({ Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } });
    });

    it("KMS: the bank's key and a documents key, rotating; the bank's key lets Logs' delivery decrypt the workflow's execution data", () => {
      const keys = all(stack, "aws:kms/key:Key");
      expect(keys.map((k) => k.name)).to.have.members(["bank", "documents"]);
      for (const k of keys) expect(k.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
      const delivery = statements(one(stack, "aws:kms/key:Key", "bank").inputs.policy).find((s) => s.Sid === "StepFunctionsLogDeliveryDecrypt");
      expect(delivery).to.deep.include({ Principal: { Service: "delivery.logs.amazonaws.com" }, Action: ["kms:Decrypt"] });
    });

    it("QuickSight: financial and usage reports over the ledger as the read-only reporting user (its own secret), refreshed daily", () => {
      const sources = all(stack, "aws:quicksight/dataSource:DataSource");
      expect(sources).to.have.length(2);
      const secret = one(stack, "aws:secretsmanager/secret:Secret", "reporting-db-credentials");
      expect(secret.inputs.kmsKeyId).to.equal(one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId);
      for (const s of sources) expect(s.inputs.credentials.secretArn).to.match(/:secret:reporting-db-credentials-/);
      const schedules = all(stack, "aws:quicksight/refreshSchedule:RefreshSchedule");
      expect(schedules.map((s) => s.inputs.schedule)).to.deep.equal([0, 1].map(() => ({ refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "02:30", timezone: "UTC" } })));
      const version = one(stack, "aws:secretsmanager/secretVersion:SecretVersion", "reporting-db-credentials");
      expect(JSON.stringify(version.inputs)).to.not.match(/"password"/);
    });

    it("API Gateway: the mobile API behind the Cognito authorizer; the partner API only on its mutual-TLS domain, with API keys on a usage plan", () => {
      const methods = all(stack, "aws:apigateway/method:Method");
      const mobile = methods.find((m) => m.name === "mobile-api-post-transfers")!;
      expect(mobile.inputs).to.include({ authorization: "COGNITO_USER_POOLS", httpMethod: "POST" });
      expect(one(stack, "aws:apigateway/authorizer:Authorizer").inputs.providerArns[0]).to.match(/:userpool\//);
      const partner = methods.find((m) => m.name === "partner-api-post-partners-credits")!;
      expect(partner.inputs).to.include({ authorization: "NONE", apiKeyRequired: true });
      expect(one(stack, "aws:apigateway/restApi:RestApi", "partner-api").inputs.disableExecuteApiEndpoint).to.equal(true);
      expect(one(stack, "aws:apigateway/restApi:RestApi", "mobile-api").inputs.disableExecuteApiEndpoint).to.equal(undefined);
      expect(one(stack, "aws:apigateway/domainName:DomainName").inputs).to.deep.include({ domainName: "partners.bank.example.com", mutualTlsAuthentication: { truststoreUri: "s3://bank-example-truststores/partners.pem" }, securityPolicy: "TLS_1_2" });
      expect(all(stack, "aws:apigateway/apiKey:ApiKey").map((k) => k.inputs.name)).to.deep.equal(["banking-prod-partner-api-acme-bank", "banking-prod-partner-api-globex-bank"]);
    });

    it("Cognito: MFA required (TOTP or passkeys, no SMS), threat protection enforced, a strong password policy", () => {
      const pool = one(stack, "aws:cognito/userPool:UserPool").inputs;
      expect(pool).to.deep.include({ mfaConfiguration: "ON", softwareTokenMfaConfiguration: { enabled: true }, userPoolTier: "PLUS", userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } } });
      expect(pool.smsConfiguration ?? undefined).to.equal(undefined);
      expect(pool.webAuthnConfiguration.userVerification).to.equal("required");
      expect(pool.passwordPolicy).to.deep.include({ minimumLength: 14, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true });
      expect(one(stack, "aws:cognito/userPoolClient:UserPoolClient").inputs).to.include({ generateSecret: false, preventUserExistenceErrors: "ENABLED" });
    });

    it("Step Functions: a Standard workflow, logged in full to an encrypted group, traced, encrypted with the bank's key, invoking only its four functions", () => {
      const sm = one(stack, "aws:sfn/stateMachine:StateMachine").inputs;
      const bankKey = one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId;
      expect(sm).to.deep.include({ type: "STANDARD", tracingConfiguration: { enabled: true }, encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: bankKey, kmsDataKeyReusePeriodSeconds: 300 } });
      expect(sm.loggingConfiguration).to.deep.include({ level: "ALL", includeExecutionData: true });
      const group = one(stack, "aws:cloudwatch/logGroup:LogGroup", "transfers-logs").inputs;
      expect(group.name).to.equal("/aws/vendedlogs/states/banking-prod-transfers");
      expect(group.kmsKeyId).to.match(/^arn:aws:kms:/);
      const invoke = statements(one(stack, "aws:iam/rolePolicy:RolePolicy", "transfers-role-transfers-execution").inputs.policy).find((s) => s.Sid === "InvokeTaskFunctions");
      const arns = ["transfer-ledger", "fraud-check", "record-history", "notify"].map((n) => one(stack, "aws:lambda/function:Function", n).inputs.name);
      expect(invoke.Resource).to.have.length(8);
      for (const n of arns) expect(invoke.Resource.some((r: string) => r.endsWith(`:function:${n}`))).to.equal(true);
    });

    it("the workflow as planned is valid ASL and runs with the real handlers (a good transfer, balances add up)", async () => {
      const planned = JSON.parse(one(stack, "aws:sfn/stateMachine:StateMachine").inputs.definition);
      expect(aslValidator(JSON.parse(JSON.stringify(planned))).isValid).to.equal(true);
      const arnOf = (n: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${one(stack, "aws:lambda/function:Function", n).inputs.name}`;
      // The planned definition is the program's function of the planned ARNs...
      expect(planned).to.deep.equal(transferWorkflowDefinition({ ledger: arnOf("transfer-ledger"), fraudCheck: arnOf("fraud-check"), recordHistory: arnOf("record-history"), notify: arnOf("notify") }));
      // ...and runs with the real handlers (mapped from the planned ARNs to the fixtures' ones).
      const world = await startBankWorld();
      try {
        await world.pool.query("INSERT INTO accounts (account_id, customer_id, currency, balance_cents) VALUES ('a1', 'c1', 'EUR', 1000), ('a2', 'c2', 'EUR', 0)");
        const local = JSON.parse(JSON.stringify(planned).split(arnOf("transfer-ledger")).join(FUNCTIONS.ledger).split(arnOf("fraud-check")).join(FUNCTIONS.fraudCheck).split(arnOf("record-history")).join(FUNCTIONS.recordHistory).split(arnOf("notify")).join(FUNCTIONS.notify));
        const out = await new StateMachine(local).run({ transfer: { transferId: "t1", customerId: "c1", sourceAccountId: "a1", destinationAccountId: "a2", amountCents: 250, currency: "EUR", reference: "" } }, { overrides: { taskResourceLocalHandlers: world.handlersFor(local) } }).result;
        expect(out).to.include({ status: "COMPLETED", transferId: "t1" });
        const { rows } = await world.pool.query("SELECT account_id, balance_cents::int AS b FROM accounts ORDER BY account_id");
        expect(rows).to.deep.equal([{ account_id: "a1", b: 750 }, { account_id: "a2", b: 250 }]);
      } finally {
        await world.stop();
      }
    });

    it("alarms: every function, dead-letter queue, both APIs, the ledger, the tables, the fleet and failed transfers notify the platform's topic", () => {
      const alarms = all(stack, "aws:cloudwatch/metricAlarm:MetricAlarm");
      for (const a of alarms) expect(a.inputs.alarmActions, a.name).to.satisfy((x: string[]) => x.length === 1 && alarmTopic().test(x[0]!));
      const dims = (ns: string) => alarms.filter((a) => a.inputs.namespace === ns);
      expect(new Set(dims("AWS/Lambda").map((a) => a.inputs.dimensions.FunctionName)).size).to.equal(6);
      expect(dims("AWS/ApiGateway").length).to.be.at.least(2);
      expect(dims("AWS/RDS").length).to.be.at.least(1);
      expect(dims("AWS/DynamoDB").length).to.be.at.least(2);
      expect(one(stack, "aws:cloudwatch/metricAlarm:MetricAlarm", "transfers-failed").inputs).to.deep.include({ namespace: "AWS/States", metricName: "ExecutionsFailed" });
    });
  });

  describe("dev differs from prod", () => {
    it("dev has no Direct Connect, no partner API, no object lock, no interface endpoints, no QuickSight, no Shield protection", () => {
      for (const t of [
        "aws:directconnect/gateway:Gateway",
        "aws:directconnect/privateVirtualInterface:PrivateVirtualInterface",
        "aws:apigateway/domainName:DomainName",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:quicksight/dataSource:DataSource",
        "aws:shield/protection:Protection",
      ]) {
        expect(all("dev", t), t).to.deep.equal([]);
        expect(all("prod", t).length, t).to.be.greaterThan(0);
      }
      expect(all("dev", "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.vpcEndpointType)).to.deep.equal(["Gateway", "Gateway"]);
      expect(plans.dev.outputs.directConnectEncryption).to.equal("off");
      expect(plans.prod.outputs.directConnectEncryption).to.equal("macsec");
    });

    it("dev idles cheaply: 2 AZs, one NAT gateway, a 0-ACU ledger that pauses, no reader, one t3.small app server", () => {
      expect(one("dev", "awsx:ec2:Vpc").inputs).to.deep.include({ numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" } });
      expect(one("dev", "aws:rds/cluster:Cluster").inputs.serverlessv2ScalingConfiguration).to.deep.include({ minCapacity: 0 });
      expect(all("dev", "aws:rds/clusterInstance:ClusterInstance")).to.have.length(1);
      expect(all("prod", "aws:rds/clusterInstance:ClusterInstance").length).to.be.greaterThan(1);
      expect(one("dev", "aws:lb/listener:Listener", "app-http").inputs.protocol).to.equal("HTTP");
      const group = one("dev", "aws:autoscaling/group:Group").inputs;
      expect(group.minSize).to.equal(1);
      expect(group.mixedInstancesPolicy.launchTemplate.overrides.map((o: any) => o.instanceType)).to.deep.equal(["t3.small", "t3a.small"]);
    });
  });

  describe("stack config", () => {
    it("the committed dev and prod stack files parse (prod with the adopter example values)", () => {
      expect(parse("dev", false).settings!.config.directConnect).to.equal(undefined);
      expect(parse("prod", true).settings!.config).to.deep.include({ documentRetentionDays: 2555, activityRetentionDays: 400 });
    });

    it("prod without the adopter keys fails, naming each key, what it is for, and the `pulumi config set` command", () => {
      const message = configError("prod", false);
      expect(message).to.match(/banking:directConnect missing: required in prod: the Direct Connect link .*`pulumi config set --path banking:directConnect\.encryption macsec`/);
      expect(message).to.match(/banking:partnerApi missing: required in prod: .*truststoreUri \(mutual TLS\).*`pulumi config set --path banking:partnerApi\.domainName/);
      expect(message).to.match(/banking:appCertificateArn missing: required in prod/);
    });

    it("refuses two connections at one location (not redundant), a single connection in prod, and MACsec without its key", () => {
      const dx = () => JSON.parse(JSON.stringify(adopterExamples("banking", "prod")["banking:directConnect"]));
      expect(configError("prod", true, (c) => {
        const d = dx();
        d.connections[1].location = d.connections[0].location;
        c["banking:directConnect"] = d;
      })).to.match(/banking:directConnect\.connections = \["EqDC2","EqDC2"\]: connections at one location may share a device and are not redundant/);
      expect(configError("prod", true, (c) => {
        const d = dx();
        d.connections.pop();
        c["banking:directConnect"] = d;
      })).to.match(/banking:directConnect\.connections = \["dxcon-fexample1"\]: prod needs two connections at two locations/);
      expect(configError("dev", false, (c) => {
        const d = dx();
        delete d.macsecSecretArn;
        c["banking:directConnect"] = d;
      })).to.match(/banking:directConnect\.macsecSecretArn missing: required with macsec/);
    });

    it("rejects a truststore that is not an S3 URI of a PEM file, and daily fraud limits below the single limit", () => {
      expect(configError("dev", false, (c) => {
        c["banking:partnerApi"] = { domainName: "partners.bank.example.com", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/4f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8", truststoreUri: "https://example.com/ca.pem", partners: ["acme"] };
      })).to.match(/banking:partnerApi\.truststoreUri = "https:\/\/example.com\/ca.pem": must be the S3 URI of a PEM truststore/);
      expect(configError("dev", false, (c) => {
        c["banking:fraudLimits"] = { maxSingleCents: 500, maxDailyCents: 100 };
      })).to.match(/banking:fraudLimits\.maxDailyCents = 100: must be at least fraudLimits\.maxSingleCents \(500\)/);
    });
  });
});
