/** The cost estimate's rules, its price table, and the script that refreshes the table. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { estimateCost, loadPrices, PriceTable } from "../../tools/plan/cost/estimate";
import { csvFields, refresh } from "../../tools/plan/cost/refresh-prices";
import type { ResourceLike } from "../../tools/plan/report/components";

const stack = "urn:pulumi:dev::app::pulumi:pulumi:Stack::app-dev";
function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceLike> = {}): ResourceLike {
  return { urn: `urn:pulumi:dev::app::${type}::${name}`, type, name, parent: stack, custom: !type.startsWith("blueprints:") && !type.startsWith("awsx:"), inputs, propertyDependencies: {}, ...extra };
}
const item = (est: ReturnType<typeof estimateCost>, name: string) => est.items.find((i) => i.name === name);

describe("cost estimate", () => {
  it("the price table has a date, a source and, for every rate, a unit, a Price List match and a us-east-1 price", () => {
    const t = loadPrices();
    expect(t.currency).to.equal("USD");
    expect(t.priceDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.source).to.contain("Price List");
    expect(t.hoursPerMonth).to.equal(730);
    for (const [key, r] of Object.entries(t.rates)) {
      expect(r.unit.length, key).to.be.greaterThan(0);
      expect(r.match.offer, key).to.match(/^[A-Za-z0-9]+$/);
      expect(r.match.usageType.length, key).to.be.greaterThan(0);
      expect(r.regions["us-east-1"], key).to.be.a("number").greaterThan(0);
    }
  });

  it("NAT gateways follow the awsx VPC strategy: None 0, Single 1, OnePerAz one per AZ (with their public IPv4)", () => {
    const vpc = (strategy: string) => res("awsx:ec2:Vpc", `vpc-${strategy}`, { natGateways: { strategy }, numberOfAvailabilityZones: 3 });
    const est = estimateCost([vpc("None"), vpc("Single"), vpc("OnePerAz")], "us-east-1");
    expect(item(est, "vpc-None")!.monthlyUsd).to.equal(0);
    expect(item(est, "vpc-Single")!.monthlyUsd).to.equal(36.5); // (0.045 + 0.005) x 730
    expect(item(est, "vpc-OnePerAz")!.monthlyUsd).to.equal(109.5);
    expect(item(est, "vpc-Single")!.usageRates.join()).to.contain("NAT gateway data processed");
  });

  it("an awsx VPC whose NAT gateways were modelled as children is priced once, by them (the Elastic IP carrying the IPv4 charge)", () => {
    const vpc = res("awsx:ec2:Vpc", "vpc", { natGateways: { strategy: "Single" } });
    const eip = res("aws:ec2/eip:Eip", "vpc-public-1", { domain: "vpc" }, { parent: vpc.urn });
    const nat = res("aws:ec2/natGateway:NatGateway", "vpc-public-1", { subnetId: "subnet-1" }, { parent: vpc.urn, propertyDependencies: { allocationId: [eip.urn] } });
    const est = estimateCost([vpc, eip, nat], "us-east-1");
    expect(item(est, "vpc")!.monthlyUsd).to.equal(0);
    expect(est.items.filter((i) => i.name === "vpc-public-1").map((i) => i.monthlyUsd).sort((a, b) => a - b)).to.deep.equal([3.65, 32.85]);
    expect(est.monthlyUsd).to.equal(36.5);
  });

  it("interface endpoints cost per AZ, gateway endpoints nothing", () => {
    const est = estimateCost(
      [
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", { vpcEndpointType: "Interface", subnetIds: ["a", "b", "c"] }),
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
      ],
      "us-east-1",
    );
    expect(item(est, "ssm")!.monthlyUsd).to.equal(21.9);
    expect(item(est, "s3")!.monthlyUsd).to.equal(0);
  });

  it("an Auto Scaling group is priced at its minimum, with the instance type and volumes of its launch template (by property dependency)", () => {
    const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "web", { instanceType: "t3.medium", blockDeviceMappings: [{ ebs: { volumeSize: 20, volumeType: "gp3" } }] });
    const asg = res("aws:autoscaling/group:Group", "web", { minSize: 2, maxSize: 6, launchTemplate: { id: "lt-1", version: "$Latest" } }, { propertyDependencies: { launchTemplate: [lt.urn] } });
    const est = estimateCost([lt, asg], "us-east-1");
    expect(item(est, "web")!.monthlyUsd).to.equal(Math.round((2 * 0.0416 * 730 + 2 * 20 * 0.08) * 100) / 100);
    expect(item(est, "web")!.basis).to.contain("t3.medium");
    expect(est.items.filter((i) => i.type === "aws:ec2/launchTemplate:LaunchTemplate")).to.have.length(0);
  });

  it("CloudHSM: each HSM by the hour of its cluster's type, the cluster free; a transit-gateway VPN is a connection and an attachment", () => {
    const cluster = res("aws:cloudhsmv2/cluster:Cluster", "custody", { hsmType: "hsm2m.medium", mode: "FIPS" });
    const hsms = [1, 2].map((i) => res("aws:cloudhsmv2/hsm:Hsm", `custody-hsm-${i}`, { clusterId: "cluster-abc" }, { propertyDependencies: { clusterId: [cluster.urn] } }));
    const attachment = res("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "link-vpc", { transitGatewayId: "tgw-1" });
    const vpn = res("aws:ec2/vpnConnection:VpnConnection", "link-vpn-0", { transitGatewayId: "tgw-1", type: "ipsec.1" });
    const est = estimateCost([cluster, ...hsms, attachment, vpn], "us-east-1");
    expect(item(est, "custody-hsm-1")!.monthlyUsd).to.equal(1.5 * 730);
    expect(item(est, "custody-hsm-1")!.basis).to.contain("hsm2m.medium HSM");
    expect(item(est, "custody")!.monthlyUsd).to.equal(0);
    expect(item(est, "link-vpc")!.monthlyUsd).to.equal(0.05 * 730);
    expect(item(est, "link-vpn-0")!.monthlyUsd).to.equal(2 * 0.05 * 730);
  });

  it("Aurora Serverless v2 idles at its minimum ACU: nothing when it pauses (min 0)", () => {
    const cluster = (name: string, min: number) => res("aws:rds/cluster:Cluster", name, { engine: "aurora-postgresql", serverlessv2ScalingConfiguration: { minCapacity: min, maxCapacity: 4 }, manageMasterUserPassword: true });
    const c0 = cluster("paused", 0);
    const c1 = cluster("warm", 0.5);
    const inst = (c: ResourceLike) => res("aws:rds/clusterInstance:ClusterInstance", `${c.name}-writer`, { instanceClass: "db.serverless", clusterIdentifier: "x" }, { propertyDependencies: { clusterIdentifier: [c.urn] } });
    const est = estimateCost([c0, c1, inst(c0), inst(c1)], "us-east-1");
    expect(item(est, "paused-writer")!.monthlyUsd).to.equal(0);
    expect(item(est, "paused-writer")!.basis).to.contain("pauses when idle");
    expect(item(est, "warm-writer")!.monthlyUsd).to.equal(43.8); // 0.5 x 730 x 0.12
    // The cluster: storage baseline and the managed master password secret.
    expect(item(est, "warm")!.monthlyUsd).to.equal(0.5);
  });

  it("WAF: the web ACL, one dollar a rule (a managed group is one), and Bot Control's fee", () => {
    const rule = (name: string) => ({ name, statement: { managedRuleGroupStatement: { name, vendorName: "AWS" } } });
    const est = estimateCost(
      [
        res("aws:wafv2/webAcl:WebAcl", "plain", { scope: "REGIONAL", rules: [rule("AWSManagedRulesCommonRuleSet"), { name: "rate", statement: { rateBasedStatement: { limit: 1000 } } }] }),
        res("aws:wafv2/webAcl:WebAcl", "bots", { scope: "CLOUDFRONT", rules: [rule("AWSManagedRulesBotControlRuleSet")] }),
      ],
      "us-east-1",
    );
    expect(item(est, "plain")!.monthlyUsd).to.equal(7);
    expect(item(est, "bots")!.monthlyUsd).to.equal(16);
  });

  it("Kinesis: an on-demand stream has an hourly charge; provisioned is per shard", () => {
    const est = estimateCost(
      [res("aws:kinesis/stream:Stream", "od", { streamModeDetails: { streamMode: "ON_DEMAND" } }), res("aws:kinesis/stream:Stream", "prov", { streamModeDetails: { streamMode: "PROVISIONED" }, shardCount: 4 })],
      "us-east-1",
    );
    expect(item(est, "od")!.monthlyUsd).to.equal(29.2);
    expect(item(est, "prov")!.monthlyUsd).to.equal(43.8);
  });

  it("usage-based services cost nothing at idle and show their unit rates; free wiring is left out; unknown types are listed as not priced", () => {
    const est = estimateCost(
      [
        res("aws:lambda/function:Function", "fn", { memorySize: 512 }),
        res("aws:iam/role:Role", "role", {}),
        res("aws:s3/bucketPolicy:BucketPolicy", "policy", {}),
        res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", { nodeType: "cache.t4g.small" }),
      ],
      "us-east-1",
    );
    expect(item(est, "fn")!.monthlyUsd).to.equal(0);
    expect(item(est, "fn")!.usageRates.join(" ")).to.match(/\$0\.2 per 1M requests/);
    expect(item(est, "role")).to.equal(undefined);
    expect(item(est, "policy")).to.equal(undefined);
    expect(est.unpriced).to.deep.equal(["aws:elasticache/replicationGroup:ReplicationGroup"]);
  });

  it("a region with no prices is named in the notes and its items are not priced", () => {
    const est = estimateCost([res("aws:kms/key:Key", "k", {})], "ap-southeast-7");
    expect(est.monthlyUsd).to.equal(0);
    expect(est.unpriced).to.deep.equal(["aws:kms/key:Key"]);
    expect(est.notes.join()).to.contain("no ap-southeast-7 price for: kms.key");
  });

  it("items carry the outermost component they belong to, and the total is their sum", () => {
    const comp = res("blueprints:security:EncryptionKey", "data", {});
    const key = res("aws:kms/key:Key", "data", {}, { parent: comp.urn });
    const est = estimateCost([comp, key, res("aws:kms/key:Key", "loose", {})], "us-east-1");
    expect(item(est, "data")!.component).to.equal("blueprints:security:EncryptionKey data");
    expect(item(est, "loose")!.component).to.equal(undefined);
    expect(est.monthlyUsd).to.equal(2);
  });
});

describe("npm run prices:refresh", () => {
  const header = '"SKU","OfferTermCode","RateCode","TermType","PriceDescription","EffectiveDate","StartingRange","EndingRange","Unit","PricePerUnit","Currency","Product Family","Location","Instance Type","Operating System","Tenancy","Pre Installed S/W","CapacityStatus","usageType","operation"';
  const row = (sku: string, term: string, price: string, family: string, type: string, os_: string, usage: string, start = "0") =>
    `"${sku}","JRTCKXETXF","${sku}.JRTCKXETXF.6YS6EN2CT7","${term}","desc, with a comma","2026-11-01","${start}","Inf","Hrs","${price}","USD","${family}","US East (N. Virginia)","${type}","${os_}","Shared","NA","Used","${usage}","RunInstances"`;

  it("reads CSV fields with quotes, commas and doubled quotes", () => {
    expect(csvFields('"a","b, c","say ""hi""",d,')).to.deep.equal(["a", "b, c", 'say "hi"', "d", ""]);
  });

  it("sets each rate from the one On-Demand first-tier price that matches, and lists what it could not match", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "price-list-"));
    const csvDir = path.join(dir, "AmazonEC2", "us-east-1");
    fs.mkdirSync(csvDir, { recursive: true });
    fs.writeFileSync(
      path.join(csvDir, "index.csv"),
      [
        '"FormatVersion","v1.0"',
        '"Disclaimer","This pricing list is for informational purposes only."',
        '"Publication Date","2026-11-20T00:00:00Z"',
        '"Version","20261120000000"',
        '"OfferCode","AmazonEC2"',
        header,
        row("AAA", "OnDemand", "0.0420000000", "Compute Instance", "t3.medium", "Linux", "BoxUsage:t3.medium"),
        row("AAB", "OnDemand", "0.0700000000", "Compute Instance", "t3.medium", "Windows", "BoxUsage:t3.medium"),
        row("AAC", "Reserved", "0.0260000000", "Compute Instance", "t3.medium", "Linux", "BoxUsage:t3.medium"),
        row("BBB", "OnDemand", "0.0460000000", "NAT Gateway", "", "", "NatGateway-Hours"),
        row("CCC", "OnDemand", "0.0800000000", "Storage", "", "", "EBS:VolumeUsage.gp3"),
        row("CCD", "OnDemand", "0.0600000000", "Storage", "", "", "EBS:VolumeUsage.gp3", "1000"),
        row("DDD", "OnDemand", "0.0500000000", "NAT Gateway", "", "", "NatGateway-Bytes"),
        row("DDE", "OnDemand", "0.0450000000", "NAT Gateway", "", "", "USE1-NatGateway-Bytes"),
      ].join("\n"),
    );
    const table = path.join(dir, "prices.json");
    const result = await refresh({ from: dir, offers: ["AmazonEC2"], regions: ["us-east-1"], out: table, today: "2026-12-01" });
    const t = JSON.parse(fs.readFileSync(table, "utf8")) as PriceTable;
    expect(t.rates["ec2.t3.medium"]!.regions["us-east-1"]).to.equal(0.042); // Linux On-Demand, not Windows or Reserved
    expect(t.rates["natgateway.hour"]!.regions["us-east-1"]).to.equal(0.046);
    expect(t.rates["ebs.gp3.gb"]!.regions["us-east-1"]).to.equal(0.08); // first tier only
    expect(result.updated.map((u) => u.key).sort()).to.deep.equal(["ec2.t3.medium", "natgateway.hour"]);
    // Two different prices for one rate: left as it was, for a human to narrow the match.
    expect(result.ambiguous).to.deep.equal([{ key: "natgateway.gb", region: "us-east-1", prices: [0.045, 0.05] }]);
    expect(t.rates["natgateway.gb"]!.regions["us-east-1"]).to.equal(loadPrices().rates["natgateway.gb"]!.regions["us-east-1"]);
    expect(result.unmatched.map((u) => u.key)).to.include("ec2.c7i.4xlarge");
    expect(t.priceDate).to.equal("2026-12-01");
    expect(t.source).to.contain("AmazonEC2/us-east-1: 2026-11-20T00:00:00Z");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
