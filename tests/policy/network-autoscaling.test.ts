import { expect } from "chai";
import * as asg from "../../policy-packs/aws-compliance/policies/network-autoscaling";
import { res, UNKNOWN } from "../helpers/policy";
import { describePolicy, head } from "./network-cases";

const T = {
  group: "aws:autoscaling/group:Group",
  attachment: "aws:autoscaling/attachment:Attachment",
  trafficAttachment: "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment",
  notification: "aws:autoscaling/notification:Notification",
  lc: "aws:ec2/launchConfiguration:LaunchConfiguration",
  subnet: "aws:ec2/subnet:Subnet",
  awsxVpc: "awsx:ec2:Vpc",
};
const base = { minSize: 1, maxSize: 3 };
const lc = (inputs: Record<string, unknown>, name?: string) => res(T.lc, { imageId: "ami-1", instanceType: "m7g.large", ...inputs }, name ? { name } : {});

{
  const p = asg.autoscalingGroupElbHealthCheck;
  const group = res("aws:lb/targetGroup:TargetGroup", { port: 443, protocol: "HTTPS", vpcId: "v" }, { name: "web-tg" });
  const tg = res(T.group, { ...base, targetGroupArns: [UNKNOWN] }, { name: "web", deps: { targetGroupArns: [group] } });
  const plain = res(T.group, { ...base, name: "workers" }, { name: "workers" });
  const attach = res(T.attachment, { autoscalingGroupName: "workers", lbTargetGroupArn: UNKNOWN });
  describePolicy(p, [
    { it: "passes an ELB health check behind a target group", resources: [group, res(T.group, { ...base, targetGroupArns: [UNKNOWN], healthCheckType: "ELB" }, { deps: { targetGroupArns: [group] } })], expect: "pass" },
    { it: "passes a group with no load balancer", resources: [plain], expect: "pass" },
    { it: "fails the default EC2 health check behind a target group", resources: [group, tg], expect: [[head(p, tg), 'defaults to "EC2"', 'healthCheckType: "ELB"']] },
    { it: "is undecidable when the target groups are unknown and come from no target group or load balancer", resources: [res(T.group, { ...base, targetGroupArns: [UNKNOWN] }, { name: "web" })], expect: "unknown" },
    { it: "fails a group attached by an aws.autoscaling.Attachment (joined by group name)", resources: [plain, attach], expect: [[head(p, plain), "behind a load balancer"]] },
    { it: "counts a traffic source attachment joined by dependency", resources: [plain, res(T.trafficAttachment, { autoscalingGroupName: UNKNOWN }, { deps: { autoscalingGroupName: [plain] } })], expect: [[head(p, plain)]] },
    { it: "is undecidable when the health check type is unknown", resources: [res(T.group, { ...base, loadBalancers: ["clb"], healthCheckType: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingGroupMultiAz;
  const a = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1a" }, { name: "a" });
  const b = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1b" }, { name: "b" });
  const a2 = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1a" }, { name: "a2" });
  const unknownAz = res(T.subnet, { vpcId: "v", availabilityZone: UNKNOWN }, { name: "u" });
  const awsx = res(T.awsxVpc, { numberOfAvailabilityZones: 3 }, { name: "net" });
  const sameAz = res(T.group, { ...base, vpcZoneIdentifiers: [UNKNOWN, UNKNOWN] }, { name: "same", deps: { vpcZoneIdentifiers: [a, a2] } });
  const single = res(T.group, { ...base, vpcZoneIdentifiers: ["subnet-123"] }, { name: "single" });
  describePolicy(p, [
    { it: "passes subnets in two AZs", resources: [a, b, res(T.group, { ...base, vpcZoneIdentifiers: [UNKNOWN, UNKNOWN] }, { deps: { vpcZoneIdentifiers: [a, b] } })], expect: "pass" },
    { it: "passes the private subnets of an awsx VPC (unknown at preview)", resources: [awsx, res(T.group, { ...base, vpcZoneIdentifiers: UNKNOWN }, { deps: { vpcZoneIdentifiers: [awsx] } })], expect: "pass" },
    { it: "passes availabilityZones in two AZs", resources: [res(T.group, { ...base, availabilityZones: ["us-east-1a", "us-east-1b"] })], expect: "pass" },
    { it: "fails two subnets in the same AZ", resources: [a, a2, sameAz], expect: [[head(p, sameAz), "span 1 Availability Zone", "us-east-1a", "vpcZoneIdentifiers"]] },
    { it: "fails a single literal subnet", resources: [single], expect: [[head(p, single), "span 1"]] },
    { it: "reads the minimum from config", resources: [a, b, res(T.group, { ...base, vpcZoneIdentifiers: [UNKNOWN, UNKNOWN] }, { name: "two", deps: { vpcZoneIdentifiers: [a, b] } })], config: { minAzs: 3 }, expect: [["[AutoScaling.2] two", "at least 3"]] },
    { it: "is undecidable when a subnet's AZ is unknown and the count falls short", resources: [a, unknownAz, res(T.group, { ...base, vpcZoneIdentifiers: [UNKNOWN, UNKNOWN] }, { deps: { vpcZoneIdentifiers: [a, unknownAz] } })], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingGroupMultipleInstanceTypes;
  const mip = (overrides: unknown[]) => ({ ...base, mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides } } });
  const none = res(T.group, { ...base, launchTemplate: { id: "lt-1" } }, { name: "mono" });
  const one = res(T.group, mip([{ instanceType: "m7g.large" }]), { name: "one" });
  describePolicy(p, [
    { it: "passes two instance types", resources: [res(T.group, mip([{ instanceType: "m7g.large" }, { instanceType: "m6g.large" }]))], expect: "pass" },
    { it: "passes attribute-based instance selection", resources: [res(T.group, mip([{ instanceRequirements: { vcpuCount: { min: 2 } } }]))], expect: "pass" },
    { it: "fails a group without a mixed instances policy", resources: [none], expect: [[head(p, none), "single instance type", "mixedInstancesPolicy.launchTemplate.overrides"]] },
    { it: "fails a single override", resources: [one], expect: [[head(p, one), "allows 1 instance type (m7g.large)"]] },
    { it: "reads the minimum from config", resources: [one], config: { minInstanceTypes: 1 }, expect: "pass" },
    { it: "is undecidable when an override's type is unknown", resources: [res(T.group, mip([{ instanceType: UNKNOWN }]))], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingGroupLaunchTemplate;
  const withLc = res(T.group, { ...base, launchConfiguration: UNKNOWN }, { name: "legacy" });
  const nothing = res(T.group, { ...base }, { name: "bare" });
  describePolicy(p, [
    { it: "passes a launch template", resources: [res(T.group, { ...base, launchTemplate: { id: UNKNOWN, version: "$Latest" } })], expect: "pass" },
    { it: "passes a mixed instances policy", resources: [res(T.group, { ...base, mixedInstancesPolicy: { launchTemplate: {} } })], expect: "pass" },
    { it: "fails a launch configuration (even unknown at preview)", resources: [withLc], expect: [[head(p, withLc), "launch configuration", "aws.ec2.LaunchTemplate"]] },
    { it: "fails a group naming no template", resources: [nothing], expect: [[head(p, nothing), "names no launch template"]] },
  ]);
}

{
  const p = asg.autoscalingGroupNotifications;
  const all = ["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"];
  const group = res(T.group, { ...base, name: "web" }, { name: "web" });
  describePolicy(p, [
    { it: "passes a group notified of every event (joined by name)", resources: [group, res(T.notification, { groupNames: ["web"], notifications: all, topicArn: UNKNOWN })], expect: "pass" },
    { it: "fails a group without notifications (advisory by default)", resources: [group], expect: [[head(p, group), "no aws.autoscaling.Notification", "groupNames"]], level: "advisory" },
    { it: "fails missing error notifications", resources: [group, res(T.notification, { groupNames: UNKNOWN, notifications: all.slice(0, 2), topicArn: "t" }, { deps: { groupNames: [group] } })], expect: [[head(p, group), "EC2_INSTANCE_LAUNCH_ERROR"]] },
    { it: "reads the required types from config", resources: [group, res(T.notification, { groupNames: ["web"], notifications: all.slice(0, 2), topicArn: "t" })], config: { notificationTypes: all.slice(0, 2) }, expect: "pass" },
    { it: "is undecidable when a notification's types are unknown", resources: [group, res(T.notification, { groupNames: ["web"], notifications: UNKNOWN, topicArn: "t" })], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingLaunchConfigurationImdsv2;
  const none = lc({}, "lc");
  describePolicy(p, [
    { it: "passes httpTokens required", resources: [lc({ metadataOptions: { httpTokens: "required" } })], expect: "pass" },
    { it: "fails the default (optional)", resources: [none], expect: [[head(p, none), 'defaults to "optional"', 'httpTokens: "required"']] },
    { it: "is undecidable when httpTokens is unknown", resources: [lc({ metadataOptions: { httpTokens: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingLaunchConfigurationHopLimit;
  const three = lc({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } }, "lc");
  describePolicy(p, [
    { it: "passes the default hop limit", resources: [lc({ metadataOptions: { httpTokens: "required" } })], expect: "pass" },
    { it: "fails a hop limit above 1", resources: [three], expect: [[head(p, three), "is 3 (max 1)", "httpPutResponseHopLimit: 1"]] },
    { it: "reads the maximum from config", resources: [three], config: { maxHopLimit: 3 }, expect: "pass" },
    { it: "is undecidable when it is unknown", resources: [lc({ metadataOptions: { httpPutResponseHopLimit: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingLaunchConfigurationNoPublicIp;
  const pub = lc({ associatePublicIpAddress: true }, "lc");
  describePolicy(p, [
    { it: "passes no public IP", resources: [lc({ associatePublicIpAddress: false }), lc({})], expect: "pass" },
    { it: "fails associatePublicIpAddress: true", resources: [pub], expect: [[head(p, pub), "associatePublicIpAddress: false"]] },
    { it: "cannot run during preview when it is unknown", resources: [lc({ associatePublicIpAddress: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = asg.autoscalingLaunchConfigurationEbsEncrypted;
  const bare = lc({}, "lc");
  const off = lc({ rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] }, "lc-off");
  describePolicy(p, [
    { it: "passes encrypted root and EBS devices", resources: [lc({ rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] })], expect: "pass" },
    { it: "fails a root volume that is not set to encrypt", resources: [bare], expect: [[head(p, bare), "root volume", "rootBlockDevice: { encrypted: true }"]] },
    { it: "fails encrypted: false on an EBS device", resources: [off], expect: [[head(p, off), "ebsBlockDevices[0] has `encrypted: false`"]] },
    { it: "accepts absent flags under assumeEncryptionByDefault", resources: [bare], config: { assumeEncryptionByDefault: true }, expect: "pass" },
    { it: "is undecidable when a flag is unknown", resources: [lc({ rootBlockDevice: { encrypted: UNKNOWN } })], expect: "unknown" },
  ]);
}

describe("network-autoscaling policies", () => {
  it("have unique names prefixed autoscaling-", () => {
    const names = asg.policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const n of names) expect(n).to.match(/^autoscaling-[a-z0-9-]+$/);
  });
});
