/**
 * The e-commerce project (workload 1), planned offline for dev and prod with the real policy pack:
 * each of the seed's 13 services present in prod doing its job, what dev does differently and why,
 * tags, prod protection, and the config rules.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { isWildcardAction } from "../../components/security/policy-document";
import { ConfigError, parseStackConfig, RawConfig } from "../../shared/config";
import { RequiredTagKeys } from "../../shared/tags";
import { ecommerceDefinition } from "../../projects/ecommerce/config";
import { schemaVersion } from "../../projects/ecommerce/functions/db-migrate/migrate";
import { ofType, PlanJson, repoRoot, runPlan } from "../helpers/plan";

type Resource = PlanJson["resources"][number];
type Stack = "dev" | "prod";
const ACCOUNT = "123456789012";
const PROJECT_DIR = "projects/ecommerce";
const taggable = new Set<string>(JSON.parse(fs.readFileSync(path.join(repoRoot, "policy-packs/aws-compliance/taggable-types.json"), "utf8")).types);

/**
 * Advisories both stacks keep, each for a reason (none is mandatory in prod's pack config):
 * - autoscaling-group-notifications: Auto Scaling's SNS notifications publish as its service-linked
 *   role, which cannot use the platform topic's customer managed key; an EventBridge rule delivers
 *   the same failure events to that topic instead.
 * - cloudfront-origin-failover: one S3 origin; a failover origin needs a replicated bucket in a
 *   second region, which this workload does not have.
 * - efs-mount-target-private-subnet: undecidable at preview (advisory). The mount targets take their
 *   subnets from the awsx VPC's `privateSubnetIds` output, which depends on the VPC component, not
 *   on one of the subnets awsx creates under it (public, private and isolated alike), so no single
 *   subnet can be named; a real preview says the same.
 * (The ECR and Incident Manager endpoint rules do not apply: the workload uses neither. EC2.10 is
 * medium, so mandatory in prod: the VPC has an EC2 API endpoint.)
 */
const structural = [
  "autoscaling-group-notifications",
  "cloudfront-origin-failover",
  "efs-mount-target-private-subnet",
];
/** Dev's own advisories: its profile (cost, easy teardown) and its lack of a certificate. */
const devByDesign = [
  // the dev profile: 30 days of logs, 7-day key deletion window, 7 days of backups, nothing deletion-protected, no Aurora reader
  "cloudwatch-log-group-retention",
  "kms-key-deletion-window",
  "backup-plan-min-retention",
  // (tables, the Aurora cluster and the user pool: one advisory each, DynamoDB.6 / RDS.7 / Cognito.6, outside prod)
  "stateful-resources-protected",
  "elb-deletion-protection",
  "rds-cluster-multi-az",
  // Cognito threat protection audits in dev (priced per active user; nothing to block in tests)
  "cognito-user-pool-threat-protection",
  // no web ACL of the API's own in dev (USD 10 a month of the USD 100 idle budget)
  "apigateway-stage-waf-association",
  // new accounts' Lambda concurrency quota (10) leaves nothing to reserve
  "lambda-reserved-concurrency",
  // no interface endpoints (cost: the NAT gateway carries Session Manager and CloudWatch Logs calls)
  "ec2-vpc-endpoint-ssm",
  "ec2-vpc-endpoint-ec2",
  // no domain, so no certificate: HTTP on the ALB and to the origin, the *.cloudfront.net certificate for viewers
  "elb-alb-http-to-https-redirect",
  "elb-listener-secure-protocol",
  "cloudfront-custom-certificate",
  "cloudfront-origin-https-only",
];

const statements = (doc: string): any[] => JSON.parse(doc).Statement;
const sid = (doc: string, id: string) => {
  const s = statements(doc).find((x) => x.Sid === id);
  if (!s) throw new Error(`no statement ${id} in ${doc}`);
  return s;
};

