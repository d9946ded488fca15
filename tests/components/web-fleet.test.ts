import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { albAccessLogsBucketStatements, AlbTlsPolicy, instanceTypesFor, userDataProblems, WebFleet, WebFleetArgs } from "../../components/compute/web-fleet";
import { ComponentArgsError } from "../../components/security/policy-document";
import { EncryptedBucket } from "../../components/storage/encrypted-bucket";
import { RequiredTagKeys } from "../../shared/tags";
import taggable from "../../policy-packs/aws-compliance/taggable-types.json";
import { MockRecorder, promiseOf, setupMocks, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/22222222-3333-4444-a555-666666666666";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alarms";
const NETWORK = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"], privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"] };
const T = {
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  policy: "aws:autoscaling/policy:Policy",
  notification: "aws:autoscaling/notification:Notification",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  tg: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  profile: "aws:iam/instanceProfile:InstanceProfile",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
};
const taggableTypes = new Set(taggable.types);

describe("WebFleet", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(env: "dev" | "prod" = "dev", args: Partial<WebFleetArgs> = {}, name = "web") {
    const fleet = new WebFleet(name, {
      context: testContext(env),
      network: NETWORK,
      kmsKey: KEY_ARN,
      certificateArn: CERT_ARN,
      accessLogs: { bucket: "test-alb-logs" },
      ...args,
    });
    await mocks.settle();
    return fleet;
  }
  const sgNamed = (suffix: string) => mocks.ofType(T.sg).find((s) => s.name === `web-${suffix}`)!;
  const sgId = async (fleet: WebFleet, which: "alb" | "instances") => promiseOf(which === "alb" ? fleet.albSecurityGroupId : fleet.instanceSecurityGroupId);

  describe("launch template", () => {
    it("requires IMDSv2 with hop limit 1, monitors in detail, and gives no public IP and no SSH key", async () => {
      const fleet = await build();
      const lt = mocks.one(T.lt).inputs;
      expect(lt.metadataOptions).to.deep.equal({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
      expect(lt.monitoring).to.deep.equal({ enabled: true });
      expect(lt.networkInterfaces).to.deep.equal([{ deviceIndex: 0, associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [await sgId(fleet, "instances")] }]);
      expect(lt.keyName).to.equal(undefined);
      expect(lt.vpcSecurityGroupIds).to.equal(undefined);
    });

    it("encrypts a gp3 root volume with the given key", async () => {
      await build();
      expect(mocks.one(T.lt).inputs.blockDeviceMappings).to.deep.equal([
        { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", kmsKeyId: KEY_ARN, deleteOnTermination: "true" } },
      ]);
    });

    it("boots the latest Amazon Linux 2023 from its public SSM parameter, with the instance profile", async () => {
      await build();
      const lt = mocks.one(T.lt).inputs;
      expect(lt.imageId).to.match(/^ami-[0-9a-f]{17}$/);
      expect(mocks.invokes).to.include("aws:ssm/getParameter:getParameter");
      expect(lt.iamInstanceProfile.arn).to.match(/^arn:aws:iam::123456789012:instance-profile\//);
      expect(lt.instanceType).to.equal("t3.medium");
    });

    it("passes the bootstrap script base64-encoded and tags instances, volumes and interfaces", async () => {
      await build("dev", { userData: "#!/bin/bash\ndnf -y install nginx\n" });
      const lt = mocks.one(T.lt).inputs;
      expect(Buffer.from(lt.userData, "base64").toString("utf8")).to.equal("#!/bin/bash\ndnf -y install nginx\n");
      expect(lt.tagSpecifications.map((s: any) => s.resourceType)).to.deep.equal(["instance", "volume", "network-interface"]);
      for (const s of lt.tagSpecifications) expect(s.tags).to.include.keys(...RequiredTagKeys);
    });

    it("allows a second metadata hop for container hosts", async () => {
      await build("dev", { containers: true });
      expect(mocks.one(T.lt).inputs.metadataOptions.httpPutResponseHopLimit).to.equal(2);
    });
  });

  describe("instance role", () => {
    it("is assumed by EC2 and carries only the SSM core and CloudWatch agent managed policies", async () => {
      const fleet = await build();
      const [trust] = statementsOf(mocks.one(T.role).inputs.assumeRolePolicy);
      expect(trust.Principal).to.deep.equal({ Service: "ec2.amazonaws.com" });
      expect(mocks.ofType(T.attachment).map((a) => a.inputs.policyArn)).to.have.members([
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
      ]);
      expect(mocks.ofType(T.attachment)).to.have.length(2);
      expect(mocks.one(T.profile).inputs.role).to.equal(await promiseOf(fleet.instanceRoleName));
      expect(fleet.instanceRole).to.be.instanceOf(aws.iam.Role);
      expect(await promiseOf(fleet.instanceRoleArn)).to.match(/^arn:aws:iam::123456789012:role\//);
    });

    it("lives under the platform's path and permissions boundary when given", async () => {
      await build("dev", { rolePlacement: { path: "/test/", permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" } });
      expect(mocks.one(T.role).inputs).to.include({ path: "/test/", permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary" });
      expect(mocks.one(T.profile).inputs.path).to.equal("/test/");
    });
  });

  describe("auto scaling group", () => {
    it("runs in the private subnets with ELB health checks, the template's latest version and a rolling refresh (AutoScaling.1/2/9)", async () => {
      const fleet = await build();
      const asg = mocks.one(T.asg).inputs;
      expect(asg.vpcZoneIdentifiers).to.deep.equal(NETWORK.privateSubnetIds);
      expect(asg).to.include({ healthCheckType: "ELB", healthCheckGracePeriod: 300 });
      expect(asg.targetGroupArns).to.deep.equal([await promiseOf(fleet.targetGroupArn)]);
      expect(asg.launchTemplate).to.equal(undefined);
      expect(asg.mixedInstancesPolicy.launchTemplate.launchTemplateSpecification).to.deep.equal({ launchTemplateId: await promiseOf(fleet.launchTemplateId), version: "1" });
      expect(asg.instanceRefresh).to.deep.equal({ strategy: "Rolling", preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, autoRollback: true } });
      expect(asg.availabilityZones).to.equal(undefined);
    });

    it("launches On-Demand instances of two types, the profile's first and its sibling as fallback (AutoScaling.6)", async () => {
      await build();
      const mip = mocks.one(T.asg).inputs.mixedInstancesPolicy;
      expect(mip.instancesDistribution).to.deep.equal({ onDemandAllocationStrategy: "prioritized", onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 });
      expect(mip.launchTemplate.overrides).to.deep.equal([{ instanceType: "t3.medium" }, { instanceType: "t3a.medium" }]);
      expect(instanceTypesFor("m7i.large")).to.deep.equal(["m7i.large", "m6i.large"]);
      expect(instanceTypesFor("x2idn.large")).to.deep.equal(["x2idn.large"]);
    });

    it("launches the instance types the caller names, in order", async () => {
      await build("prod", { instanceTypes: ["c7i.xlarge", "c6i.xlarge", "c5.xlarge"] });
      expect(mocks.one(T.asg).inputs.mixedInstancesPolicy.launchTemplate.overrides.map((o: any) => o.instanceType)).to.deep.equal(["c7i.xlarge", "c6i.xlarge", "c5.xlarge"]);
      expect(mocks.one(T.lt).inputs.instanceType).to.equal("c7i.xlarge");
    });

    it("propagates the required tags to the instances it launches", async () => {
      await build();
      const tags = mocks.one(T.asg).inputs.tags as { key: string; value: string; propagateAtLaunch: boolean }[];
      expect(tags.map((t) => t.key)).to.include.members([...RequiredTagKeys, "Name"]);
      for (const t of tags) expect(t.propagateAtLaunch).to.equal(true);
    });

    it("tracks 50% average CPU", async () => {
      const fleet = await build();
      const policy = mocks.one(T.policy).inputs;
      expect(policy).to.include({ policyType: "TargetTrackingScaling", autoscalingGroupName: await promiseOf(fleet.autoScalingGroupName) });
      expect(policy.targetTrackingConfiguration).to.deep.equal({ predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" }, targetValue: 50 });
    });

    it("notifies the topic of launches, terminations and their failures when given", async () => {
      const fleet = await build("dev", { notificationTopicArn: TOPIC_ARN });
      const n = mocks.one(T.notification).inputs;
      expect(n.topicArn).to.equal(TOPIC_ARN);
      expect(n.groupNames).to.deep.equal([await promiseOf(fleet.autoScalingGroupName)]);
      expect(n.notifications).to.have.members(["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"]);
    });
  });

  describe("load balancer", () => {
    it("is an internet-facing ALB in the public subnets that drops invalid headers, mitigates desync strictly and logs (ELB.4/12/5)", async () => {
      const fleet = await build();
      const lb = mocks.one(T.lb).inputs;
      expect(lb).to.include({ loadBalancerType: "application", internal: false, dropInvalidHeaderFields: true, desyncMitigationMode: "strictest" });
      expect(lb.subnets).to.deep.equal(NETWORK.publicSubnetIds);
      expect(lb.securityGroups).to.deep.equal([await sgId(fleet, "alb")]);
      expect(lb.accessLogs).to.deep.equal({ bucket: "test-alb-logs", prefix: "alb", enabled: true });
    });

    it("serves HTTPS with the TLS 1.3/1.2 policy and redirects HTTP to it (ELB.1/17/18)", async () => {
      const fleet = await build();
      const listeners = mocks.ofType(T.listener).map((l) => l.inputs);
      expect(listeners).to.have.length(2);
      const httpsL = listeners.find((l) => l.protocol === "HTTPS")!;
      expect(httpsL).to.include({ port: 443, sslPolicy: AlbTlsPolicy, certificateArn: CERT_ARN });
      expect(httpsL.defaultActions).to.deep.equal([{ type: "forward", targetGroupArn: await promiseOf(fleet.targetGroupArn) }]);
      const httpL = listeners.find((l) => l.protocol === "HTTP")!;
      expect(httpL.port).to.equal(80);
      expect(httpL.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
      expect(AlbTlsPolicy).to.equal("ELBSecurityPolicy-TLS13-1-2-2021-06");
    });

    it("health-checks the instances on the app port over HTTP", async () => {
      await build("dev", { healthCheckPath: "/healthz" });
      const tg = mocks.one(T.tg).inputs;
      expect(tg).to.include({ port: 8080, protocol: "HTTP", targetType: "instance", vpcId: NETWORK.vpcId });
      expect(tg.healthCheck).to.include({ enabled: true, path: "/healthz", protocol: "HTTP", port: "traffic-port", matcher: "200-399" });
    });

    it("exposes the ALB's ARN, DNS name and zone", async () => {
      const fleet = await build();
      expect(await promiseOf(fleet.albArn)).to.match(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\//);
      expect(await promiseOf(fleet.albDnsName)).to.match(/\.elb\.amazonaws\.com$/);
      expect(await promiseOf(fleet.albZoneId)).to.equal("Z35SXDOTRQ7X7K");
    });

    it("dev without a certificate: one HTTP listener that forwards, port 80 open instead of 443", async () => {
      await build("dev", { certificateArn: undefined });
      const listeners = mocks.ofType(T.listener).map((l) => l.inputs);
      expect(listeners).to.have.length(1);
      expect(listeners[0]).to.include({ port: 80, protocol: "HTTP" });
      expect(listeners[0].defaultActions[0].type).to.equal("forward");
      const albRules = mocks.ofType(T.ingress).filter((r) => r.name.startsWith("web-alb-"));
      expect(albRules.map((r) => r.inputs.fromPort)).to.deep.equal([80]);
    });

    it("internal: in the private subnets, reachable from the named CIDR blocks", async () => {
      await build("dev", { internetFacing: false, albIngress: { cidrBlocks: ["10.0.0.0/16"] } });
      const lb = mocks.one(T.lb).inputs;
      expect(lb.internal).to.equal(true);
      expect(lb.subnets).to.deep.equal(NETWORK.privateSubnetIds);
      const albRules = mocks.ofType(T.ingress).filter((r) => r.name.startsWith("web-alb-"));
      expect(albRules.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4])).to.have.deep.members([
        [443, "10.0.0.0/16"],
        [80, "10.0.0.0/16"],
      ]);
    });
  });

  describe("security groups", () => {
    it("admits only CloudFront's origin-facing prefix list to the ALB, on 443 (the default)", async () => {
      const fleet = await build();
      const albRules = mocks.ofType(T.ingress).filter((r) => r.name.startsWith("web-alb-"));
      expect(albRules).to.have.length(1);
      expect(albRules[0]!.inputs).to.include({ securityGroupId: await sgId(fleet, "alb"), ipProtocol: "tcp", fromPort: 443, toPort: 443 });
      expect(albRules[0]!.inputs.prefixListId).to.match(/^pl-/);
      expect(albRules[0]!.inputs.cidrIpv4).to.equal(undefined);
      expect(mocks.invokes).to.include("aws:ec2/getManagedPrefixList:getManagedPrefixList");
    });

    it("opens 443 and 80 (redirect) to the internet when asked", async () => {
      await build("dev", { albIngress: "internet" });
      const albRules = mocks.ofType(T.ingress).filter((r) => r.name.startsWith("web-alb-"));
      expect(albRules.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4])).to.have.deep.members([
        [443, "0.0.0.0/0"],
        [80, "0.0.0.0/0"],
      ]);
    });

    it("lets the ALB reach only the instances' app port, and the instances accept it only from the ALB", async () => {
      const fleet = await build();
      const alb = await sgId(fleet, "alb");
      const instances = await sgId(fleet, "instances");
      const albOut = mocks.ofType(T.egress).filter((r) => r.inputs.securityGroupId === alb);
      expect(albOut.map((r) => r.inputs)).to.deep.equal([
        { securityGroupId: alb, ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: instances, description: albOut[0]!.inputs.description, tags: albOut[0]!.inputs.tags },
      ]);
      const instIn = mocks.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === instances);
      expect(instIn).to.have.length(1);
      expect(instIn[0]!.inputs).to.include({ fromPort: 8080, toPort: 8080, referencedSecurityGroupId: alb });
    });

    it("lets the instances out on HTTPS only", async () => {
      const fleet = await build();
      const instances = await sgId(fleet, "instances");
      const out = mocks.ofType(T.egress).filter((r) => r.inputs.securityGroupId === instances);
      expect(out.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).to.deep.equal([["tcp", 443, 443, "0.0.0.0/0"]]);
    });

    it("keeps no inline rules and describes every group and rule", async () => {
      await build();
      for (const sg of [sgNamed("alb"), sgNamed("instances")]) {
        expect(sg.inputs.ingress ?? []).to.deep.equal([]);
        expect(sg.inputs.egress ?? []).to.deep.equal([]);
        expect(sg.inputs.description).to.match(/^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]+$/);
      }
      for (const r of [...mocks.ofType(T.ingress), ...mocks.ofType(T.egress)]) expect(r.inputs.description).to.match(/^[A-Za-z0-9. _\-:/()#,@[\]+=;{}!$*]+$/);
    });

    it("allowFrom and allowTo add single-port rules between the instances and another group", async () => {
      const fleet = await build();
      fleet.allowFrom("admin", "sg-admin", 9000);
      fleet.allowTo("db", "sg-db", 5432);
      await mocks.settle();
      const instances = await sgId(fleet, "instances");
      expect(mocks.one(T.ingress, "web-from-admin").inputs).to.include({ securityGroupId: instances, referencedSecurityGroupId: "sg-admin", ipProtocol: "tcp", fromPort: 9000, toPort: 9000 });
      expect(mocks.one(T.egress, "web-to-db").inputs).to.include({ securityGroupId: instances, referencedSecurityGroupId: "sg-db", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 });
      expect(() => fleet.allowTo("bad", "sg-x", 0)).to.throw('allowTo("bad") port = 0: must be a port number from 1 to 65535');
    });
  });

  describe("dev and prod", () => {
    it("dev: 1 to 2 t3.medium (or t3a.medium) instances, no deletion protection", async () => {
      await build("dev");
      expect(mocks.one(T.asg).inputs).to.include({ minSize: 1, maxSize: 2 });
      expect(mocks.one(T.asg).inputs.mixedInstancesPolicy.launchTemplate.overrides).to.have.length(2);
      expect(mocks.one(T.lt).inputs.instanceType).to.equal("t3.medium");
      expect(mocks.one(T.lb).inputs.enableDeletionProtection).to.equal(false);
    });

    it("prod: 2 to 12 m7i.large (or m6i.large) instances, ALB deletion protection on (ELB.6)", async () => {
      await build("prod");
      expect(mocks.one(T.asg).inputs).to.include({ minSize: 2, maxSize: 12 });
      expect(mocks.one(T.asg).inputs.mixedInstancesPolicy.launchTemplate.overrides).to.deep.equal([{ instanceType: "m7i.large" }, { instanceType: "m6i.large" }]);
      expect(mocks.one(T.lt).inputs.instanceType).to.equal("m7i.large");
      expect(mocks.one(T.lb).inputs.enableDeletionProtection).to.equal(true);
    });

    it("tags every taggable resource in both", async () => {
      for (const env of ["dev", "prod"] as const) {
        mocks.reset();
        await build(env, { notificationTopicArn: TOPIC_ARN });
        const tagged = mocks.registrations.filter((r) => r.custom && taggableTypes.has(r.type) && r.type !== T.asg);
        expect(tagged.length).to.be.greaterThan(10);
        for (const r of tagged) expect(r.inputs.tags, `${r.type} ${r.name}`).to.include.keys(...RequiredTagKeys);
      }
    });
  });

  describe("access logs", () => {
    it("waits for an SSE-S3 EncryptedBucket's policy and logs to it", async () => {
      const context = testContext("dev");
      const logs = new EncryptedBucket("alb-logs", {
        context,
        encryption: "s3-managed",
        policyStatements: (b) => albAccessLogsBucketStatements({ bucketArn: b.arn, region: context.region }),
      });
      await build("dev", { accessLogs: { bucket: logs, prefix: "web" } });
      const lb = mocks.one(T.lb);
      expect(lb.inputs.accessLogs).to.deep.equal({ bucket: await promiseOf(logs.bucketName), prefix: "web", enabled: true });
      const policy = mocks.ofType(T.bucketPolicy).find((p) => p.name === "alb-logs-policy")!;
      expect(lb.dependencies).to.include(policy.urn);
    });

    it("lets ELB log delivery write under the prefix: service principal everywhere, plus the ELB account in older regions", async () => {
      const old = albAccessLogsBucketStatements({ bucketArn: "arn:aws:s3:::logs", region: "us-east-1", prefix: "web" });
      expect(old.map((s) => s.Sid)).to.deep.equal(["AlbLogDelivery", "AlbLogDeliveryElbAccount"]);
      expect(old[0]!.Principal).to.deep.equal({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
      expect(await promiseOf(old[0]!.Resource as any)).to.equal("arn:aws:s3:::logs/web/AWSLogs/123456789012/*");
      expect(await promiseOf((old[1]!.Principal as any).AWS)).to.equal("arn:aws:iam::127311923021:root");
      for (const s of old) expect(s.Action).to.deep.equal(["s3:PutObject"]);
      const recent = albAccessLogsBucketStatements({ bucketArn: "arn:aws:s3:::logs", region: "me-central-1" });
      expect(recent.map((s) => s.Sid)).to.deep.equal(["AlbLogDelivery"]);
      expect(await promiseOf(recent[0]!.Resource as any)).to.equal("arn:aws:s3:::logs/alb/AWSLogs/123456789012/*");
      await mocks.settle();
    });

    it("dev may run without access logs", async () => {
      await build("dev", { accessLogs: false });
      expect(mocks.one(T.lb).inputs.accessLogs).to.equal(undefined);
    });
  });

  describe("validation", () => {
    const fails = (env: "dev" | "prod", args: Partial<WebFleetArgs>, ...messages: string[]) => {
      try {
        new WebFleet("bad", { context: testContext(env), network: NETWORK, kmsKey: KEY_ARN, certificateArn: CERT_ARN, accessLogs: { bucket: "logs" }, ...args });
      } catch (e) {
        expect(e).to.be.instanceOf(ComponentArgsError);
        for (const m of messages) expect((e as Error).message).to.include(m);
        return;
      }
      expect.fail("expected the constructor to throw");
    };

    it("prod refuses a load balancer without a certificate or without access logs, and fewer than 2 instances", () => {
      fails("prod", { certificateArn: undefined }, "certificateArn is required in prod");
      fails("prod", { accessLogs: false }, "accessLogs is false in prod");
      fails("prod", { minSize: 1 }, "minSize = 1 in prod: at least 2 instances");
      fails("prod", { instanceTypes: ["m7i.large"] }, "instanceTypes = [m7i.large] in prod: name at least two types");
    });

    it("refuses an SSE-KMS log bucket", async () => {
      const kmsBucket = new EncryptedBucket("kms-logs", { context: testContext("dev"), kmsKey: KEY_ARN });
      fails("dev", { accessLogs: { bucket: kmsBucket } }, "accessLogs.bucket is SSE-KMS: ALB access logs can only be written to an SSE-S3 bucket");
      await mocks.settle();
    });

    it("refuses ingress choices an ALB cannot honour", () => {
      fails("dev", { internetFacing: false, albIngress: "internet" }, 'albIngress "internet" with internetFacing false');
      fails("dev", { internetFacing: false }, 'albIngress "cloudfront" with internetFacing false');
      fails("dev", { albIngress: { cidrBlocks: ["0.0.0.0/0"] } }, 'albIngress.cidrBlocks: "0.0.0.0/0" is the whole internet');
      fails("dev", { albIngress: { cidrBlocks: [] } }, "albIngress.cidrBlocks is empty");
    });

    it("refuses bad sizes, ports and scripts with credentials", () => {
      fails("dev", { minSize: 3, maxSize: 2 }, "minSize (3) must be <= maxSize (2)");
      fails("dev", { appPort: 70000 }, "appPort = 70000");
      fails("dev", { rootVolumeSizeGiB: 4 }, "rootVolumeSizeGiB = 4");
      fails("dev", { instanceTypes: ["m7i.large", "m7i.large"] }, "instanceTypes lists a type twice");
      fails("dev", { instanceTypes: ["big"] }, 'instanceTypes: "big" is not an EC2 instance type');
      fails("dev", { healthCheckPath: "health" }, 'healthCheckPath = "health": must start with /');
      fails("dev", { userData: "export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP" }, "userData contains an AWS access key id");
      expect(userDataProblems("TOKEN=$(curl -X PUT http://169.254.169.254/latest/api/token)")).to.deep.equal([]);
    });

    it("reports every problem at once", () => {
      fails("prod", { certificateArn: undefined, accessLogs: false, appPort: 0 }, "invalid arguments (3)");
    });
  });
});
