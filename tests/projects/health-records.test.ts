/**
 * The health-records project (workload 4), planned offline for dev and prod with the real policy
 * pack (prod with the adopter example values of tools/plan/adopter-examples.yaml and the project's
 * pack overlay): each of the seed's 17 services present in prod doing its job, what dev does
 * differently (HSMs, the custom key store), HIPAA and PHI tags, prod protection, the key-custody
 * stages before the patient data, the workflow as deployed, and the config rules.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { isWildcardAction } from "../../components/security/policy-document";
import { ConfigError, parseStackConfig, RawConfig } from "../../shared/config";
import { RequiredTagKeys } from "../../shared/tags";
import { healthRecordsDefinition } from "../../projects/health-records/config";
import { integrationWorkflowDefinition } from "../../projects/health-records/integration-workflow";
import { adopterExamples, planWithAdopterExamples, stackRawConfig } from "../helpers/adopter-plan";
import { ofType, PlanJson, projectPlans, repoRoot, runPlan } from "../helpers/plan";

type Resource = PlanJson["resources"][number];
type Stack = "dev" | "prod";
const ACCOUNT = "123456789012";
const PROJECT_DIR = "projects/health-records";
const taggable = new Set<string>(JSON.parse(fs.readFileSync(path.join(repoRoot, "policy-packs/aws-compliance/taggable-types.json"), "utf8")).types);
const statements = (doc: string): any[] => JSON.parse(doc).Statement;
const tagsOf = (r: Resource): Record<string, string> | undefined => (Array.isArray(r.inputs.tags) ? Object.fromEntries(r.inputs.tags.map((t: any) => [t.key, t.value])) : r.inputs.tags);

/** The stack file's config (plus the adopter examples) as the Pulumi CLI hands it to a program. */
const rawConfig = (stack: Stack, withExamples: boolean, edit?: (c: Record<string, unknown>) => void): RawConfig => stackRawConfig(PROJECT_DIR, "health-records", stack, withExamples, edit);
const configError = (stack: Stack, withExamples: boolean, edit?: (c: Record<string, unknown>) => void, secretKeys: string[] = []): string => {
  const r = parseStackConfig(healthRecordsDefinition, { project: "health-records", stack, organization: "organization", raw: rawConfig(stack, withExamples, edit), secretKeys });
  if (r.problems.length === 0) throw new Error("expected config problems");
  return new ConfigError(`health-records/${stack}`, r.problems).message;
};

