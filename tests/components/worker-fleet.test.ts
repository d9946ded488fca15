import { expect } from "chai";
import { WorkerFleet, WorkerFleetArgs, GpuAmiParameter } from "../../components/compute/worker-fleet";
import { serviceRole } from "../../components/security/service-role";
import { RequiredTagKeys } from "../../shared/tags";
import taggable from "../../policy-packs/aws-compliance/taggable-types.json";
import { MockRecorder, promiseOf, setupMocks, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const NETWORK = { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"] };
const T = {
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  policy: "aws:autoscaling/policy:Policy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
};

describe("WorkerFleet", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(env: "dev" | "prod" = "dev", args: Partial<WorkerFleetArgs> = {}) {
    const fleet = new WorkerFleet("transcode", { context: testContext(env), network: NETWORK, kmsKey: KEY_ARN, instanceTypes: ["c7i.2xlarge", "c6i.2xlarge"], ...args });
    await mocks.settle();
    return fleet;
  }

  it("hardens the launch template as WebFleet does: IMDSv2, no public IP, encrypted gp3", async () => {
    await build();
    const lt = mocks.one(T.lt).inputs;
    expect(lt.metadataOptions).to.include({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(lt.networkInterfaces[0].associatePublicIpAddress).to.equal("false");
    expect(lt.blockDeviceMappings[0].ebs).to.deep.equal({ volumeType: "gp3", volumeSize: 100, encrypted: "true", kmsKeyId: KEY_ARN, deleteOnTermination: "true" });
    expect(lt.keyName).to.equal(undefined);
    expect(lt.iamInstanceProfile.arn).to.match(/instance-profile\//);
  });

  it("runs an Auto Scaling group in the private subnets with no load balancer, the compute types in order", async () => {
    await build();
    const asg = mocks.one(T.asg).inputs;
    expect(asg.vpcZoneIdentifiers).to.deep.equal(NETWORK.privateSubnetIds);
    expect(asg.targetGroupArns ?? []).to.deep.equal([]);
    expect(asg.healthCheckType).to.equal("EC2");
    expect(asg.mixedInstancesPolicy.launchTemplate.overrides).to.deep.equal([{ instanceType: "c7i.2xlarge" }, { instanceType: "c6i.2xlarge" }]);
    expect(mocks.ofType(T.lb)).to.have.length(0);
    expect(mocks.ofType(T.ingress), "workers take no inbound traffic").to.have.length(0);
    expect(mocks.ofType(T.egress).map((e) => e.inputs.fromPort)).to.deep.equal([443]);
  });

  it("scales by target tracking on jobs waiting per in-service instance", async () => {
    const fleet = await build("dev", { targetBacklogPerInstance: 3 });
    const policy = mocks.one(T.policy).inputs;
    expect(policy.policyType).to.equal("TargetTrackingScaling");
    const tt = policy.targetTrackingConfiguration;
    expect(tt.targetValue).to.equal(3);
    const metrics = tt.customizedMetricSpecification.metrics;
    const visible = metrics.find((m: any) => m.id === "visible");
    expect(visible.metricStat.metric).to.deep.include({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" });
    expect(visible.metricStat.metric.dimensions).to.deep.equal([{ name: "QueueName", value: await promiseOf(fleet.queueName) }]);
    expect(metrics.find((m: any) => m.id === "inservice").metricStat.metric.metricName).to.equal("GroupInServiceInstances");
    expect(metrics.find((m: any) => m.returnData === true).expression).to.equal("visible / inservice");
  });

  it("owns a KMS-encrypted job queue whose failures go to a KMS-encrypted DLQ, both TLS-only", async () => {
    const fleet = await build("dev", { queue: { maxReceiveCount: 5, visibilityTimeoutSeconds: 1800 } });
    const [dlq, jobs] = [mocks.one(T.queue, "transcode-dlq").inputs, mocks.one(T.queue, "transcode-jobs").inputs];
    for (const q of [dlq, jobs]) expect(q.kmsMasterKeyId).to.equal(KEY_ARN);
    expect(jobs.visibilityTimeoutSeconds).to.equal(1800);
    expect(JSON.parse(jobs.redrivePolicy)).to.deep.equal({ deadLetterTargetArn: await promiseOf(fleet.deadLetterQueueArn!), maxReceiveCount: 5 });
    const policies = mocks.ofType(T.queuePolicy);
    expect(policies).to.have.length(2);
    for (const p of policies) expect(JSON.parse(p.inputs.policy).Statement[0]).to.deep.include({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("consumes a queue passed to it instead of creating one", async () => {
    const existing = { arn: "arn:aws:sqs:us-east-1:123456789012:jobs", url: "https://sqs/jobs", name: "jobs", kmsKeyArn: KEY_ARN };
    await build("dev", { queue: { existing } });
    expect(mocks.ofType(T.queue)).to.have.length(0);
    const grant = mocks.ofType(T.rolePolicy).find((p) => p.name.endsWith("consume-jobs"))!;
    expect(statementsOf(grant.inputs.policy)[0].Resource).to.equal(existing.arn);
  });

  it("lets the workers consume the queue and protect themselves from scale-in, naming every action and resource", async () => {
    const fleet = await build();
    const statements = statementsOf(mocks.ofType(T.rolePolicy).find((p) => p.name.endsWith("consume-jobs"))!.inputs.policy);
    expect(statements.map((s: any) => s.Sid)).to.deep.equal(["ConsumeJobs", "DecryptJobs", "ScaleInProtection"]);
    expect(statements[0].Action).to.include.members(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]);
    expect(statements[0].Resource).to.equal(await promiseOf(fleet.queueArn));
    expect(statements[2].Resource).to.equal(await promiseOf(fleet.autoScalingGroupArn));
    for (const s of statements) for (const a of [s.Action].flat()) expect(a).not.to.match(/\*/);
  });

  it("grantSendJobs gives a producer SendMessage and the key's data-key actions only", async () => {
    const fleet = await build();
    const role = serviceRole(fleet, "producer", { context: testContext("dev"), service: "lambda.amazonaws.com", description: "test" });
    fleet.grantSendJobs(role);
    await mocks.settle();
    const statements = statementsOf(mocks.ofType(T.rolePolicy).find((p) => p.name.endsWith("send-jobs"))!.inputs.policy);
    expect(statements[0].Action).to.deep.equal(["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]);
    expect(statements[1]).to.deep.include({ Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KEY_ARN });
  });

  it("GPU by config: GPU types with the GPU AMI parameter; refuses mixing the two", async () => {
    await build("dev", { gpu: true, instanceTypes: ["g5.2xlarge", "g6.2xlarge"] });
    expect(mocks.invokes).to.include("aws:ssm/getParameter:getParameter");
    expect(mocks.one(T.lt).inputs.description).to.match(/GPU/);
    expect(GpuAmiParameter).to.match(/nvidia/);
    expect(() => new WorkerFleet("bad", { context: testContext("dev"), network: NETWORK, kmsKey: KEY_ARN, instanceTypes: ["c7i.large"], gpu: true })).to.throw(/has no GPU/);
    expect(() => new WorkerFleet("bad2", { context: testContext("dev"), network: NETWORK, kmsKey: KEY_ARN, instanceTypes: ["g5.xlarge"] })).to.throw(/is a GPU type/);
  });

  it("min 0: an alarm on 'desired 0 and jobs waiting' sets the desired capacity to 1 through a step policy", async () => {
    const fleet = await build("dev", { minSize: 0 });
    expect(mocks.one(T.asg).inputs.minSize).to.equal(0);
    const fromZero = mocks.one(T.policy, "transcode-from-zero");
    expect(fromZero.inputs).to.deep.include({ policyType: "StepScaling", adjustmentType: "ExactCapacity", stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }] });
    const alarmRegistration = mocks.one(T.alarm, "transcode-jobs-waiting-no-workers");
    const alarm = alarmRegistration.inputs;
    // Its one action is the step policy's ARN (the mocks give policies no ARN: the dependency proves the link).
    expect(alarm.alarmActions).to.have.length(1);
    expect(alarmRegistration.dependencies).to.include(fromZero.urn);
    expect(alarm).to.deep.include({ comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    const q = Object.fromEntries(alarm.metricQueries.map((m: any) => [m.id, m]));
    expect(q.visible.metric).to.deep.include({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: await promiseOf(fleet.queueName) } });
    expect(q.desired.metric).to.deep.include({ namespace: "AWS/AutoScaling", metricName: "GroupDesiredCapacity", dimensions: { AutoScalingGroupName: await promiseOf(fleet.autoScalingGroupName) } });
    expect(q.startnow).to.deep.include({ expression: "IF(desired == 0 AND visible > 0, 1, 0)", returnData: true });
  });

  it("min 1 or more: no scale-from-zero alarm", async () => {
    await build("dev", { minSize: 1 });
    expect(mocks.ofType(T.alarm)).to.have.length(0);
    expect(mocks.ofType(T.policy).map((p) => p.inputs.policyType)).to.deep.equal(["TargetTrackingScaling"]);
  });

  it("spot: On-Demand base and percentage above it, price-capacity-optimized, capacity rebalancing; none by default", async () => {
    await build("prod", { spot: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 20 } });
    const asg = mocks.one(T.asg).inputs;
    expect(asg.mixedInstancesPolicy.instancesDistribution).to.deep.include({ onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 20, spotAllocationStrategy: "price-capacity-optimized" });
    expect(asg.capacityRebalance).to.equal(true);
    mocks.reset();
    await build("prod");
    const onDemand = mocks.one(T.asg).inputs;
    expect(onDemand.mixedInstancesPolicy.instancesDistribution).to.deep.include({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 100 });
    expect(onDemand.capacityRebalance).to.equal(undefined);
  });

  it("refuses one type in prod and impossible Spot settings, all at once", () => {
    expect(() => new WorkerFleet("bad", { context: testContext("prod"), network: NETWORK, kmsKey: KEY_ARN, instanceTypes: ["c7i.large"], maxSize: 4, spot: { onDemandBaseCapacity: 5, onDemandPercentageAboveBaseCapacity: 150 } }))
      .to.throw(/name at least two types[\s\S]*spot.onDemandBaseCapacity = 5: a whole number from 0 to maxSize \(4\)[\s\S]*spot.onDemandPercentageAboveBaseCapacity = 150/);
  });

  it("tags every taggable child with the required tags", async () => {
    await build("prod");
    const types = new Set(taggable.types);
    for (const r of mocks.registrations.filter((x) => x.custom && types.has(x.type))) {
      const tags = r.type === T.asg ? Object.fromEntries(r.inputs.tags.map((t: any) => [t.key, t.value])) : r.inputs.tags;
      for (const k of RequiredTagKeys) expect(tags?.[k], `${r.type} ${r.name} ${k}`).to.be.a("string");
    }
  });
});
