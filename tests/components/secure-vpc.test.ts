import { expect } from "chai";
import { cidrProblems, DefaultInterfaceEndpoints, SecureVpc, SecureVpcArgs } from "../../components/network/secure-vpc";
import { ComponentArgsError } from "../../components/security/policy-document";
import { RequiredTagKeys } from "../../shared/tags";
import taggable from "../../policy-packs/aws-compliance/taggable-types.json";
import { MockRecorder, promiseOf, setupMocks, statementsOf, testContext } from "../helpers/mocks";
import { answerNetworkMocks, mockRouteTableIds } from "../helpers/network-mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const T = {
  vpc: "awsx:ec2:Vpc",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
};
const taggableTypes = new Set(taggable.types);

describe("SecureVpc", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
    answerNetworkMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(env: "dev" | "prod" = "dev", args: Partial<SecureVpcArgs> = {}, name = "net") {
    const vpc = new SecureVpc(name, { context: testContext(env), flowLogKey: KEY_ARN, ...args });
    await mocks.settle();
    return vpc;
  }
  const endpoints = (kind: "Gateway" | "Interface") => mocks.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === kind);

  describe("secure defaults", () => {
    it("lays out public, private and isolated subnets with the Auto strategy, DNS hostnames on, CIDR 10.0.0.0/16", async () => {
      const vpc = await build();
      const inputs = mocks.one(T.vpc).inputs;
      expect(inputs.subnetSpecs.map((s: any) => s.type)).to.deep.equal(["Public", "Private", "Isolated"]);
      expect(inputs).to.include({ subnetStrategy: "Auto", enableDnsHostnames: true, enableDnsSupport: true, cidrBlock: "10.0.0.0/16" });
      expect(await promiseOf(vpc.cidrBlock)).to.equal("10.0.0.0/16");
    });

    it("exposes the VPC and one subnet per AZ and tier from the awsx outputs", async () => {
      const vpc = await build();
      expect(await promiseOf(vpc.vpcId)).to.match(/^vpc-/);
      for (const ids of [vpc.publicSubnetIds, vpc.privateSubnetIds, vpc.isolatedSubnetIds]) {
        const list = await promiseOf(ids);
        expect(list).to.have.length(2);
        list.forEach((id) => expect(id).to.match(/^subnet-/));
      }
    });

    it("logs the VPC's traffic to a KMS-encrypted log group through a role that can write only there", async () => {
      const vpc = await build();
      const vpcId = await promiseOf(vpc.vpcId);
      const groupArn = await promiseOf(vpc.flowLogGroupArn);
      const flowLog = mocks.one(T.flowLog).inputs;
      expect(flowLog).to.include({ vpcId, logDestinationType: "cloud-watch-logs", logDestination: groupArn });
      expect(flowLog.iamRoleArn).to.match(/^arn:aws:iam::123456789012:role\//);
      const group = mocks.one(T.logGroup).inputs;
      expect(group).to.include({ kmsKeyId: KEY_ARN, name: "/aws/vpc/flow-logs/test-dev-net" });

      const [policy] = statementsOf(mocks.one(T.rolePolicy).inputs.policy);
      expect(policy).to.deep.equal({
        Sid: "WriteFlowLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [groupArn, `${groupArn}:log-stream:*`],
      });
      expect(statementsOf(mocks.one(T.rolePolicy).inputs.policy)).to.have.length(1);
    });

    it("lets only VPC flow logs of this account assume the delivery role", async () => {
      await build();
      const [trust] = statementsOf(mocks.one(T.role).inputs.assumeRolePolicy);
      expect(trust.Principal).to.deep.equal({ Service: "vpc-flow-logs.amazonaws.com" });
      expect(trust.Condition).to.deep.equal({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
      });
    });

    it("adopts the default security group with no rules (EC2.2)", async () => {
      const vpc = await build();
      const sg = mocks.one(T.defaultSg).inputs;
      expect(sg.vpcId).to.equal(await promiseOf(vpc.vpcId));
      expect(sg.ingress ?? []).to.deep.equal([]);
      expect(sg.egress ?? []).to.deep.equal([]);
    });

    it("adds free S3 and DynamoDB gateway endpoints on every route table of the VPC", async () => {
      const vpc = await build();
      const vpcId = await promiseOf(vpc.vpcId);
      const gateways = endpoints("Gateway");
      expect(gateways.map((g) => g.inputs.serviceName)).to.have.members(["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"]);
      expect(gateways).to.have.length(2);
      for (const g of gateways) {
        expect(g.inputs.vpcId).to.equal(vpcId);
        expect(g.inputs.routeTableIds).to.deep.equal(mockRouteTableIds(vpcId));
      }
      expect(mocks.invokes).to.include("aws:ec2/getRouteTables:getRouteTables");
    });

    it("adds the default interface endpoints in the private subnets with private DNS and the endpoint security group", async () => {
      const vpc = await build();
      const privateSubnets = await promiseOf(vpc.privateSubnetIds);
      const sgId = await promiseOf(vpc.endpointSecurityGroupId!);
      const interfaces = endpoints("Interface");
      expect(interfaces.map((e) => e.inputs.serviceName)).to.have.members(DefaultInterfaceEndpoints.map((s) => `com.amazonaws.us-east-1.${s}`));
      expect(interfaces).to.have.length(DefaultInterfaceEndpoints.length);
      for (const e of interfaces) {
        expect(e.inputs).to.include({ privateDnsEnabled: true });
        expect(e.inputs.subnetIds).to.deep.equal(privateSubnets);
        expect(e.inputs.securityGroupIds).to.deep.equal([sgId]);
      }
    });

    it("opens the endpoints to HTTPS from the VPC's CIDR only, with no other rule", async () => {
      await build("dev", { cidrBlock: "10.20.0.0/16" });
      const rule = mocks.one(T.ingress).inputs;
      expect(rule).to.include({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.20.0.0/16" });
      expect(rule.description).to.be.a("string").with.length.greaterThan(0);
      expect(mocks.ofType(T.egress)).to.have.length(0);
      expect(mocks.one(T.sg).inputs.ingress ?? []).to.deep.equal([]);
    });

    it("carries no exemption tag: the EC2.15 exemption for awsx's public subnets is in the pack config", async () => {
      await build();
      const tags = mocks.one(T.vpc).inputs.tags;
      expect(Object.keys(tags).filter((k) => k.startsWith("policy-exemption:"))).to.deep.equal([]);
    });

    it("registers exactly the awsx VPC and its side resources", async () => {
      await build();
      const types = mocks.registrations.filter((r) => r.custom).map((r) => r.type);
      const count = (t: string) => types.filter((x) => x === t).length;
      expect(count(T.flowLog)).to.equal(1);
      expect(count(T.logGroup)).to.equal(1);
      expect(count(T.role)).to.equal(1);
      expect(count(T.rolePolicy)).to.equal(1);
      expect(count(T.defaultSg)).to.equal(1);
      expect(count(T.sg)).to.equal(1);
      expect(count(T.ingress)).to.equal(1);
      expect(count(T.endpoint)).to.equal(2 + DefaultInterfaceEndpoints.length);
      expect(types).to.have.length(7 + 2 + DefaultInterfaceEndpoints.length);
      expect(mocks.ofType(T.vpc)).to.have.length(1);
    });

    it("tags every taggable resource (and the awsx VPC and its subnets) with the required tags", async () => {
      await build();
      const tagged = mocks.registrations.filter((r) => r.custom && taggableTypes.has(r.type));
      expect(tagged.length).to.be.greaterThan(5);
      for (const r of tagged) expect(r.inputs.tags, `${r.type} ${r.name}`).to.include.keys(...RequiredTagKeys);
      const vpc = mocks.one(T.vpc).inputs;
      expect(vpc.tags).to.include.keys(...RequiredTagKeys);
      for (const spec of vpc.subnetSpecs) expect(spec.tags).to.include.keys(...RequiredTagKeys, "tier");
    });
  });

  describe("dev and prod", () => {
    it("dev: two AZs, a single NAT gateway, rejected traffic only, 30-day logs, nothing protected", async () => {
      const vpc = await build("dev");
      const inputs = mocks.one(T.vpc).inputs;
      expect(inputs.numberOfAvailabilityZones).to.equal(2);
      expect(inputs.natGateways).to.deep.equal({ strategy: "Single" });
      expect(vpc.natStrategy).to.equal("Single");
      expect(mocks.one(T.flowLog).inputs.trafficType).to.equal("REJECT");
      const group = mocks.one(T.logGroup);
      expect(group.inputs.retentionInDays).to.equal(30);
      expect(group.protect).to.equal(false);
    });

    it("prod: three AZs, one NAT gateway per AZ, all traffic, 365-day protected logs", async () => {
      const vpc = await build("prod");
      const inputs = mocks.one(T.vpc).inputs;
      expect(inputs.numberOfAvailabilityZones).to.equal(3);
      expect(inputs.natGateways).to.deep.equal({ strategy: "OnePerAz" });
      expect(await promiseOf(vpc.privateSubnetIds)).to.have.length(3);
      expect(mocks.one(T.flowLog).inputs.trafficType).to.equal("ALL");
      const group = mocks.one(T.logGroup);
      expect(group.inputs).to.include({ retentionInDays: 365, deletionProtectionEnabled: true });
      expect(group.protect).to.equal(true);
      expect(group.retainOnDelete).to.equal(true);
    });

    it("takes the NAT strategy, AZ count and traffic type from arguments over the profile", async () => {
      await build("prod", { natStrategy: "None", availabilityZones: 4, flowLogTrafficType: "REJECT" });
      const inputs = mocks.one(T.vpc).inputs;
      expect(inputs.natGateways).to.deep.equal({ strategy: "None" });
      expect(inputs.numberOfAvailabilityZones).to.equal(4);
      expect(mocks.one(T.flowLog).inputs.trafficType).to.equal("REJECT");
    });
  });

  describe("options", () => {
    it("creates the interface endpoints the workload names", async () => {
      await build("dev", { interfaceEndpoints: ["ecr.api", "ecr.dkr"] });
      expect(endpoints("Interface").map((e) => e.name)).to.have.members(["net-ecr-api", "net-ecr-dkr"]);
    });

    it("creates no endpoint security group without interface endpoints", async () => {
      const vpc = await build("dev", { interfaceEndpoints: [] });
      expect(endpoints("Interface")).to.have.length(0);
      expect(mocks.ofType(T.sg)).to.have.length(0);
      expect(vpc.endpointSecurityGroupId).to.equal(undefined);
    });

    it("places the flow-log role under the platform's path and permissions boundary", async () => {
      await build("dev", { rolePlacement: { path: "/test/", permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" } });
      expect(mocks.one(T.role).inputs).to.include({ path: "/test/", permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary" });
    });
  });

  describe("validation", () => {
    const fails = (args: Partial<SecureVpcArgs>, ...messages: string[]) => {
      try {
        new SecureVpc("bad", { context: testContext("dev"), flowLogKey: KEY_ARN, ...args });
      } catch (e) {
        expect(e).to.be.instanceOf(ComponentArgsError);
        for (const m of messages) expect((e as Error).message).to.include(m);
        return;
      }
      expect.fail("expected the constructor to throw");
    };

    it("rejects a malformed, too large or host-bit CIDR", () => {
      fails({ cidrBlock: "10.0.0/16" }, 'cidrBlock = "10.0.0/16": must be an IPv4 CIDR block');
      fails({ cidrBlock: "10.0.0.0/8" }, "the prefix must be /16 to /22");
      fails({ cidrBlock: "10.0.1.0/16" }, "host bits are set");
      expect(cidrProblems("172.16.0.0/20")).to.deep.equal([]);
    });

    it("rejects one AZ, unknown NAT strategies and traffic types", () => {
      fails({ availabilityZones: 1 }, "availabilityZones = 1: must be a whole number from 2 to 6");
      fails({ natStrategy: "Sometimes" as never }, 'natStrategy = "Sometimes": must be one of None, Single, OnePerAz');
      fails({ flowLogTrafficType: "SOME" as never }, 'flowLogTrafficType = "SOME"');
    });

    it("rejects gateway services, duplicates and bad names among interface endpoints", () => {
      fails({ interfaceEndpoints: ["s3"] }, 'interfaceEndpoints: "s3" is reached through its free gateway endpoint');
      fails({ interfaceEndpoints: ["kms", "kms"] }, 'interfaceEndpoints: "kms" is listed twice');
      fails({ interfaceEndpoints: ["com.amazonaws.us-east-1.kms"] }, '"com.amazonaws.us-east-1.kms" is a full service name');
      fails({ interfaceEndpoints: ["KMS!"] }, 'interfaceEndpoints: "KMS!" is not an endpoint service suffix');
      fails({ gatewayEndpoints: ["sqs" as never] }, 'gatewayEndpoints: "sqs" has no gateway endpoint');
    });

    it("rejects a role path that does not start and end with /", () => {
      fails({ rolePlacement: { path: "test" } }, 'rolePlacement.path = "test"');
    });

    it("reports every problem at once", () => {
      fails({ cidrBlock: "nope", availabilityZones: 9, interfaceEndpoints: ["dynamodb"] }, "invalid arguments (3)", "cidrBlock", "availabilityZones = 9", '"dynamodb"');
    });
  });
});