describe("health-records project (workload 4)", function () {
  this.timeout(300_000);
  const { runs, plans, all, one } = projectPlans<Stack>({ dev: () => runPlan(PROJECT_DIR, "dev"), prod: () => planWithAdopterExamples(PROJECT_DIR, "prod") });
  const byUrn = (stack: Stack, urn: string) => plans[stack].resources.find((r) => r.urn === urn)!;
  const depOf = (stack: Stack, r: Resource, prop: string, type: string) => (r.propertyDependencies[prop] ?? []).map((u) => byUrn(stack, u)).filter((d) => d?.type === type);

  for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} stack: plan, policies, HIPAA and PHI tags, protection`, () => {
      it("plans with exit code 0 and zero mandatory violations", () => {
        expect(runs[stack].exitCode, runs[stack].stdout + runs[stack].stderr).to.equal(0);
        expect(plans[stack].status).to.equal("ok");
        expect(plans[stack].project).to.equal("health-records");
        expect(plans[stack].violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
        expect(plans[stack].notes.join("\n")).to.not.match(/no offline answer/);
      });

      it("tags every taggable resource with the required tags, HIPAA in scope, data restricted; every store of patient data also as PHI", () => {
        const tagged = plans[stack].resources.filter((r) => r.custom && taggable.has(r.type));
        expect(tagged.length).to.be.greaterThan(100);
        for (const r of tagged) {
          const tags = tagsOf(r);
          for (const k of RequiredTagKeys) expect(tags?.[k], `${r.type} ${r.name}: tag ${k}`).to.be.a("string").and.not.equal("");
          expect(tags, `${r.type} ${r.name}`).to.deep.include({ project: "health-records", environment: stack, owner: "team-health-records", "data-classification": "restricted", compliance: "fsbp hipaa" });
        }
        const phiStores = [
          ...all(stack, "aws:s3/bucket:Bucket").filter((b) => ["scanned-records", "readings-lake", "query-results", "glue-workspace"].includes(b.name)),
          ...all(stack, "aws:dynamodb/table:Table"),
          one(stack, "aws:rds/cluster:Cluster"),
          one(stack, "aws:sqs/queue:Queue", "readings-dead-letter"),
          one(stack, "aws:sns/topic:Topic", "vital-alerts"),
          one(stack, "aws:sfn/stateMachine:StateMachine"),
          ...all(stack, "aws:lambda/function:Function"),
        ];
        expect(phiStores.length).to.be.greaterThan(12);
        for (const r of phiStores) expect(tagsOf(r)?.["data-category"], `${r.type} ${r.name}`).to.equal("phi");
      });

      it(stack === "prod" ? "prod: every stateful resource is protected and retained on delete" : "dev: nothing is protected", () => {
        const statefulTypes = ["aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:dynamodb/table:Table", "aws:rds/cluster:Cluster", "aws:efs/fileSystem:FileSystem", "aws:cognito/userPool:UserPool", "aws:backup/vault:Vault", "aws:cloudhsmv2/cluster:Cluster", "aws:cloudhsmv2/hsm:Hsm", "aws:kms/customKeyStore:CustomKeyStore"];
        const stateful = plans[stack].resources.filter((r) => statefulTypes.includes(r.type));
        expect(stateful.length).to.be.greaterThan(stack === "prod" ? 18 : 12);
        for (const r of stateful) {
          expect(r.protect, `${r.type} ${r.name} protect`).to.equal(stack === "prod");
          expect(r.retainOnDelete, `${r.type} ${r.name} retainOnDelete`).to.equal(stack === "prod");
        }
      });

      it("no IAM or IoT policy allows a wildcard action", () => {
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
        expect(checked).to.be.greaterThan(50);
      });
    });
  }

  describe("the seed's 17 services in prod, each doing its job", () => {
    const stack = "prod";
    const examples = () => adopterExamples("health-records", "prod");

    it("EC2: EHR app servers in private subnets behind an internal load balancer (HTTPS), running the release their parameter names, reachable from the VPC and the other hospitals", () => {
      const alb = one(stack, "aws:lb/loadBalancer:LoadBalancer");
      expect(alb.inputs.internal).to.equal(true);
      expect(one(stack, "aws:lb/listener:Listener", "app-https").inputs).to.include({ protocol: "HTTPS", certificateArn: examples()["health-records:appCertificateArn"] as string });
      const ingress = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("app-alb")).map((r) => r.inputs.cidrIpv4);
      expect(ingress).to.include.members(["10.50.0.0/16", "172.30.0.0/16"]).and.not.include("0.0.0.0/0");
      const userData = Buffer.from(one(stack, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData, "base64").toString("utf8");
      expect(userData).to.contain("/health-records/prod/app/release").and.contain("/opt/ehr-app");
      // The app finds its database, records bucket and tables under its config path.
      const config = all(stack, "aws:ssm/parameter:Parameter").map((p) => p.inputs.name).filter((n: string) => n.startsWith("/health-records/prod/app/config/"));
      expect(config).to.have.members(["records-bucket", "db-endpoint", "db-port", "db-name", "readings-table", "care-team-table"].map((n) => `/health-records/prod/app/config/${n}`));
    });

    it("Lambda: real-time IoT device data (ingest, invoked by the topic rule only), the workflow's steps and the telemedicine API, all in the VPC", () => {
      const fns = all(stack, "aws:lambda/function:Function");
      expect(fns.map((f) => f.name)).to.have.members(["ingest-reading", "fhir-normalise", "store-observations", "patient-observations"]);
      for (const f of fns) expect(f.inputs.vpcConfig?.subnetIds, f.name).to.be.an("array").with.length(3);
      const perm = all(stack, "aws:lambda/permission:Permission").find((p) => p.inputs.principal === "iot.amazonaws.com")!;
      expect(depOf(stack, perm, "sourceArn", "aws:iot/topicRule:TopicRule")).to.have.length(1);
      expect(depOf(stack, perm, "function", "aws:lambda/function:Function").map((f) => f.name)).to.deep.equal(["ingest-reading"]);
      expect(perm.inputs.sourceAccount).to.equal(ACCOUNT);
    });

    it("IoT Core: a thing and a certificate from its CSR per device, one policy pinning each to its own client id and topics, a 2016-03-23 rule with an error action to the dead letter", () => {
      const devices = (examples()["health-records:devices"] as { name: string; csr: string }[]);
      expect(all(stack, "aws:iot/thing:Thing").map((t) => t.inputs.name)).to.have.members(devices.map((d) => d.name));
      const certs = all(stack, "aws:iot/certificate:Certificate");
      expect(certs.map((c) => c.inputs.csr)).to.have.members(devices.map((d) => d.csr));
      for (const c of certs) expect(c.inputs.active).to.equal(true);
      expect(all(stack, "aws:iot/thingPrincipalAttachment:ThingPrincipalAttachment")).to.have.length(devices.length);
      expect(all(stack, "aws:iot/policyAttachment:PolicyAttachment")).to.have.length(devices.length);
      expect(plans[stack].outputs.generatedDeviceCredentials).to.satisfy((v: unknown) => JSON.stringify(v) === "{}" || JSON.stringify(v).includes("{}"));
      const doc = statements(one(stack, "aws:iot/policy:Policy").inputs.policy);
      expect(doc.map((s) => [s.Action, s.Resource])).to.deep.equal([
        [["iot:Connect"], `arn:aws:iot:us-east-1:${ACCOUNT}:client/\${iot:Connection.Thing.ThingName}`],
        [["iot:Publish"], `arn:aws:iot:us-east-1:${ACCOUNT}:topic/hospital/prod/devices/\${iot:Connection.Thing.ThingName}/readings`],
        [["iot:Subscribe"], `arn:aws:iot:us-east-1:${ACCOUNT}:topicfilter/hospital/prod/devices/\${iot:Connection.Thing.ThingName}/commands`],
        [["iot:Receive"], `arn:aws:iot:us-east-1:${ACCOUNT}:topic/hospital/prod/devices/\${iot:Connection.Thing.ThingName}/commands`],
      ]);
      expect(doc[0].Condition).to.deep.equal({ Bool: { "iot:Connection.Thing.IsAttached": "true" } });
      const rule = one(stack, "aws:iot/topicRule:TopicRule");
      expect(rule.inputs).to.deep.include({ sqlVersion: "2016-03-23", enabled: true, sql: "SELECT *, clientid() AS clientId, topic() AS topic, timestamp() AS receivedAt FROM 'hospital/prod/devices/+/readings'" });
      expect(depOf(stack, rule, "lambdas", "aws:lambda/function:Function").map((f) => f.name)).to.deep.equal(["ingest-reading"]);
      expect(depOf(stack, rule, "errorAction", "aws:sqs/queue:Queue").map((q) => q.name)).to.deep.equal(["readings-dead-letter"]);
    });

    it("S3: scanned records with their own key, object lock in compliance mode for the configured days, access logs; written and read by the app servers only under scans/ and index/", () => {
      const bucket = all(stack, "aws:s3/bucket:Bucket").find((b) => b.name === "scanned-records")!;
      expect(bucket.inputs.objectLockEnabled).to.equal(true);
      const lock = all(stack, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").find((l) => l.name.startsWith("scanned-records"))!;
      expect(lock.inputs.rule.defaultRetention).to.deep.equal({ mode: "COMPLIANCE", days: 3650 });
      const sse = all(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((s) => s.name.startsWith("scanned-records"))!;
      const key = depOf(stack, sse, "rules", "aws:kms/key:Key");
      expect(key.map((k) => k.name)).to.deep.equal(["records"]);
      expect(all(stack, "aws:s3/bucketLogging:BucketLogging").some((l) => l.name.startsWith("scanned-records"))).to.equal(true);
      const writes = all(stack, "aws:iam/rolePolicy:RolePolicy").filter((p) => /^app-instance.*scanned-records-write/.test(p.name) || /scanned-records-write/.test(p.name));
      const resources = writes.flatMap((w) => statements(w.inputs.policy).filter((s) => s.Sid === "WriteObjects").map((s) => s.Resource));
      expect(resources.some((r: string) => r.endsWith("/scans/*"))).to.equal(true);
      expect(resources.some((r: string) => r.endsWith("/index/*"))).to.equal(true);
    });

    it("EFS: the file system the app servers share, mounted through one access point", () => {
      const fsys = one(stack, "aws:efs/fileSystem:FileSystem");
      expect(fsys.inputs.encrypted).to.equal(true);
      expect(one(stack, "aws:efs/accessPoint:AccessPoint").inputs.rootDirectory.path).to.equal("/ehr/shared");
      expect(all(stack, "aws:efs/mountTarget:MountTarget")).to.have.length(3);
    });

    it("VPC: isolated networks for patient data (the database and the HSMs in isolated subnets), flow logs", () => {
      expect(one(stack, "awsx:ec2:Vpc").inputs.cidrBlock).to.equal("10.50.0.0/16");
      expect(all(stack, "aws:ec2/flowLog:FlowLog").length).to.be.greaterThan(0);
      // Both take the VPC's isolated subnets (awsx outputs), one per AZ, and not the private ones the servers use.
      const isolated = one(stack, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds as string[];
      expect(isolated).to.have.length(3);
      expect(one(stack, "aws:cloudhsmv2/cluster:Cluster").inputs.subnetIds).to.deep.equal(isolated);
      expect(one(stack, "aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers).to.have.length(3).and.not.include.members(isolated);
    });

    it("Direct Connect: transit VIFs at two locations to the other hospitals, an IPsec VPN over each with tunnel logs", () => {
      expect(all(stack, "aws:directconnect/transitVirtualInterface:TransitVirtualInterface").map((v) => v.inputs.connectionId)).to.deep.equal(["dxcon-fhosp001", "dxcon-fhosp002"]);
      const vpns = all(stack, "aws:ec2/vpnConnection:VpnConnection");
      expect(vpns).to.have.length(2);
      for (const v of vpns) expect(v.inputs.tunnel1LogOptions.cloudwatchLogOptions.logEnabled).to.equal(true);
      expect(plans[stack].outputs.directConnectEncryption).to.equal("ipsec");
    });

    it("RDS: Aurora PostgreSQL medical records, a reader in another AZ, 35 days of backups, reached only by the app servers (IAM authentication)", () => {
      const cluster = one(stack, "aws:rds/cluster:Cluster");
      expect(cluster.inputs).to.deep.include({ engine: "aurora-postgresql", storageEncrypted: true, backupRetentionPeriod: 35, iamDatabaseAuthenticationEnabled: true, deletionProtection: true, port: 5433 });
      expect(all(stack, "aws:rds/clusterInstance:ClusterInstance")).to.have.length(2);
      const ingress = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("medical-records"));
      expect(ingress.map((r) => r.inputs.fromPort)).to.deep.equal([5433]);
      const connect = all(stack, "aws:iam/rolePolicy:RolePolicy").flatMap((p) => statements(p.inputs.policy)).filter((s) => [s.Action].flat().includes("rds-db:connect"));
      expect(connect.map((s) => s.Resource)).to.satisfy((r: string[]) => r.length === 1 && r[0]!.endsWith(":dbuser:" + r[0]!.split(":dbuser:")[1]) && r[0]!.endsWith("/ehr_app"));
    });

    it("DynamoDB: IoT device data (raw readings, TTL, point-in-time recovery, the patient-data key) and the care teams", () => {
      const readings = one(stack, "aws:dynamodb/table:Table", "device-readings");
      expect(readings.inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
      expect(readings.inputs.pointInTimeRecovery.enabled).to.equal(true);
      expect(depOf(stack, readings, "serverSideEncryption", "aws:kms/key:Key").map((k) => k.name)).to.deep.equal(["patient-data"]);
      const careTeam = one(stack, "aws:dynamodb/table:Table", "care-team");
      expect(careTeam.inputs.hashKey).to.equal("clinicianId");
      expect(careTeam.inputs.rangeKey).to.equal("patientId");
    });

    it("WAF and Shield: the web ACL on the telemedicine API, the clinicians' sign-in and the load balancer; Shield Advanced on the load balancer", () => {
      const acl = one(stack, "aws:wafv2/webAcl:WebAcl");
      const associations = all(stack, "aws:wafv2/webAclAssociation:WebAclAssociation");
      expect(associations.map((a) => a.name)).to.include.members(["clinicians-waf"]);
      for (const a of associations) expect(a.propertyDependencies.webAclArn).to.include(acl.urn);
      const targets = associations.flatMap((a) => (a.propertyDependencies.resourceArn ?? []).map((u) => byUrn(stack, u).type));
      expect(targets).to.include.members(["aws:cognito/userPool:UserPool", "aws:lb/loadBalancer:LoadBalancer", "aws:apigateway/stage:Stage"]);
      expect(depOf(stack, one(stack, "aws:shield/protection:Protection"), "resourceArn", "aws:lb/loadBalancer:LoadBalancer")).to.have.length(1);
    });

    it("IAM: health professionals reach data through MFA-only roles, each with what it needs", () => {
      for (const name of ["clinical-analysts", "integration-operators"]) {
        const trust = statements(one(stack, "aws:iam/role:Role", name).inputs.assumeRolePolicy);
        expect(trust[0].Condition.Bool).to.deep.equal({ "aws:MultiFactorAuthPresent": "true" });
      }
      const ops = statements(one(stack, "aws:iam/rolePolicy:RolePolicy", "integration-operators").inputs.policy);
      expect(ops.map((s) => s.Sid)).to.deep.equal(["ReadExecutions", "DrainDeadLetters", "ReadDeadLetters", "RunEtl"]);
      // The hospital key only through SQS: never a bare decrypt of whatever it protects.
      expect(ops.find((s) => s.Sid === "ReadDeadLetters").Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "sqs.us-east-1.amazonaws.com" } });
      const start = all(stack, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("integration-operators-integration-start"))!;
      expect(statements(start.inputs.policy).map((s) => s.Sid)).to.deep.equal(["StartExecution", "ReadExecution", "UseWorkflowKey"]);
    });

    it("KMS and CloudHSM: two HSMs in two AZs, a custom key store on the cluster, the patient-data key in it (no automatic rotation), the other keys rotating", () => {
      const hsms = all(stack, "aws:cloudhsmv2/hsm:Hsm");
      expect(hsms).to.have.length(2);
      expect(new Set(hsms.map((h) => h.inputs.subnetId)).size).to.equal(2);
      expect(one(stack, "aws:cloudhsmv2/cluster:Cluster").inputs).to.deep.include({ hsmType: "hsm2m.medium", mode: "FIPS" });
      const store = one(stack, "aws:kms/customKeyStore:CustomKeyStore");
      expect(store.inputs.trustAnchorCertificate).to.equal((examples()["health-records:hsm"] as any).keyStore.trustAnchorCertificate);
      const patient = one(stack, "aws:kms/key:Key", "patient-data");
      expect(patient.propertyDependencies.customKeyStoreId).to.deep.equal([store.urn]);
      expect(patient.inputs.enableKeyRotation).to.equal(undefined);
      for (const k of all(stack, "aws:kms/key:Key").filter((k) => k.name !== "patient-data")) expect(k.inputs.enableKeyRotation, k.name).to.equal(true);
      // Clients reach the HSMs on 2223-2225 only from their own group.
      const ingress = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find((r) => r.name === "key-custody-hsms-from-clients")!;
      expect(ingress.inputs).to.deep.include({ fromPort: 2223, toPort: 2225 });
      expect(plans[stack].outputs.keyCustody).to.match(/^complete/);
    });

    it("QuickSight: public-health and hospital-performance dashboards over Athena, their own role, refreshed daily", () => {
      const sources = all(stack, "aws:quicksight/dataSource:DataSource");
      expect(sources.map((s) => s.inputs.type)).to.deep.equal(["ATHENA", "ATHENA"]);
      expect(all(stack, "aws:quicksight/refreshSchedule:RefreshSchedule").map((r) => r.inputs.schedule.scheduleFrequency.interval)).to.deep.equal(["DAILY", "DAILY"]);
      const publicHealth = all(stack, "aws:quicksight/dataSet:DataSet").find((d) => d.name.startsWith("public-health"))!;
      expect(JSON.stringify(publicHealth.inputs.physicalTableMap)).to.not.match(/patient_id|device_id/);
      // Its role reads the lake's FHIR and curated prefixes and the records index, never the scans.
      const reads = all(stack, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("quicksight-athena-") && p.name.includes("read"));
      const objects = reads.flatMap((p) => statements(p.inputs.policy).filter((s) => s.Sid === "ReadObjects").map((s) => s.Resource as string));
      expect(objects.some((o) => o.endsWith("/index/*"))).to.equal(true);
      expect(objects.some((o) => o.endsWith("/scans/*") || /scanned-records[^/]*\/\*$/.test(o))).to.equal(false);
    });

    it("Glue: the database, crawlers over the FHIR lake and the records index, the FHIR ETL job (script uploaded, bookmarks, security configuration)", () => {
      expect(all(stack, "aws:glue/crawler:Crawler").map((c) => c.inputs.s3Targets[0].path.replace(/^s3:\/\/[^/]+\//, ""))).to.have.members(["fhir/observation/", "index/"]);
      const job = one(stack, "aws:glue/job:Job");
      expect(job.inputs.defaultArguments).to.include({ "--job-bookmark-option": "job-bookmark-enable" });
      expect(job.inputs.securityConfiguration).to.be.a("string").and.not.equal("");
      const script = one(stack, "aws:s3/bucketObjectv2:BucketObjectv2");
      expect(script.inputs.key).to.match(/observations-to-curated\.py$/);
      expect(one(stack, "aws:athena/workgroup:Workgroup").inputs.configuration.enforceWorkgroupConfiguration).to.equal(true);
    });

    it("API Gateway: GET /patients/{patientId}/observations for Cognito-authenticated clinicians (MFA on, admin-created accounts), behind the web ACL", () => {
      const method = one(stack, "aws:apigateway/method:Method");
      expect(method.inputs).to.deep.include({ httpMethod: "GET", authorization: "COGNITO_USER_POOLS" });
      expect(all(stack, "aws:apigateway/resource:Resource").map((r) => r.inputs.pathPart)).to.include.members(["patients", "{patientId}", "observations"]);
      const pool = one(stack, "aws:cognito/userPool:UserPool");
      expect(pool.inputs).to.deep.include({ mfaConfiguration: "ON", userPoolTier: "PLUS", deletionProtection: "ACTIVE" });
      expect(pool.inputs.adminCreateUserConfig.allowAdminCreateUserOnly).to.equal(true);
    });

    it("Step Functions: the integration workflow as deployed is the tested definition, wired to this stack's functions, topic, table, job and queue", () => {
      const sm = one(stack, "aws:sfn/stateMachine:StateMachine");
      expect(sm.inputs.type ?? "STANDARD").to.equal("STANDARD");
      const deployed = JSON.parse(sm.inputs.definition);
      const fn = (name: string) => all(stack, "aws:lambda/function:Function").find((f) => f.name === name)!;
      expect(deployed.States.Normalise.Resource).to.match(/:function:/);
      const expected = integrationWorkflowDefinition({
        normalise: deployed.States.Normalise.Resource,
        store: deployed.States.StoreObservations.Resource,
        alertTopicArn: deployed.States.AlertClinicians.Parameters.TopicArn,
        readingsTable: deployed.States.EtlDue.Parameters.TableName,
        etlJobName: deployed.States.StartEtl.Parameters.JobName,
        deadLetterQueueUrl: deployed.States.DeadLetter.Parameters.QueueUrl,
      });
      expect(deployed).to.deep.equal(expected);
      expect(deployed.States.Normalise.Resource).to.contain(fn("fhir-normalise").inputs.name ?? "fhir-normalise");
      expect(deployed.States.EtlDue.Parameters.TableName).to.contain("device-readings");
      // Its role may update only the pipeline item of the readings table.
      const role = all(stack, "aws:iam/rolePolicy:RolePolicy").flatMap((p) => statements(p.inputs.policy)).find((s) => s.Sid === "RecordEtlWindow")!;
      expect(role.Condition).to.deep.equal({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["#pipeline"] } });
    });

    it("Audit: a data-event trail on every PHI object and item, validated, encrypted, to CloudWatch Logs; its logs locked for six years", () => {
      const trail = one(stack, "aws:cloudtrail/trail:Trail");
      expect(trail.inputs).to.deep.include({ enableLogFileValidation: true, isMultiRegionTrail: false });
      const selectors = trail.inputs.advancedEventSelectors as { fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[] }[];
      const s3 = selectors[0]!.fieldSelectors.find((f) => f.field === "resources.ARN")!.startsWiths!;
      expect(s3.some((a) => /scanned-records/.test(a) || a.startsWith("arn:aws:s3:::"))).to.equal(true);
      expect(trail.propertyDependencies.advancedEventSelectors).to.include.members([
        all(stack, "aws:s3/bucket:Bucket").find((b) => b.name === "scanned-records")!.urn,
        all(stack, "aws:s3/bucket:Bucket").find((b) => b.name === "readings-lake")!.urn,
        one(stack, "aws:dynamodb/table:Table", "device-readings").urn,
        one(stack, "aws:dynamodb/table:Table", "care-team").urn,
      ]);
      expect(trail.inputs.cloudWatchLogsGroupArn).to.match(/:log-group:\/aws\/cloudtrail\/health-records-prod-phi-access:\*$/);
      const lock = all(stack, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").find((l) => l.name.startsWith("phi-access-logs"))!;
      expect(lock.inputs.rule.defaultRetention).to.deep.equal({ mode: "COMPLIANCE", days: 2190 });
    });

    it("Alarms: functions, dead letters, API, database, tables, load balancer, rejected readings, failed integrations and ETL failures page the platform's topic", () => {
      const alarms = all(stack, "aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms.length).to.be.greaterThan(15);
      for (const a of alarms) expect(a.inputs.alarmActions[0], a.name).to.match(new RegExp(`^arn:aws:sns:us-east-1:${ACCOUNT}:alarms-`));
      expect(alarms.map((a) => a.name)).to.include.members(["rejected-readings", "integration-failed", "etl-failed"]);
      const dlq = alarms.find((a) => a.inputs.dimensions?.QueueName !== undefined && a.name.includes("readings-dead-letter"))!;
      expect(dlq.inputs.threshold).to.equal(0);
    });
  });

  describe("what dev does differently", () => {
    it("no HSMs and no custom key store: the patient-data key is a rotating KMS key; no Direct Connect; no object lock; one simulated device with an AWS-generated key", () => {
      expect(all("dev", "aws:cloudhsmv2/cluster:Cluster")).to.deep.equal([]);
      expect(all("dev", "aws:kms/customKeyStore:CustomKeyStore")).to.deep.equal([]);
      const patient = one("dev", "aws:kms/key:Key", "patient-data");
      expect(patient.inputs.enableKeyRotation).to.equal(true);
      expect(patient.inputs.customKeyStoreId).to.equal(undefined);
      expect(all("dev", "aws:directconnect/gateway:Gateway")).to.deep.equal([]);
      expect(all("dev", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).to.deep.equal([]);
      const certs = all("dev", "aws:iot/certificate:Certificate");
      expect(certs).to.have.length(1);
      expect(certs[0]!.inputs.csr).to.equal(undefined);
      expect(plans.dev.outputs.keyCustody).to.match(/^not used/);
    });

    it("a single writer that pauses, smaller functions, a slower API, 90 days of audit logs", () => {
      expect(all("dev", "aws:rds/clusterInstance:ClusterInstance")).to.have.length(1);
      for (const f of all("dev", "aws:lambda/function:Function")) expect(f.inputs.memorySize).to.equal(256);
      for (const f of all("prod", "aws:lambda/function:Function")) expect(f.inputs.memorySize).to.equal(512);
      const throttle = (s: Stack) => one(s, "aws:apigateway/methodSettings:MethodSettings").inputs.settings.throttlingRateLimit;
      expect([throttle("dev"), throttle("prod")]).to.deep.equal([10, 200]);
    });
  });

  describe("key custody comes before patient data", () => {
    it("prod before the cluster is initialised: only the network and the cluster, and the output names the manual step", () => {
      // Set, not deleted: the plan would fill a missing key from the adopter examples again.
      const run = planWithAdopterExamples(PROJECT_DIR, "prod", (c) => {
        c["health-records:hsm"] = { hsmCount: 2 };
      });
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      const plan = run.json!;
      expect(ofType(plan, "aws:cloudhsmv2/hsm:Hsm")).to.have.length(2);
      for (const t of ["aws:kms/key:Key", "aws:dynamodb/table:Table", "aws:s3/bucket:Bucket", "aws:rds/cluster:Cluster", "aws:lambda/function:Function", "aws:kms/customKeyStore:CustomKeyStore"]) expect(ofType(plan, t), t).to.deep.equal([]);
      expect(plan.outputs.keyCustody).to.match(/^due: initialise CloudHSM cluster .+README "Key custody".+health-records:hsm\.keyStore\.trustAnchorCertificate/);
    });

    it("prod with the store created but not yet connected: the store, no patient data yet, the connect command", () => {
      const run = planWithAdopterExamples(PROJECT_DIR, "prod", (c) => {
        (c["health-records:hsm"] as any).keyStore.connected = false;
      });
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      const plan = run.json!;
      expect(ofType(plan, "aws:kms/customKeyStore:CustomKeyStore")).to.have.length(1);
      expect(ofType(plan, "aws:kms/key:Key")).to.deep.equal([]);
      expect(plan.outputs.keyCustody).to.match(/^due: connect the custom key store \(aws kms connect-custom-key-store --custom-key-store-id \S+; wait for CONNECTED\)/);
    });
  });

  describe("config rules, each naming the key, the value and what is allowed", () => {
    it("prod requires the Direct Connect link, the load balancer's certificate and the records' retention, with the commands to set them", () => {
      const message = configError("prod", false);
      expect(message).to.match(/directConnect.*required in prod: the Direct Connect link to other hospitals/);
      expect(message).to.match(/appCertificateArn.*required in prod/);
      expect(message).to.contain("`pulumi config set --path health-records:appCertificateArn");
    });

    it("a prod device without a CSR: its private key would sit in state", () => {
      const message = configError("prod", true, (c) => {
        c["health-records:devices"] = [{ name: "monitor-x" }];
      });
      expect(message).to.match(/devices\[0\]\.csr.*required in prod: the certificate signing request of device monitor-x/);
    });

    it("one HSM, a key store without HSMs or without kmsuser's password, repeated device names, a malformed CSR", () => {
      expect(configError("dev", false, (c) => (c["health-records:hsm"] = { hsmCount: 1 }))).to.match(/hsm\.hsmCount.*1.*0 \(no cluster\) or 2 to 28/);
      const ca = (adopterExamples("health-records", "prod")["health-records:hsm"] as any).keyStore.trustAnchorCertificate;
      const noHsms = configError("dev", false, (c) => (c["health-records:hsm"] = { keyStore: { trustAnchorCertificate: ca } }));
      expect(noHsms).to.match(/hsm\.keyStore.*needs hsm\.hsmCount of 2 or more \(it is 0\)/);
      expect(noHsms).to.match(/hsmKmsUserPassword.*required with hsm\.keyStore.*--secret/);
      expect(configError("dev", false, (c) => (c["health-records:devices"] = [{ name: "a" }, { name: "a" }]))).to.match(/devices.*must be unique \(a\)/);
      expect(configError("dev", false, (c) => (c["health-records:devices"] = [{ name: "a", csr: "not a csr" }]))).to.match(/devices\.0\.csr|devices\[0\]\.csr/);
    });

    it("a secret password that breaks the rules is named without its value", () => {
      const ca = (adopterExamples("health-records", "prod")["health-records:hsm"] as any).keyStore.trustAnchorCertificate;
      const message = configError("dev", false, (c) => {
        c["health-records:hsm"] = { hsmCount: 2, keyStore: { trustAnchorCertificate: ca } };
        c["health-records:hsmKmsUserPassword"] = "short";
      }, ["health-records:hsmKmsUserPassword"]);
      expect(message).to.contain("hsmKmsUserPassword").and.contain("[secret]").and.not.contain("short");
    });
  });
});