/** The stack file's own config. */
const stackFile = (stack: Stack) => (YAML.parse(fs.readFileSync(path.join(repoRoot, PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
/** The adopter keys' example values the offline plan overlays (convention 1: tools/plan/adopter-examples.yaml). */
const adopterExamples = (stack: Stack): Record<string, unknown> => {
  const all = (YAML.parse(fs.readFileSync(path.join(repoRoot, "tools/plan/adopter-examples.yaml"), "utf8")) ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  return { ...(all.ecommerce?.["*"] ?? {}), ...(all.ecommerce?.[stack] ?? {}) };
};

/** The stack's config as the Pulumi CLI hands it to a program (with the adopter examples, as the plan overlays them): strings, structured values as JSON. */
function rawConfig(stack: Stack, edit: (c: Record<string, unknown>) => void = () => {}, withExamples = true): RawConfig {
  const config = { ...(withExamples ? adopterExamples(stack) : {}), ...stackFile(stack) };
  edit(config);
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
const parse = (stack: Stack, edit?: (c: Record<string, unknown>) => void) =>
  parseStackConfig(ecommerceDefinition, { project: "ecommerce", stack, organization: "organization", raw: rawConfig(stack, edit) });

describe("ecommerce project (workload 1)", function () {
  this.timeout(180_000);
  const plans = {} as Record<Stack, PlanJson>;
  const runs = {} as Record<Stack, ReturnType<typeof runPlan>>;

  before(() => {
    for (const stack of ["dev", "prod"] as const) {
      runs[stack] = runPlan(PROJECT_DIR, stack);
      if (!runs[stack].json) throw new Error(`no plan for ${stack}:\n${runs[stack].stdout}\n${runs[stack].stderr}`);
      plans[stack] = runs[stack].json!;
    }
  });

  const all = (stack: Stack, type: string, name?: string): Resource[] => ofType(plans[stack], type).filter((r) => name === undefined || r.name === name);
  const one = (stack: Stack, type: string, name?: string): Resource => {
    const found = all(stack, type, name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` ${name}` : ""} in ${stack}, found ${found.length}`);
    return found[0]!;
  };
  const out = (stack: Stack) => plans[stack].outputs;
  const boundary = `arn:aws:iam::${ACCOUNT}:policy/platform/ecommerce-workload-boundary`;

  for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} stack: plan, policies, tags, protection`, () => {
      it("plans with exit code 0 and zero mandatory violations", () => {
        expect(runs[stack].exitCode, runs[stack].stdout + runs[stack].stderr).to.equal(0);
        expect(plans[stack].status).to.equal("ok");
        expect(plans[stack].project).to.equal("ecommerce");
        expect(plans[stack].violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
        expect(plans[stack].notes.join("\n")).to.not.match(/no offline answer/);
      });

      it(stack === "prod" ? "prod's advisories are only the structural ones (see `structural`)" : "dev's advisories are prod's plus those its profile and missing certificate decide", () => {
        const expected = stack === "prod" ? structural : [...structural, ...devByDesign];
        expect([...new Set(plans[stack].violations.map((v) => v.policy))].sort()).to.deep.equal([...expected].sort());
      });

      it("exempts only what AWS leaves no choice about, each with its reason", () => {
        const exemptions = plans[stack].exemptions.map((e) => `${e.policy} ${e.message}`);
        // The ALB log bucket needs none: the pack's CMK rule knows ELB delivers logs only with SSE-S3.
        // Shoppers choose MFA (the e-commerce overlay says why the control cannot apply to a customer pool).
        // One EC2.15 exemption per public subnet awsx creates (one per AZ of the profile).
        const publicSubnets = plans[stack].resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.mapPublicIpOnLaunch === true).map((r) => r.urn);
        expect(publicSubnets.length).to.be.greaterThan(0);
        expect(exemptions).to.have.length(1 + publicSubnets.length);
        expect(exemptions.find((e) => e.startsWith("cognito-user-pool-mfa"))).to.match(/pack config, permanent\): Shoppers' pool/);
        const subnetExemptions = plans[stack].exemptions.filter((e) => e.policy === "ec2-subnet-no-auto-public-ip");
        expect(subnetExemptions.map((e) => e.urn).sort()).to.deep.equal([...publicSubnets].sort());
        for (const e of subnetExemptions) expect(e.message).to.match(/pack config, permanent\): awsx creates its Public subnets with mapPublicIpOnLaunch/);
      });

      it("tags every taggable resource with the five required tags", () => {
        const tagged = plans[stack].resources.filter((r) => r.custom && taggable.has(r.type));
        expect(tagged.length).to.be.greaterThan(80);
        for (const r of tagged) {
          // Auto Scaling groups take a list of { key, value, propagateAtLaunch }.
          const tags = Array.isArray(r.inputs.tags) ? Object.fromEntries(r.inputs.tags.map((t: any) => [t.key, t.value])) : r.inputs.tags;
          for (const k of RequiredTagKeys) expect(tags?.[k], `${r.type} ${r.name}: tag ${k}`).to.be.a("string").and.not.equal("");
          expect(tags).to.deep.include({ project: "ecommerce", environment: stack, owner: "team-ecommerce", "data-classification": "confidential", compliance: "fsbp pci-dss" });
        }
      });

      const statefulTypes = [
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:dynamodb/table:Table",
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "aws:efs/fileSystem:FileSystem",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:backup/vault:Vault",
      ];
      it(
        stack === "prod"
          ? "prod: every stateful resource is protected and retained on delete, with provider-side deletion protection"
          : "dev: nothing is protected (a dev stack is torn down freely)",
        () => {
          const stateful = plans[stack].resources.filter((r) => statefulTypes.includes(r.type));
          expect(stateful.length).to.be.greaterThan(20);
          for (const r of stateful) {
            expect(r.protect, `${r.type} ${r.name} protect`).to.equal(stack === "prod");
            expect(r.retainOnDelete, `${r.type} ${r.name} retainOnDelete`).to.equal(stack === "prod");
          }
          const prod = stack === "prod";
          expect(one(stack, "aws:rds/cluster:Cluster").inputs).to.include({ deletionProtection: prod, skipFinalSnapshot: !prod });
          for (const t of all(stack, "aws:dynamodb/table:Table")) expect(t.inputs.deletionProtectionEnabled).to.equal(prod);
          expect(one(stack, "aws:lb/loadBalancer:LoadBalancer").inputs.enableDeletionProtection).to.equal(prod);
          expect(one(stack, "aws:backup/vault:Vault").inputs.forceDestroy).to.equal(!prod);
          for (const b of all(stack, "aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).to.equal(!prod);
        },
      );

      it("no IAM or resource policy allows a wildcard action", () => {
        const docs: [string, string][] = [];
        for (const r of plans[stack].resources) {
          for (const key of ["policy", "assumeRolePolicy"]) {
            if (typeof r.inputs[key] === "string" && r.inputs[key].startsWith("{")) docs.push([`${r.type} ${r.name}`, r.inputs[key]]);
          }
        }
        expect(docs.length).to.be.greaterThan(25);
        for (const [where, doc] of docs) {
          for (const s of statements(doc).filter((x) => x.Effect === "Allow")) {
            for (const a of [s.Action ?? []].flat()) expect(isWildcardAction(a), `${where} ${s.Sid}: ${a}`).to.equal(false);
            expect(s.NotAction, `${where} ${s.Sid}`).to.equal(undefined);
          }
        }
      });

      it("reads the platform by StackReference (organization/platform/<stack>) and uses its logs key, access-log bucket and alarm topic", () => {
        expect(one(stack, "pulumi:pulumi:StackReference").inputs.name).to.equal(`organization/platform/${stack}`);
        // Log groups use the platform's logs key (one key, none of the workload's own).
        const workloadKeys = [
          one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId,
          one(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "media-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
        ];
        const groupKeys = new Set(all(stack, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.kmsKeyId));
        expect(groupKeys.size).to.equal(1);
        expect([...groupKeys][0]).to.match(/^arn:aws:kms:us-east-1:123456789012:key\//).and.not.be.oneOf(workloadKeys);
        for (const l of all(stack, "aws:s3/bucketLogging:BucketLogging")) {
          expect(l.inputs.targetBucket).to.equal(`platform-${stack}-access-logs-${ACCOUNT}`);
          expect(l.inputs.targetPrefix).to.match(new RegExp(`^ecommerce/${stack}/[a-z-]+/$`));
        }
        for (const s of all(stack, "aws:rds/eventSubscription:EventSubscription")) expect(s.inputs.snsTopic).to.match(/^arn:aws:sns:us-east-1:123456789012:alarms-/);
      });
    });
  }

  describe("the seed's 13 services in prod, each doing its job", () => {
    const stack = "prod";

    it("VPC: isolated networks over 3 AZs with a NAT gateway per AZ, flow logs, gateway and Session Manager endpoints, a closed default SG", () => {
      const vpc = one(stack, "awsx:ec2:Vpc");
      expect(vpc.inputs).to.deep.include({ numberOfAvailabilityZones: 3, natGateways: { strategy: "OnePerAz" } });
      expect(vpc.inputs.subnetSpecs.map((s: any) => s.type)).to.deep.equal(["Public", "Private", "Isolated"]);
      expect(one(stack, "aws:ec2/flowLog:FlowLog").inputs).to.include({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
      const endpoints = all(stack, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => `${e.inputs.vpcEndpointType} ${e.inputs.serviceName}`);
      expect(endpoints).to.have.members([
        "Gateway com.amazonaws.us-east-1.s3",
        "Gateway com.amazonaws.us-east-1.dynamodb",
        ...["ssm", "ssmmessages", "ec2messages", "ec2", "logs"].map((s) => `Interface com.amazonaws.us-east-1.${s}`),
      ]);
      expect(one(stack, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs.ingress).to.equal(undefined);
    });

    it("KMS: customer managed keys that rotate, one per data class, usable through the services that need them", () => {
      const keys = all(stack, "aws:kms/key:Key");
      expect(keys.map((k) => k.name)).to.have.members(["data", "data-replica", "edge"]);
      for (const k of keys) expect(k.inputs).to.include({ enableKeyRotation: true, rotationPeriodInDays: 365, deletionWindowInDays: 30 });
      const via = (name: string) => sid(one(stack, "aws:kms/key:Key", name).inputs.policy, "AccountUsesKeyThroughServices").Condition.StringEquals["kms:ViaService"];
      expect(via("data")).to.deep.equal(["ec2", "rds", "dynamodb", "secretsmanager"].map((s) => `${s}.us-east-1.amazonaws.com`));
      // The replica's key lives in the replica's region and is used there.
      expect(one(stack, "aws:kms/key:Key", "data-replica").inputs.region).to.equal("eu-west-1");
      expect(via("data-replica")).to.deep.equal(["dynamodb.eu-west-1.amazonaws.com"]);
      // Only this distribution may decrypt media, and CloudFront's log delivery encrypt its logs.
      const edge = one(stack, "aws:kms/key:Key", "edge").inputs.policy;
      expect(sid(edge, "CloudFrontDecryptsObjects").Condition).to.deep.equal({ StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/${out(stack).storefrontDistributionId}` } });
      expect(sid(edge, "CloudFrontLogDeliveryEncrypts").Principal).to.deep.equal({ Service: "delivery.logs.amazonaws.com" });
    });

    it("S3: product images and promo videos, SSE-KMS, private, readable only by this distribution; ended promos archived to Glacier and Deep Archive", () => {
      const media = out(stack).mediaBucketName;
      const sse = one(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "media-encryption").inputs.rules[0];
      expect(sse.applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("aws:kms");
      expect(sse.bucketKeyEnabled).to.equal(true);
      expect(one(stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "media-public-access-block").inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      const read = sid(one(stack, "aws:s3/bucketPolicy:BucketPolicy", "media-policy").inputs.policy, "CloudFrontReadsObjects");
      expect(read).to.deep.include({ Principal: { Service: "cloudfront.amazonaws.com" }, Action: ["s3:GetObject"], Resource: `arn:aws:s3:::${media}/*` });
      expect(read.Condition.StringEquals["AWS:SourceArn"]).to.equal(`arn:aws:cloudfront::${ACCOUNT}:distribution/${out(stack).storefrontDistributionId}`);
      // No archive tier on the served bucket: objects in Glacier classes cannot be delivered.
      const mediaRules = one(stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "media-lifecycle").inputs.rules;
      expect(mediaRules.find((r: any) => r.id === "current-versions")).to.equal(undefined);
      const archive = one(stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "promo-archive-lifecycle").inputs.rules.find((r: any) => r.id === "current-versions");
      expect(archive.transitions).to.deep.equal([
        { days: 30, storageClass: "GLACIER" },
        { days: 180, storageClass: "DEEP_ARCHIVE" },
      ]);
      expect(archive.expiration).to.equal(undefined);
    });

    it("CloudFront: the storefront (/ and every page) from the fleet, media from S3 under /media/*, HTTPS-only with the WAF web ACL, OAC, TLS 1.2 to the ALB by its certificate's name, the viewer's address passed on, access logs", () => {
      const d = one(stack, "aws:cloudfront/distribution:Distribution").inputs;
      expect(d.webAclId).to.match(/^arn:aws:wafv2:us-east-1:123456789012:global\/webacl\/edge-firewall-/);
      expect(d.aliases).to.deep.equal(["shop.example.com", "www.shop.example.com"]);
      expect(d.viewerCertificate).to.deep.equal({ acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b8a5c1e-3f2d-4c6b-9a7e-1d2c3b4a5f60", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" });
      expect(d.priceClass).to.equal("PriceClass_All");
      const s3 = d.origins.find((o: any) => o.originId === "s3");
      const oac = one(stack, "aws:cloudfront/originAccessControl:OriginAccessControl");
      expect(oac.inputs).to.include({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
      expect(s3.originAccessControlId).to.be.a("string").and.not.equal("");
      expect(s3.domainName).to.equal(`${out(stack).mediaBucketName}.s3.us-east-1.amazonaws.com`);
      const app = d.origins.find((o: any) => o.originId === "app");
      expect(app.domainName).to.equal("origin.shop.example.com");
      expect(app.customOriginConfig).to.include({ originProtocolPolicy: "https-only" });
      expect(app.customOriginConfig.originSslProtocols).to.deep.equal(["TLSv1.2"]);
      // `/` and everything but media reach the application, uncached, every method; no default root object rewrites `/`.
      expect(d.defaultCacheBehavior).to.include({ targetOriginId: "app", cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" });
      expect(d.defaultCacheBehavior.allowedMethods).to.include.members(["GET", "POST"]);
      expect(d.defaultRootObject).to.equal(undefined);
      expect(d.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.targetOriginId])).to.deep.equal([["/media/*", "s3"]]);
      const mediaPolicy = one(stack, "aws:cloudfront/cachePolicy:CachePolicy").inputs;
      expect(mediaPolicy).to.include({ defaultTtl: 86_400, maxTtl: 31_536_000 });
      // The application behaviour runs the function that writes the real viewer address (the ALB's rate rule counts it).
      const fn = one(stack, "aws:cloudfront/function:Function");
      expect(fn.inputs.code).to.include('request.headers["x-viewer-address"] = { value: event.viewer.ip }');
      expect(d.defaultCacheBehavior.functionAssociations).to.deep.equal([{ eventType: "viewer-request", functionArn: `arn:aws:cloudfront::${ACCOUNT}:function/ecommerce-prod-storefront-viewer-address` }]);
      for (const b of [d.defaultCacheBehavior, ...d.orderedCacheBehaviors]) expect(b.viewerProtocolPolicy).to.equal("redirect-to-https");
      expect(one(stack, "aws:cloudwatch/logDelivery:LogDelivery").inputs.region).to.equal("us-east-1");
      // Alias records for the shop's names, and the origin name pointing at the ALB.
      const records = all(stack, "aws:route53/record:Record").map((r) => `${r.inputs.type} ${r.inputs.name}`);
      expect(records).to.have.members(["A shop.example.com", "AAAA shop.example.com", "A www.shop.example.com", "AAAA www.shop.example.com", "A origin.shop.example.com"]);
    });

    it("WAF: a CLOUDFRONT web ACL in us-east-1 in block mode with managed rules, bot control and a rate limit; REGIONAL ACLs on the ALB and the API stage; all logged", () => {
      const edge = one(stack, "aws:wafv2/webAcl:WebAcl", "edge-firewall").inputs;
      expect(edge).to.include({ scope: "CLOUDFRONT", region: "us-east-1" });
      expect(edge.defaultAction).to.deep.equal({ allow: {} });
      const rules = Object.fromEntries(edge.rules.map((r: any) => [r.name, r]));
      expect(Object.keys(rules)).to.include.members([
        "RateLimitPerClient",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesAnonymousIpList",
        "AWSManagedRulesBotControlRuleSet",
      ]);
      expect(rules.RateLimitPerClient.action).to.deep.equal({ block: {} });
      for (const r of edge.rules.filter((x: any) => x.statement.managedRuleGroupStatement)) expect(r.overrideAction, r.name).to.deep.equal({ none: {} });
      expect(one(stack, "aws:wafv2/webAcl:WebAcl", "origin-firewall").inputs.scope).to.equal("REGIONAL");
      const origin = one(stack, "aws:wafv2/webAcl:WebAcl", "origin-firewall").inputs.rules.find((r: any) => r.name === "RateLimitPerClient");
      expect(origin.statement.rateBasedStatement.aggregateKeyType).to.equal("FORWARDED_IP");
      const api = one(stack, "aws:wafv2/webAcl:WebAcl", "api-firewall").inputs;
      expect(api.rules.map((r: any) => r.name)).to.not.include("AWSManagedRulesBotControlRuleSet");
      expect(api.rules.find((r: any) => r.name === "RateLimitPerClient").statement.rateBasedStatement.limit).to.equal(20_000);
      const associations = all(stack, "aws:wafv2/webAclAssociation:WebAclAssociation").map((a) => [a.name, a.inputs.resourceArn]);
      expect(associations).to.have.deep.members([
        ["origin-firewall-alb", one(stack, "aws:shield/protection:Protection", "origin-firewall-alb").inputs.resourceArn],
        ["orders-api-waf-default", `arn:aws:apigateway:us-east-1::/restapis/${out(stack).apiUrl.split("//")[1].split(".")[0]}/stages/v1`],
      ]);
      const logging = all(stack, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
      expect(logging).to.have.length(3);
      for (const l of logging) expect(l.inputs.logDestinationConfigs[0]).to.match(/:log-group:aws-waf-logs-ecommerce-prod-/);
    });

    it("Shield: Advanced protections for the distribution and the ALB (the prod platform subscribes)", () => {
      expect(out(stack).shieldProtected).to.equal(true);
      const protections = all(stack, "aws:shield/protection:Protection").map((p) => p.inputs.resourceArn);
      expect(protections).to.have.members([
        `arn:aws:cloudfront::${ACCOUNT}:distribution/${out(stack).storefrontDistributionId}`,
        one(stack, "aws:wafv2/webAclAssociation:WebAclAssociation", "origin-firewall-alb").inputs.resourceArn,
      ]);
    });

    it("EC2: web and app servers in an Auto Scaling group across the private subnets, behind an ALB that only CloudFront reaches", () => {
      const group = one(stack, "aws:autoscaling/group:Group").inputs;
      expect(group).to.include({ minSize: 2, maxSize: 12, healthCheckType: "ELB" });
      expect(group.targetGroupArns).to.have.length(1);
      const alb = one(stack, "aws:lb/loadBalancer:LoadBalancer").inputs;
      expect(alb).to.include({ internal: false, loadBalancerType: "application", dropInvalidHeaderFields: true });
      expect(alb.accessLogs).to.deep.include({ enabled: true, prefix: "alb" });
      // Into an SSE-S3 bucket (ELB cannot write to SSE-KMS) that admits ELB's log delivery.
      expect(one(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "alb-logs-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
      expect(sid(one(stack, "aws:s3/bucketPolicy:BucketPolicy", "alb-logs-policy").inputs.policy, "AlbLogDeliveryElbAccount").Principal).to.deep.equal({ AWS: "arn:aws:iam::127311923021:root" });
      // Instances sit in the private subnets (those of the functions and mount targets), never the ALB's public ones.
      const lambdaSubnets = one(stack, "aws:lambda/function:Function", "checkout").inputs.vpcConfig.subnetIds;
      expect(group.vpcZoneIdentifiers).to.have.members(lambdaSubnets).and.have.length(3);
      expect(group.vpcZoneIdentifiers.filter((s: string) => alb.subnets.includes(s))).to.deep.equal([]);
      // The ALB's security group admits 443 from CloudFront's origin-facing prefix list, nothing else.
      const albSg = alb.securityGroups[0];
      const albIngress = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === albSg);
      expect(albIngress.map((r) => [r.inputs.fromPort, r.inputs.prefixListId !== undefined, r.inputs.cidrIpv4])).to.deep.equal([[443, true, undefined]]);
      // Health checks on the application's port and path; a placeholder answers them until the storefront is deployed.
      const targets = one(stack, "aws:lb/targetGroup:TargetGroup").inputs;
      expect(targets).to.include({ port: 8080, protocol: "HTTP" });
      expect(targets.healthCheck).to.include({ path: "/healthz" });
      const template = one(stack, "aws:ec2/launchTemplate:LaunchTemplate").inputs;
      const boot = Buffer.from(template.userData, "base64").toString("utf8");
      expect(boot).to.include("python3 -m http.server 8080").and.include("echo ok > /srv/placeholder/healthz");
      expect(template.metadataOptions).to.include({ httpTokens: "required", httpPutResponseHopLimit: 1 });
      expect(template.networkInterfaces[0].associatePublicIpAddress).to.equal("false");
      expect(template.blockDeviceMappings[0].ebs).to.include({ encrypted: "true", volumeType: "gp3" });
      const listeners = all(stack, "aws:lb/listener:Listener").map((l) => l.inputs);
      expect(listeners.find((l) => l.protocol === "HTTPS")).to.include({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/7e6d5c4b-3a29-4817-b6f5-e4d3c2b1a098", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      expect(listeners.find((l) => l.protocol === "HTTP")!.defaultActions[0].type).to.equal("redirect");
      // Failed launches reach on-call (see `structural`).
      const failures = one(stack, "aws:cloudwatch/eventRule:EventRule", "web-fleet-failures");
      expect(JSON.parse(failures.inputs.eventPattern)["detail-type"]).to.deep.equal(["EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"]);
      expect(one(stack, "aws:cloudwatch/eventTarget:EventTarget", "web-fleet-failures").inputs.arn).to.match(/^arn:aws:sns:us-east-1:123456789012:alarms-/);
    });

    it("EFS: an encrypted file system the fleet shares, mount targets in the private subnets, NFS only from the fleet, mounted at boot over TLS with IAM", () => {
      const fsys = one(stack, "aws:efs/fileSystem:FileSystem").inputs;
      expect(fsys).to.include({ encrypted: true, throughputMode: "elastic" });
      const mounts = all(stack, "aws:efs/mountTarget:MountTarget");
      expect(mounts.map((m) => m.inputs.subnetId)).to.have.members(one(stack, "aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers);
      const efsSg = mounts[0]!.inputs.securityGroups[0];
      const fleetSg = one(stack, "aws:ec2/launchTemplate:LaunchTemplate").inputs.networkInterfaces[0].securityGroups[0];
      const nfsIn = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === efsSg);
      expect(nfsIn.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId])).to.deep.equal([[2049, fleetSg]]);
      const nfsOut = all(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === fleetSg && r.inputs.fromPort === 2049);
      expect(nfsOut.map((r) => r.inputs.referencedSecurityGroupId)).to.deep.equal([efsSg]);
      const ap = one(stack, "aws:efs/accessPoint:AccessPoint").inputs;
      expect(ap.rootDirectory.path).to.equal("/shop/shared");
      expect(ap.posixUser).to.deep.equal({ uid: 1001, gid: 1001 });
      expect(sid(one(stack, "aws:efs/fileSystemPolicy:FileSystemPolicy").inputs.policy, "DenyInsecureTransport").Effect).to.equal("Deny");
      // The servers find the ids in SSM and mount through the access point.
      const params = Object.fromEntries(all(stack, "aws:ssm/parameter:Parameter").map((p) => [p.inputs.name, p.inputs.value]));
      expect(params["/ecommerce/prod/shared-files/file-system-id"]).to.equal(out(stack).sharedFileSystemId);
      expect(params["/ecommerce/prod/shared-files/access-point-id"]).to.match(/^fsap-/);
      const userData = Buffer.from(one(stack, "aws:ec2/launchTemplate:LaunchTemplate").inputs.userData, "base64").toString("utf8");
      expect(userData).to.include("/ecommerce/prod/shared-files/file-system-id").and.include("efs _netdev,noresvport,tls,iam,accesspoint=$ACCESS_POINT_ID");
    });

    it("RDS: Aurora PostgreSQL for orders, encrypted, IAM auth, deletion protection, 35 days of backups, a reader in another AZ, isolated subnets, events to on-call", () => {
      const cluster = one(stack, "aws:rds/cluster:Cluster").inputs;
      expect(cluster).to.include({
        engine: "aurora-postgresql",
        storageEncrypted: true,
        iamDatabaseAuthenticationEnabled: true,
        deletionProtection: true,
        backupRetentionPeriod: 35,
        manageMasterUserPassword: true,
        databaseName: "shop",
        port: 5433,
      });
      expect(cluster.kmsKeyId).to.match(/^arn:aws:kms:us-east-1:123456789012:key\//);
      expect(all(stack, "aws:rds/clusterInstance:ClusterInstance").map((i) => i.name)).to.have.members(["orders-writer", "orders-reader-1"]);
      const dbSubnets = one(stack, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds;
      expect(dbSubnets.filter((s: string) => one(stack, "aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers.includes(s))).to.deep.equal([]);
      expect(all(stack, "aws:rds/eventSubscription:EventSubscription")).to.have.length(2);
      // Only the checkout, the fleet (order history), db-migrate and QuickSight reach the database port.
      const dbSg = cluster.vpcSecurityGroupIds[0];
      const from = all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === dbSg);
      expect(from.map((r) => r.name)).to.have.members(["orders-from-checkout", "orders-from-db-migrate", "orders-from-web-fleet", "orders-from-quicksight-sales"]);
      // Each side of each path names the other: the fleet's egress to the database and its ingress rule.
      const fleetEgress = one(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "web-to-orders").inputs;
      expect(fleetEgress).to.include({ fromPort: 5433, toPort: 5433, ipProtocol: "tcp", referencedSecurityGroupId: dbSg });
      const fleetSgId = one(stack, "aws:autoscaling/group:Group").inputs;
      expect(from.find((r) => r.name === "orders-from-web-fleet")!.inputs.referencedSecurityGroupId).to.equal(fleetEgress.securityGroupId);
      expect(fleetSgId).to.be.an("object");
    });

    it("the orders schema is created by the program during the deploy: db-migrate invoked with the schema version, after the cluster and its grants; the reader's secret rotates every 30 days", () => {
      const invocation = one(stack, "aws:lambda/invocation:Invocation", "db-migrate");
      expect(invocation.inputs.functionName).to.equal("ecommerce-prod-db-migrate");
      expect(JSON.parse(invocation.inputs.input)).to.deep.equal({ action: "migrate", schemaVersion: schemaVersion() });
      expect(invocation.inputs.triggers.schemaVersion).to.equal(schemaVersion());
      const writer = one(stack, "aws:rds/clusterInstance:ClusterInstance", "orders-writer").urn;
      const grant = one(stack, "aws:iam/rolePolicy:RolePolicy", "db-migrate-role-orders-read-secret").urn;
      expect(invocation.dependencies).to.include.members([writer, grant]);
      const fn = one(stack, "aws:lambda/function:Function", "db-migrate").inputs;
      expect(fn.environment.variables).to.deep.include({ MASTER_SECRET_ARN: out(stack).ordersDbMasterSecretArn, DB_HOST: out(stack).ordersDbEndpoint, DB_PORT: "5433", CHECKOUT_DB_USER: "checkout", READER_DB_USER: "sales_reader" });
      expect(fn.vpcConfig.subnetIds).to.deep.equal(one(stack, "aws:autoscaling/group:Group").inputs.vpcZoneIdentifiers);
      const rotation = one(stack, "aws:secretsmanager/secretRotation:SecretRotation", "sales-reader").inputs;
      expect(rotation).to.deep.include({ rotationRules: { automaticallyAfterDays: 30 }, rotateImmediately: false });
      expect(rotation.rotationLambdaArn).to.equal(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:ecommerce-prod-db-migrate`);
      const invoke = one(stack, "aws:lambda/permission:Permission", "db-migrate-invoke-secrets-manager").inputs;
      expect(invoke).to.include({ principal: "secretsmanager.amazonaws.com", function: "ecommerce-prod-db-migrate" });
    });

    it("DynamoDB: sessions (TTL) and carts (TTL) replicated to eu-west-1 with that region's key, on-demand, PITR; the checkout's idempotency records", () => {
      const replicaKeyArn = one(stack, "aws:dynamodb/table:Table", "carts").inputs.replicas[0].kmsKeyArn;
      // The replica region's key, not the table's own.
      expect(replicaKeyArn).to.match(/^arn:aws:kms:/).and.not.equal(one(stack, "aws:dynamodb/table:Table", "carts").inputs.serverSideEncryption.kmsKeyArn);
      for (const name of ["sessions", "carts"]) {
        const t = one(stack, "aws:dynamodb/table:Table", name).inputs;
        expect(t).to.include({ billingMode: "PAY_PER_REQUEST", streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
        expect(t.pointInTimeRecovery).to.deep.include({ enabled: true });
        expect(t.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
        expect(t.replicas).to.deep.equal([{ regionName: "eu-west-1", kmsKeyArn: replicaKeyArn, pointInTimeRecovery: true, deletionProtectionEnabled: true, propagateTags: true }]);
      }
      expect(one(stack, "aws:dynamodb/table:Table", "carts").inputs.hashKey).to.equal("cartId");
      expect(one(stack, "aws:dynamodb/table:Table", "sessions").inputs.hashKey).to.equal("sessionId");
      const idem = one(stack, "aws:dynamodb/table:Table", "checkout-idempotency").inputs;
      expect(idem).to.include({ hashKey: "id" });
      expect(idem.ttl).to.deep.equal({ attributeName: "expiration", enabled: true });
      expect(idem.replicas).to.equal(undefined);
      expect([out(stack).sessionsTableName, out(stack).cartsTableName, out(stack).tableReplicaRegions]).to.deep.equal(["ecommerce-prod-sessions", "ecommerce-prod-carts", ["eu-west-1"]]);
    });

    it("Lambda: the checkout (transactions) and expire-carts (automation) on nodejs22.x with X-Ray, in the private subnets, bundles under 500 KiB", () => {
      const checkout = one(stack, "aws:lambda/function:Function", "checkout").inputs;
      const expire = one(stack, "aws:lambda/function:Function", "expire-carts").inputs;
      for (const f of [checkout, expire]) {
        expect(f).to.include({ runtime: "nodejs22.x", handler: "index.handler" });
        expect(f.tracingConfig).to.deep.equal({ mode: "Active" });
        expect(f.deadLetterConfig.targetArn).to.match(/^arn:aws:sqs:/);
        expect(f.vpcConfig.subnetIds).to.have.length(3);
        expect(Buffer.byteLength(f.code.assets["index.js"].text)).to.be.below(500 * 1024);
      }
      expect(checkout.environment.variables).to.deep.include({
        DB_HOST: out(stack).ordersDbEndpoint,
        DB_PORT: "5433",
        DB_USER: "checkout",
        DB_NAME: "shop",
        CARTS_TABLE_NAME: "ecommerce-prod-carts",
        IDEMPOTENCY_TABLE_NAME: "ecommerce-prod-checkout-idempotency",
        NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
      });
      expect(checkout.reservedConcurrentExecutions).to.equal(100);
      expect(expire.environment.variables).to.deep.include({ CARTS_TABLE_NAME: "ecommerce-prod-carts", CART_MAX_AGE_DAYS: "7" });
      // The schedule: a rule, its target, and a permission for that rule only.
      const rule = one(stack, "aws:cloudwatch/eventRule:EventRule", "expire-carts");
      expect(rule.inputs.scheduleExpression).to.equal("cron(15 3 * * ? *)");
      expect(one(stack, "aws:cloudwatch/eventTarget:EventTarget", "expire-carts").inputs.arn).to.equal(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:ecommerce-prod-expire-carts`);
      const permission = one(stack, "aws:lambda/permission:Permission", "expire-carts-invoke-schedule").inputs;
      expect(permission).to.include({ principal: "events.amazonaws.com", function: "ecommerce-prod-expire-carts" });
      expect(permission.sourceArn).to.match(/^arn:aws:events:us-east-1:123456789012:rule\/expire-carts-/);
      // Each function's security group reaches DynamoDB (and the checkout's the database), nothing else.
      const egress = (sg: string) => all(stack, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === sg).map((r) => r.name);
      expect(egress(checkout.vpcConfig.securityGroupIds[0])).to.have.members(["checkout-to-dynamodb", "checkout-to-orders"]);
      expect(egress(expire.vpcConfig.securityGroupIds[0])).to.deep.equal(["expire-carts-to-dynamodb"]);
    });

    it("API Gateway: POST /orders for signed-in shoppers (Cognito ID token) and POST /partners/orders for partners (client-credentials token with the orders/checkout scope, plus an API key for their usage plan); validated, throttled, logged, traced, behind WAF", () => {
      const methods = all(stack, "aws:apigateway/method:Method").map((m) => [m.name, m.inputs.httpMethod, m.inputs.authorization, m.inputs.apiKeyRequired, m.inputs.authorizationScopes]);
      expect(methods).to.have.deep.members([
        ["orders-api-post-orders", "POST", "COGNITO_USER_POOLS", false, undefined],
        ["orders-api-post-partners-orders", "POST", "COGNITO_USER_POOLS", true, ["orders/checkout"]],
      ]);
      // The authorizer verifies tokens of this stack's customer pool, and both methods use it.
      const pool = one(stack, "aws:cognito/userPool:UserPool");
      const authorizer = one(stack, "aws:apigateway/authorizer:Authorizer");
      expect(authorizer.inputs.providerArns).to.deep.equal([`arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/${out(stack).customerUserPoolId}`]);
      for (const m of all(stack, "aws:apigateway/method:Method")) expect(m.dependencies).to.include(authorizer.urn);
      expect(pool.inputs).to.deep.include({ mfaConfiguration: "OPTIONAL", userPoolTier: "PLUS", userPoolAddOns: { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } }, deletionProtection: "ACTIVE" });
      expect(pool.protect).to.equal(true);
      // One client-credentials app client per partner, allowed only the checkout scope of the order API's resource server.
      const server = one(stack, "aws:cognito/resourceServer:ResourceServer").inputs;
      expect(server).to.deep.include({ identifier: "orders", scopes: [{ scopeName: "checkout", scopeDescription: "Check out the partner's own carts" }] });
      const partners = all(stack, "aws:cognito/userPoolClient:UserPoolClient").filter((c) => c.name.startsWith("partner-"));
      expect(partners.map((c) => c.name)).to.have.members(["partner-acme-marketplace", "partner-globex-retail"]);
      for (const c of partners) expect(c.inputs).to.deep.include({ generateSecret: true, allowedOauthFlows: ["client_credentials"], allowedOauthScopes: ["orders/checkout"] });
      const mobile = one(stack, "aws:cognito/userPoolClient:UserPoolClient", "mobile-app").inputs;
      expect(mobile).to.deep.include({ generateSecret: false, explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
      expect(out(stack).tokenEndpoint).to.equal(`https://ecommerce-prod-${ACCOUNT}.auth.us-east-1.amazoncognito.com/oauth2/token`);
      for (const m of all(stack, "aws:apigateway/method:Method")) expect(m.inputs.requestValidatorId).to.be.a("string");
      // The body names the cart, never the customer.
      const model = JSON.parse(all(stack, "aws:apigateway/model:Model")[0]!.inputs.schema);
      expect(model.required).to.deep.equal(["cartId", "currency"]);
      expect(Object.keys(model.properties)).to.not.include("customerId");
      expect(model.additionalProperties).to.equal(false);
      for (const i of all(stack, "aws:apigateway/integration:Integration")) {
        expect(i.inputs).to.include({ type: "AWS_PROXY", integrationHttpMethod: "POST" });
        expect(i.inputs.uri).to.include(`function:ecommerce-prod-checkout/invocations`);
      }
      const stage = one(stack, "aws:apigateway/stage:Stage").inputs;
      expect(stage).to.include({ stageName: "v1", xrayTracingEnabled: true });
      expect(stage.accessLogSettings.destinationArn).to.match(/:log-group:\/aws\/apigateway\/ecommerce-prod-orders-api\/v1\/access$/);
      expect(one(stack, "aws:apigateway/methodSettings:MethodSettings").inputs.settings).to.include({ throttlingRateLimit: 1000, throttlingBurstLimit: 2000, loggingLevel: "ERROR" });
      const plan = one(stack, "aws:apigateway/usagePlan:UsagePlan").inputs;
      expect(plan.throttleSettings).to.deep.equal({ rateLimit: 50, burstLimit: 100 });
      expect(plan.quotaSettings).to.deep.equal({ limit: 1_000_000, period: "DAY" });
      expect(all(stack, "aws:apigateway/apiKey:ApiKey").map((k) => k.inputs.name)).to.have.members(["ecommerce-prod-orders-api-acme-marketplace", "ecommerce-prod-orders-api-globex-retail"]);
      for (const k of all(stack, "aws:apigateway/apiKey:ApiKey")) expect(k.inputs.value).to.equal(undefined);
      // Each route may invoke the checkout only for its own method and path.
      const sources = all(stack, "aws:lambda/permission:Permission").filter((p) => p.inputs.principal === "apigateway.amazonaws.com").map((p) => p.inputs.sourceArn.split("/").slice(1).join("/"));
      expect(sources).to.have.members(["v1/POST/orders", "v1/POST/partners/orders"]);
      expect(out(stack).apiUrl).to.match(/^https:\/\/[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com\/v1$/);
      expect(out(stack).ordersUrl).to.equal(`${out(stack).apiUrl}/orders`);
    });

    it("IAM: every role under /ecommerce/ with the platform's boundary, trusted by one service, granted only what it uses", () => {
      const roles = all(stack, "aws:iam/role:Role");
      expect(roles.map((r) => r.name)).to.have.members(["network-flow-logs", "web-instances", "orders-monitoring", "checkout-role", "db-migrate-role", "expire-carts-role", "sales-vpc-connection", "backups-role"]);
      for (const r of roles) {
        expect(r.inputs, r.name).to.include({ path: "/ecommerce/", permissionsBoundary: boundary });
        const trust = statements(r.inputs.assumeRolePolicy);
        expect(trust, r.name).to.have.length(1);
        expect(Object.keys(trust[0].Principal), r.name).to.deep.equal(["Service"]);
      }
      const policies = (role: string) =>
        all(stack, "aws:iam/rolePolicy:RolePolicy")
          .filter((p) => p.name.startsWith(`${role}-`))
          .map((p) => p.name);
      expect(policies("checkout-role")).to.have.members(["checkout-role-base", "checkout-role-carts-read-write", "checkout-role-checkout-idempotency-read-write", "checkout-role-orders-connect-checkout"]);
      expect(policies("expire-carts-role")).to.have.members(["expire-carts-role-base", "expire-carts-role-carts-read-write"]);
      expect(policies("db-migrate-role")).to.have.members(["db-migrate-role-base", "db-migrate-role-orders-read-secret", "db-migrate-role-sales-reader-secret", "db-migrate-role-data-encrypt-decrypt"]);
      // db-migrate reads the master secret and writes only the reader's secret.
      const readerSecret = one(stack, "aws:secretsmanager/secret:Secret", "sales-reader");
      const write = sid(one(stack, "aws:iam/rolePolicy:RolePolicy", "db-migrate-role-sales-reader-secret").inputs.policy, "WriteAndRotateReaderSecret");
      expect(write.Resource).to.match(new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:ecommerce/prod/orders/sales-reader-[A-Za-z0-9]{6}$`));
      expect(readerSecret.inputs.kmsKeyId).to.equal(one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId);
      const masterRead = sid(one(stack, "aws:iam/rolePolicy:RolePolicy", "db-migrate-role-orders-read-secret").inputs.policy, "ReadMasterSecret");
      expect(masterRead.Resource).to.equal(out(stack).ordersDbMasterSecretArn);
      // The fleet connects as `storefront` with an IAM token and reads only the storefront releases.
      const storefront = sid(one(stack, "aws:iam/rolePolicy:RolePolicy", "web-instances-orders-connect-storefront").inputs.policy, "ConnectWithIamToken");
      expect(storefront.Resource).to.match(/^arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-[^/]+\/storefront$/);
      expect(policies("web-instances")).to.have.members([
        "web-instances-data-decrypt",
        "web-instances-releases-read-storefront",
        "web-instances-orders-connect-storefront",
        "web-instances-media-read",
        "web-instances-media-write-media-products",
        "web-instances-media-write-media-promos",
        "web-instances-promo-archive-write",
        "web-instances-shared-files-mount-app",
        "web-instances-sessions-read-write",
        "web-instances-carts-read-write",
      ]);
      const connect = sid(one(stack, "aws:iam/rolePolicy:RolePolicy", "checkout-role-orders-connect-checkout").inputs.policy, "ConnectWithIamToken");
      expect(connect.Action).to.deep.equal(["rds-db:connect"]);
      expect(connect.Resource).to.match(/^arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-[^/]+\/checkout$/);
      const carts = sid(one(stack, "aws:iam/rolePolicy:RolePolicy", "checkout-role-carts-read-write").inputs.policy, "ReadWriteItems");
      // The global table's replica region too, table and indexes.
      expect(carts.Resource).to.include.members([`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ecommerce-prod-carts`, `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/ecommerce-prod-carts`]);
    });

    it("QuickSight: the sales dashboard over the Aurora reader through a VPC connection, TLS on, owned by the platform's admin group (QuickSight is active in prod)", () => {
      const source = one(stack, "aws:quicksight/dataSource:DataSource").inputs;
      expect(source.type).to.equal("AURORA_POSTGRESQL");
      expect(source.sslProperties).to.deep.equal({ disableSsl: false });
      expect(source.parameters.auroraPostgresql).to.deep.equal({ host: out(stack).ordersDbReaderEndpoint, port: 5433, database: "shop" });
      expect(source.vpcConnectionProperties.vpcConnectionArn).to.be.a("string");
      // The read-only user's own secret (never the master's), readable by QuickSight's Secrets Manager role, with its key.
      const readerSecretArn = sid(one(stack, "aws:iam/rolePolicy:RolePolicy", "db-migrate-role-sales-reader-secret").inputs.policy, "WriteAndRotateReaderSecret").Resource;
      expect(source.credentials.secretArn).to.equal(readerSecretArn).and.not.equal(out(stack).ordersDbMasterSecretArn);
      const quicksightRole = `arn:aws:iam::${ACCOUNT}:role/service-role/aws-quicksight-secretsmanager-role-v0`;
      const secretPolicy = one(stack, "aws:secretsmanager/secretPolicy:SecretPolicy", "sales-reader-quicksight").inputs;
      expect(secretPolicy.secretArn).to.equal(readerSecretArn);
      expect(sid(secretPolicy.policy, "QuickSightReadsTheCredentials")).to.deep.include({ Principal: { AWS: quicksightRole }, Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: readerSecretArn });
      const keyPolicy = one(stack, "aws:kms/key:Key", "data").inputs.policy;
      expect(sid(keyPolicy, "QuickSightDecryptsTheSalesReaderSecret")).to.deep.include({ Principal: { AWS: quicksightRole }, Action: ["kms:Decrypt"], Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } });
      const admins = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/platform-prod-quicksight-admins`;
      expect(source.permissions[0].principal).to.equal(admins);
      const dataSet = one(stack, "aws:quicksight/dataSet:DataSet").inputs;
      expect(dataSet.physicalTableMaps[0].customSql.sqlQuery).to.match(/FROM orders$/);
      const dashboard = JSON.parse(one(stack, "aws:cloudcontrol/resource:Resource", "sales").inputs.desiredState);
      expect(dashboard.Name).to.equal("Sales");
      expect(dashboard.Definition.Sheets[0].Visuals).to.have.length(3);
      expect(dashboard.Permissions[0].Principal).to.equal(admins);
      expect(out(stack).salesDashboardArn).to.equal(`arn:aws:quicksight:us-east-1:${ACCOUNT}:dashboard/ecommerce-prod-sales`);
    });

    it("AWS Backup: daily recovery points of the orders cluster and the three tables, 35 days, in a locked vault encrypted with the data key", () => {
      const selection = one(stack, "aws:backup/selection:Selection").inputs;
      expect(selection.resources).to.have.members([
        `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:ecommerce-prod-orders`,
        ...["sessions", "carts", "checkout-idempotency"].map((t) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/ecommerce-prod-${t}`),
      ]);
      const rule = one(stack, "aws:backup/plan:Plan").inputs.rules[0];
      expect(rule).to.deep.include({ schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfter: 35 } });
      const vault = one(stack, "aws:backup/vault:Vault").inputs;
      expect(vault.kmsKeyArn).to.equal(one(stack, "aws:rds/cluster:Cluster").inputs.kmsKeyId);
      expect(one(stack, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs.minRetentionDays).to.equal(35);
    });

    it("alarms: every service's health to the platform's alarm topic, each with a runbook (prod)", () => {
      const alarms = all(stack, "aws:cloudwatch/metricAlarm:MetricAlarm");
      const topic = one(stack, "aws:cloudwatch/eventTarget:EventTarget", "web-fleet-failures").inputs.arn;
      for (const a of alarms) {
        expect(a.inputs.alarmActions, a.name).to.deep.equal([topic]);
        expect(a.inputs.alarmDescription, a.name).to.be.a("string").with.length.greaterThan(40);
      }
      const watched = (namespace: string) => alarms.filter((a) => a.inputs.namespace === namespace || JSON.stringify(a.inputs.metricQueries ?? []).includes(`"namespace":"${namespace}"`)).map((a) => a.name);
      expect(watched("AWS/Lambda").length).to.be.at.least(6); // errors and throttles of checkout, expire-carts, db-migrate
      for (const ns of ["AWS/ApplicationELB", "AWS/ApiGateway", "AWS/CloudFront", "AWS/RDS", "AWS/DynamoDB", "AWS/AutoScaling"]) expect(watched(ns), ns).to.have.length.greaterThan(0);
      const dims = alarms.map((a) => JSON.stringify([a.inputs.dimensions, a.inputs.metricQueries]));
      for (const name of ["ecommerce-prod-checkout", "ecommerce-prod-sessions", "ecommerce-prod-carts", "ecommerce-prod-orders"]) expect(dims.some((d) => d.includes(name)), name).to.equal(true);
    });

    it("exports what operators and clients need", () => {
      expect(Object.keys(out(stack))).to.include.members([
        "storefrontDomainName",
        "apiUrl",
        "mediaBucketName",
        "sessionsTableName",
        "cartsTableName",
        "ordersDbEndpoint",
        "checkoutFunctionName",
        "backupVaultName",
        "salesDashboardArn",
      ]);
      expect(out(stack).storefrontDomainName).to.match(/\.cloudfront\.net$/);
    });
  });

  describe("dev differs from prod, and why", () => {
    const stack = "dev";

    it("2 AZs and a single NAT gateway (cost; the profile's scenario table), REJECT-only flow logs", () => {
      expect(one(stack, "awsx:ec2:Vpc").inputs).to.deep.include({ numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" } });
      expect(one(stack, "aws:ec2/flowLog:FlowLog").inputs.trafficType).to.equal("REJECT");
      expect(all(stack, "aws:efs/mountTarget:MountTarget")).to.have.length(2);
    });

    it("no web ACL of the API's own (the edge and origin ACLs stay): USD 10 a month of the idle budget", () => {
      expect(all(stack, "aws:wafv2/webAcl:WebAcl").map((a) => a.name).sort()).to.deep.equal(["edge-firewall", "origin-firewall"]);
      expect(all(stack, "aws:wafv2/webAclAssociation:WebAclAssociation").map((a) => a.name)).to.deep.equal(["origin-firewall-alb"]);
    });

    it("no table replicas and no replica-region key (single region: no second region to pay for)", () => {
      for (const t of all(stack, "aws:dynamodb/table:Table")) expect(t.inputs.replicas, t.name).to.equal(undefined);
      expect(all(stack, "aws:kms/key:Key").map((k) => k.name)).to.have.members(["data", "edge"]);
      expect(out(stack).tableReplicaRegions).to.deep.equal([]);
    });

    it("WAF in count mode (tune rules without breaking tests) and without Bot Control (billed per request)", () => {
      for (const acl of all(stack, "aws:wafv2/webAcl:WebAcl")) {
        for (const r of acl.inputs.rules) expect(r.action ?? r.overrideAction, `${acl.name} ${r.name}`).to.deep.equal({ count: {} });
        expect(acl.inputs.rules.map((r: any) => r.name)).to.not.include("AWSManagedRulesBotControlRuleSet");
      }
      // In front of the distribution and the ALB (the API's own web ACL is prod only).
      expect(one(stack, "aws:cloudfront/distribution:Distribution").inputs.webAclId).to.match(/global\/webacl\/edge-firewall-/);
      expect(all(stack, "aws:wafv2/webAclAssociation:WebAclAssociation")).to.have.length(1);
    });

    it("alarms that cost nothing in practice: the functions' dead-letter queues only", () => {
      const alarms = all(stack, "aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms.length).to.be.greaterThan(0);
      for (const a of alarms) expect(a.inputs.namespace, a.name).to.equal("AWS/SQS");
    });

    it("no Shield protections and no QuickSight assets: the dev platform subscribes to neither", () => {
      expect(all(stack, "aws:shield/protection:Protection")).to.have.length(0);
      expect(plans[stack].resources.filter((r) => r.type.startsWith("aws:quicksight/") || r.type === "aws:cloudcontrol/resource:Resource")).to.have.length(0);
      expect(out(stack)).to.deep.include({ shieldProtected: false, salesDashboardArn: "" });
      // Only the checkout, the fleet and db-migrate reach the database (no QuickSight connection).
      const dbSg = one(stack, "aws:rds/cluster:Cluster").inputs.vpcSecurityGroupIds[0];
      expect(all(stack, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === dbSg).map((r) => r.name)).to.have.members(["orders-from-checkout", "orders-from-db-migrate", "orders-from-web-fleet"]);
    });

    it("no certificate: an HTTP-only ALB reached by CloudFront over HTTP on its own name, viewers on the *.cloudfront.net certificate (findings advisory in dev, refused in prod)", () => {
      const listeners = all(stack, "aws:lb/listener:Listener");
      expect(listeners.map((l) => [l.inputs.port, l.inputs.protocol, l.inputs.defaultActions[0].type])).to.deep.equal([[80, "HTTP", "forward"]]);
      const d = one(stack, "aws:cloudfront/distribution:Distribution").inputs;
      const app = d.origins.find((o: any) => o.originId === "app");
      expect(app.domainName).to.equal(out(stack).loadBalancerDnsName);
      expect(app.customOriginConfig.originProtocolPolicy).to.equal("http-only");
      expect(d.viewerCertificate).to.deep.equal({ cloudfrontDefaultCertificate: true });
      expect(d.aliases).to.equal(undefined);
      expect(d.priceClass).to.equal("PriceClass_100");
      expect(all(stack, "aws:route53/record:Record")).to.have.length(0);
    });

    it("smaller and cheaper: Aurora scales to 0 ACU with no reader, 1-2 t3 instances, 7 days of backups without a vault lock, no reserved concurrency", () => {
      const cluster = one(stack, "aws:rds/cluster:Cluster").inputs;
      expect(cluster.serverlessv2ScalingConfiguration).to.deep.include({ minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 300 });
      expect(cluster.backupRetentionPeriod).to.equal(7);
      expect(all(stack, "aws:rds/clusterInstance:ClusterInstance").map((i) => i.name)).to.deep.equal(["orders-writer"]);
      expect(one(stack, "aws:autoscaling/group:Group").inputs).to.include({ minSize: 1, maxSize: 2 });
      expect(one(stack, "aws:backup/plan:Plan").inputs.rules[0].lifecycle).to.deep.equal({ deleteAfter: 7 });
      expect(all(stack, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")).to.have.length(0);
      for (const f of all(stack, "aws:lambda/function:Function")) expect(f.inputs.reservedConcurrentExecutions, f.name).to.equal(undefined);
      expect(one(stack, "aws:apigateway/methodSettings:MethodSettings").inputs.settings).to.include({ throttlingRateLimit: 20, loggingLevel: "INFO" });
    });

    it("idles at USD 100 a month or less: the fixed-price resources of the dev plan, priced at us-east-1 on-demand rates (README \"Dev costs\")", () => {
      // Hourly and monthly list prices, us-east-1 (730 hours a month). Everything else in the stack
      // is priced by use (Lambda, API Gateway, CloudFront, DynamoDB on demand, Cognito per active
      // user, Aurora at 0 ACU while paused, EFS and S3 by the GB stored).
      const HOURS = 730;
      const price = { natGateway: 0.045 * HOURS, alb: 0.0225 * HOURS, "t3.micro": 0.0104 * HOURS, interfaceEndpointPerAz: 0.01 * HOURS, gp3PerGb: 0.08, webAcl: 5, wafRule: 1, kmsKey: 1, secret: 0.4 };
      const vpc = one(stack, "awsx:ec2:Vpc").inputs;
      expect(vpc.natGateways).to.deep.equal({ strategy: "Single" });
      const endpoints = all(stack, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
      expect(endpoints, "interface endpoints in dev").to.have.length(0);
      const template = one(stack, "aws:ec2/launchTemplate:LaunchTemplate").inputs;
      expect(template.instanceType).to.equal("t3.micro");
      const asg = one(stack, "aws:autoscaling/group:Group").inputs;
      const volumeGb = template.blockDeviceMappings.reduce((n: number, b: any) => n + Number(b.ebs.volumeSize), 0);
      const acls = all(stack, "aws:wafv2/webAcl:WebAcl");
      const items: Record<string, number> = {
        "NAT gateway (1)": price.natGateway,
        "load balancer (1)": price.alb * all(stack, "aws:lb/loadBalancer:LoadBalancer").length,
        [`instances (${asg.minSize} x t3.micro, ${volumeGb} GB gp3)`]: asg.minSize * (price["t3.micro"] + volumeGb * price.gp3PerGb),
        [`web ACLs (${acls.length}) and their rules`]: acls.reduce((n, a) => n + price.webAcl + a.inputs.rules.length * price.wafRule, 0),
        "KMS keys": all(stack, "aws:kms/key:Key").length * price.kmsKey,
        "secrets (the reader's and the cluster's managed master secret)": (all(stack, "aws:secretsmanager/secret:Secret").length + 1) * price.secret,
      };
      const total = Object.values(items).reduce((a, b) => a + b, 0);
      expect(total, JSON.stringify(items, null, 1)).to.be.at.most(100);
      expect(total).to.be.greaterThan(80); // the list is what README "Dev costs" itemises: keep them in step
    });

    it("promo videos are not archived in dev (Glacier's 90-day and Deep Archive's 180-day minimum charges exceed their life): they expire after 30 days", () => {
      const archive = one(stack, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "promo-archive-lifecycle").inputs.rules.find((r: any) => r.id === "current-versions");
      expect(archive.transitions).to.equal(undefined);
      expect(archive.expiration).to.deep.equal({ days: 30 });
    });
  });

  describe("stack config", () => {
    it("both stack files are valid", () => {
      for (const stack of ["dev", "prod"] as const) {
        const r = parse(stack);
        expect(r.problems, stack).to.deep.equal([]);
        expect(r.settings!.tags).to.deep.include({ project: "ecommerce", "data-classification": "confidential", compliance: "fsbp pci-dss" });
      }
      expect(parse("prod").settings!.config).to.deep.include({ replicaRegion: "eu-west-1", cartMaxAgeDays: 7, expireCartsSchedule: "cron(15 3 * * ? *)" });
    });

    it("adopter keys are never committed (convention 1): prod's file has none, and without them validation names each, what it is for and the pulumi config set command", () => {
      const adopterKeys = ["ecommerce:siteDomainNames", "ecommerce:cdnCertificateArn", "ecommerce:originDomainName", "ecommerce:albCertificateArn", "ecommerce:hostedZoneId"];
      for (const stack of ["dev", "prod"] as const) for (const k of adopterKeys) expect(stackFile(stack), `${stack} ${k}`).to.not.have.property(k);
      expect(Object.keys(adopterExamples("prod"))).to.have.members(adopterKeys);
      const bare = parseStackConfig(ecommerceDefinition, { project: "ecommerce", stack: "prod", organization: "organization", raw: rawConfig("prod", () => {}, false) });
      const albCert = bare.problems.find((p) => p.key === "ecommerce:albCertificateArn");
      expect(albCert!.allowed).to.match(/required in prod: the ACM certificate \(this region\) of the load balancer's HTTPS listener.*pulumi config set ecommerce:albCertificateArn arn:aws:acm:/);
    });

    it("bad config stops the program with one message listing every problem: key, value given, what is allowed", () => {
      const r = parse("prod", (c) => {
        delete c["ecommerce:replicaRegion"];
        delete c["ecommerce:albCertificateArn"];
        c["ecommerce:cdnCertificateArn"] = "arn:aws:acm:eu-west-1:123456789012:certificate/0b8a5c1e-3f2d-4c6b-9a7e-1d2c3b4a5f60";
        c["ecommerce:partners"] = ["Acme Corp"];
        c["ecommerce:cartMaxAgeDays"] = 0;
        c["ecommerce:colour"] = "blue";
      });
      const byKey = Object.fromEntries(r.problems.map((p) => [p.key, p]));
      expect(Object.keys(byKey)).to.have.members([
        "ecommerce:replicaRegion",
        "ecommerce:albCertificateArn",
        "ecommerce:cdnCertificateArn",
        "ecommerce:partners[0]",
        "ecommerce:cartMaxAgeDays",
        "ecommerce:colour",
      ]);
      expect(byKey["ecommerce:replicaRegion"]!.allowed).to.match(/required in prod: the second region of the sessions and carts global tables/);
      expect(byKey["ecommerce:albCertificateArn"]!.allowed).to.match(/required with originDomainName \(origin\.shop\.example\.com\)/);
      expect(r.problems.filter((p) => p.key === "ecommerce:cdnCertificateArn").map((p) => p.allowed)).to.include("must be an ACM certificate ARN in us-east-1");
      expect(byKey["ecommerce:partners[0]"]).to.deep.include({ value: "Acme Corp" });
      expect(byKey["ecommerce:colour"]!.allowed).to.match(/unknown key; ecommerce understands: .*replicaRegion/);
      const message = new ConfigError("ecommerce/prod", r.problems).message;
      expect(message).to.match(/^Stack config for ecommerce\/prod is invalid \(\d+ problems\):/);
      expect(message).to.include('  - ecommerce:cartMaxAgeDays = 0: must be >= 1');
    });

    it("cross-key rules: an origin name needs the ALB certificate (and back), domains need a CloudFront certificate, a zone needs names, partners are unique", () => {
      const problems = (stack: Stack, edit: (c: Record<string, unknown>) => void) => parse(stack, edit).problems.map((p) => p.key);
      expect(problems("dev", (c) => (c["ecommerce:originDomainName"] = "origin.shop.example.com"))).to.deep.equal(["ecommerce:albCertificateArn"]);
      expect(problems("dev", (c) => (c["ecommerce:albCertificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/7e6d5c4b-3a29-4817-b6f5-e4d3c2b1a098"))).to.deep.equal(["ecommerce:originDomainName"]);
      expect(problems("dev", (c) => (c["ecommerce:siteDomainNames"] = ["shop.example.com"]))).to.deep.equal(["ecommerce:cdnCertificateArn"]);
      expect(problems("dev", (c) => (c["ecommerce:hostedZoneId"] = "Z0123456789ABCDEFGHIJ"))).to.deep.equal(["ecommerce:hostedZoneId"]);
      expect(problems("dev", (c) => (c["ecommerce:partners"] = ["a", "a"]))).to.deep.equal(["ecommerce:partners"]);
      expect(problems("dev", (c) => delete c["ecommerce:partners"])).to.deep.equal(["ecommerce:partners"]);
      expect(problems("dev", (c) => (c["ecommerce:databaseAdminSecurityGroupId"] = "my-admins"))).to.deep.equal(["ecommerce:databaseAdminSecurityGroupId"]);
    });
  });
});
