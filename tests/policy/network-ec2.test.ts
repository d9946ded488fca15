import { expect } from "chai";
import * as ec2 from "../../policy-packs/aws-compliance/policies/network-ec2";
import { evaluate, findings, res, UNKNOWN } from "../helpers/policy";
import { describePolicy, head } from "./network-cases";

const T = {
  stack: "pulumi:pulumi:Stack",
  vpc: "aws:ec2/vpc:Vpc",
  awsxVpc: "awsx:ec2:Vpc",
  defaultVpc: "aws:ec2/defaultVpc:DefaultVpc",
  dsg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  sgIn: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgEg: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  flow: "aws:ec2/flowLog:FlowLog",
  vpce: "aws:ec2/vpcEndpoint:VpcEndpoint",
  subnet: "aws:ec2/subnet:Subnet",
  instance: "aws:ec2/instance:Instance",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  volume: "aws:ebs/volume:Volume",
  volAttach: "aws:ec2/volumeAttachment:VolumeAttachment",
  ebd: "aws:ebs/encryptionByDefault:EncryptionByDefault",
  sbpa: "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess",
  vbpa: "aws:ec2/vpcBlockPublicAccessOptions:VpcBlockPublicAccessOptions",
  eip: "aws:ec2/eip:Eip",
  eipAssoc: "aws:ec2/eipAssociation:EipAssociation",
  nat: "aws:ec2/natGateway:NatGateway",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  nacl: "aws:ec2/networkAcl:NetworkAcl",
  defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  naclAssoc: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
  eni: "aws:ec2/networkInterface:NetworkInterface",
  eniAttach: "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
  tgw: "aws:ec2transitgateway/transitGateway:TransitGateway",
  cvpn: "aws:ec2clientvpn/endpoint:Endpoint",
  vpn: "aws:ec2/vpnConnection:VpnConnection",
  spot: "aws:ec2/spotFleetRequest:SpotFleetRequest",
  selection: "aws:backup/selection:Selection",
};

/** A launch template of the stack, for instances whose template reference is unknown at preview. */
const template = res(T.lt, { imageId: "ami-1", metadataOptions: { httpTokens: "required" } }, { name: "web-template" });

// ---------------------------------------------------------------------------------------------
// Account-level settings
// ---------------------------------------------------------------------------------------------

{
  const ok = res(T.sbpa, { state: "block-all-sharing" }, { name: "sbpa" });
  const partial = res(T.sbpa, { state: "block-new-sharing" }, { name: "sbpa" });
  const stack = res(T.stack, {}, { name: "bank-prod" });
  describePolicy(ec2.ec2SnapshotBlockPublicAccess, [
    { it: "passes block-all-sharing", resources: [ok], expect: "pass" },
    { it: "passes a workload stack that does not manage the setting", resources: [stack], expect: "pass" },
    { it: "fails block-new-sharing, naming the fix", resources: [partial], expect: [[head(ec2.ec2SnapshotBlockPublicAccess, partial), '"block-new-sharing"', 'state: "block-all-sharing"']] },
    { it: "accepts the states listed in config", resources: [partial], config: { allowedStates: ["block-all-sharing", "block-new-sharing"] }, expect: "pass" },
    { it: "fails a stack without the setting when requireSetting is on", resources: [stack], config: { requireSetting: true }, expect: [[head(ec2.ec2SnapshotBlockPublicAccess, stack), "manages no aws.ebs.SnapshotBlockPublicAccess"]] },
    { it: "is undecidable when the state is unknown", resources: [res(T.sbpa, { state: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const off = res(T.ebd, { enabled: false }, { name: "ebs-default" });
  const stack = res(T.stack, {}, { name: "baseline" });
  describePolicy(ec2.ec2EbsEncryptionByDefault, [
    { it: "passes enabled: true", resources: [res(T.ebd, { enabled: true })], expect: "pass" },
    { it: "passes an absent `enabled` (the provider default is true)", resources: [res(T.ebd, {})], expect: "pass" },
    { it: "fails enabled: false", resources: [off], expect: [[head(ec2.ec2EbsEncryptionByDefault, off), '`enabled` is "false"', "enabled: true"]] },
    { it: "fails a baseline stack without the resource when requireSetting is on", resources: [stack], config: { requireSetting: true }, expect: [[head(ec2.ec2EbsEncryptionByDefault, stack), "aws.ebs.EncryptionByDefault"]] },
    { it: "is undecidable when `enabled` is unknown", resources: [res(T.ebd, { enabled: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const off = res(T.vbpa, { internetGatewayBlockMode: "off" }, { name: "vbpa" });
  const ingress = res(T.vbpa, { internetGatewayBlockMode: "block-ingress" }, { name: "vbpa-in" });
  describePolicy(ec2.ec2VpcBlockPublicAccess, [
    { it: "passes block-ingress", resources: [ingress], expect: "pass" },
    { it: "fails off", resources: [off], expect: [[head(ec2.ec2VpcBlockPublicAccess, off), '"off"', "block-bidirectional"]] },
    { it: "reads the accepted modes from config", resources: [ingress], config: { allowedModes: ["block-bidirectional"] }, expect: [[head(ec2.ec2VpcBlockPublicAccess, ingress)]] },
    { it: "is undecidable when the mode is unknown", resources: [res(T.vbpa, { internetGatewayBlockMode: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// EC2.2 default security groups
// ---------------------------------------------------------------------------------------------

{
  const vpc = res(T.vpc, { cidrBlock: "10.0.0.0/16" }, { name: "main" });
  const closed = res(T.dsg, { vpcId: UNKNOWN }, { name: "default-sg", deps: { vpcId: [vpc] } });
  const open = res(T.dsg, { vpcId: UNKNOWN, ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }, { name: "default-sg" });
  const dsg = res(T.dsg, { vpcId: UNKNOWN }, { name: "default-sg2" });
  const added = res(T.sgIn, { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/8" }, { name: "extra", deps: { securityGroupId: [dsg] } });
  const viaVpc = res(T.sgEg, { securityGroupId: UNKNOWN, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }, { name: "egress-all", deps: { securityGroupId: [vpc] } });
  describePolicy(ec2.ec2DefaultSecurityGroupClosed, [
    { it: "passes a default security group with no rules", resources: [vpc, closed], expect: "pass" },
    { it: "fails inline rules", resources: [open], expect: [[head(ec2.ec2DefaultSecurityGroupClosed, open), "1 inline `ingress` rule", "aws.ec2.DefaultSecurityGroup"]] },
    { it: "fails rule resources attached to it", resources: [dsg, added], expect: [[head(ec2.ec2DefaultSecurityGroupClosed, dsg), "rule resource extra"]] },
    { it: "fails a rule resource writing into vpc.defaultSecurityGroupId", resources: [vpc, viaVpc], expect: [[head(ec2.ec2DefaultSecurityGroupClosed, viaVpc), "default security group of VPC main", "dedicated aws.ec2.SecurityGroup"]] },
    { it: "is undecidable when the inline rules are unknown", resources: [res(T.dsg, { ingress: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const vpc = res(T.vpc, {}, { name: "main" });
  const awsx = res(T.awsxVpc, { numberOfAvailabilityZones: 2 }, { name: "net" });
  const defaultVpc = res(T.defaultVpc, {}, { name: "legacy" });
  describePolicy(ec2.ec2VpcAdoptsDefaultSecurityGroup, [
    { it: "passes a VPC whose default group is adopted", resources: [vpc, res(T.dsg, { vpcId: UNKNOWN }, { deps: { vpcId: [vpc] } })], expect: "pass" },
    { it: "passes an awsx VPC adopted through vpcId: vpc.vpcId", resources: [awsx, res(T.dsg, { vpcId: UNKNOWN }, { deps: { vpcId: [awsx] } })], expect: "pass" },
    { it: "fails a VPC without one", resources: [vpc], expect: [[head(ec2.ec2VpcAdoptsDefaultSecurityGroup, vpc), "vpcId: vpc.id"]] },
    { it: "fails an awsx VPC without one, with the awsx fix", resources: [awsx], expect: [[head(ec2.ec2VpcAdoptsDefaultSecurityGroup, awsx), "vpcId: vpc.vpcId"]] },
    { it: "fails an adopted default VPC without one", resources: [defaultVpc], expect: [[head(ec2.ec2VpcAdoptsDefaultSecurityGroup, defaultVpc)]] },
    { it: "is undecidable when a default group's vpcId is unknown and untraceable", resources: [vpc, res(T.dsg, { vpcId: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// EBS encryption
// ---------------------------------------------------------------------------------------------

{
  const bare = res(T.volume, { availabilityZone: "us-east-1a", size: 10 }, { name: "data" });
  const off = res(T.volume, { availabilityZone: "us-east-1a", encrypted: false }, { name: "data-off" });
  describePolicy(ec2.ec2EbsVolumeEncrypted, [
    { it: "passes an encrypted volume", resources: [res(T.volume, { availabilityZone: "us-east-1a", encrypted: true, kmsKeyId: UNKNOWN })], expect: "pass" },
    { it: "fails a volume that does not set `encrypted`", resources: [bare], expect: [[head(ec2.ec2EbsVolumeEncrypted, bare), "does not set `encrypted`", "encrypted: true"]] },
    { it: "fails encrypted: false", resources: [off], expect: [[head(ec2.ec2EbsVolumeEncrypted, off), "encrypted: false"]] },
    { it: "accepts an absent flag when config says the account encrypts by default", resources: [bare], config: { assumeEncryptionByDefault: true }, expect: "pass" },
    { it: "still fails encrypted: false with that config", resources: [off], config: { assumeEncryptionByDefault: true }, expect: [[head(ec2.ec2EbsVolumeEncrypted, off)]] },
    { it: "cannot run during preview when `encrypted` is unknown", resources: [res(T.volume, { availabilityZone: "a", encrypted: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const good = res(T.instance, { rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] }, { name: "app" });
  const noRoot = res(T.instance, { instanceType: "t3.micro" }, { name: "web" });
  const badEbs = res(T.instance, { rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] }, { name: "db" });
  describePolicy(ec2.ec2InstanceEbsEncrypted, [
    { it: "passes encrypted root and EBS devices", resources: [good], expect: "pass" },
    { it: "leaves the root volume to the launch template (of the stack, or named)", resources: [template, res(T.instance, { launchTemplate: { id: UNKNOWN } }, { deps: { launchTemplate: [template] } }), res(T.instance, { launchTemplate: { name: "web" } })], expect: "pass" },
    { it: "is undecidable when the launch template is unknown and comes from no launch template", resources: [res(T.instance, { launchTemplate: { id: UNKNOWN } })], expect: "unknown" },
    { it: "fails an instance without an encrypted root device", resources: [noRoot], expect: [[head(ec2.ec2InstanceEbsEncrypted, noRoot), "root volume (from the AMI)", "rootBlockDevice: { encrypted: true }"]] },
    { it: "fails an unencrypted EBS device", resources: [badEbs], expect: [[head(ec2.ec2InstanceEbsEncrypted, badEbs), "ebsBlockDevices[0] has `encrypted: false`"]] },
    { it: "accepts absent flags under assumeEncryptionByDefault", resources: [noRoot], config: { assumeEncryptionByDefault: true }, expect: "pass" },
    { it: "is undecidable when a device's flag is unknown", resources: [res(T.instance, { rootBlockDevice: { encrypted: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const good = res(T.lt, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }] }, { name: "lt" });
  const bad = res(T.lt, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }, { name: "lt-bad" });
  const none = res(T.lt, { imageId: "ami-1" }, { name: "lt-none" });
  describePolicy(ec2.ec2LaunchTemplateEbsEncrypted, [
    { it: 'passes ebs.encrypted "true"', resources: [good], expect: "pass" },
    { it: 'fails ebs.encrypted "false"', resources: [bad], expect: [[head(ec2.ec2LaunchTemplateEbsEncrypted, bad), "blockDeviceMappings[0] (/dev/xvda) has `encrypted: false`", 'ebs: { encrypted: "true" }']] },
    { it: "fails a template with no block device mappings", resources: [none], expect: [[head(ec2.ec2LaunchTemplateEbsEncrypted, none), "no `blockDeviceMappings` encrypt the root volume"]] },
    { it: "accepts no mappings under assumeEncryptionByDefault", resources: [none], config: { assumeEncryptionByDefault: true }, expect: "pass" },
    { it: "is undecidable when a mapping's flag is unknown", resources: [res(T.lt, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: UNKNOWN } }] })], expect: "unknown" },
  ]);
}

{
  const spec = (root: unknown, ebs: unknown[] = []) => ({ iamFleetRole: "r", targetCapacity: 1, launchSpecifications: [{ ami: "ami-1", instanceType: "m5.large", rootBlockDevices: root, ebsBlockDevices: ebs }] });
  const bad = res(T.spot, spec([{ encrypted: true }], [{ deviceName: "/dev/sdf", encrypted: false }]), { name: "fleet" });
  const noRoot = res(T.spot, spec(undefined), { name: "fleet2" });
  describePolicy(ec2.ec2SpotFleetEbsEncrypted, [
    { it: "passes encrypted launch specifications", resources: [res(T.spot, spec([{ encrypted: true }], [{ deviceName: "/dev/sdf", encrypted: true }]))], expect: "pass" },
    { it: "passes a fleet of launch templates", resources: [res(T.spot, { iamFleetRole: "r", targetCapacity: 1, launchTemplateConfigs: [{ launchTemplateSpecification: { id: UNKNOWN } }] })], expect: "pass" },
    { it: "fails an unencrypted EBS device", resources: [bad], expect: [[head(ec2.ec2SpotFleetEbsEncrypted, bad), "launchSpecifications[0].ebsBlockDevices[0] has `encrypted: false`"]] },
    { it: "fails a spec without a root device", resources: [noRoot], expect: [[head(ec2.ec2SpotFleetEbsEncrypted, noRoot), "leaves the root volume unencrypted"]] },
    { it: "accepts it under assumeEncryptionByDefault", resources: [noRoot], config: { assumeEncryptionByDefault: true }, expect: "pass" },
    { it: "is undecidable when a flag is unknown", resources: [res(T.spot, spec([{ encrypted: UNKNOWN }]))], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// EC2.6 flow logs
// ---------------------------------------------------------------------------------------------

{
  const vpc = res(T.vpc, {}, { name: "main" });
  const awsx = res(T.awsxVpc, {}, { name: "net" });
  const log = (target: ReturnType<typeof res>, trafficType: unknown) => res(T.flow, { vpcId: UNKNOWN, trafficType, logDestination: UNKNOWN }, { deps: { vpcId: [target] } });
  describePolicy(ec2.ec2VpcFlowLogs, [
    { it: "passes a VPC with an ALL flow log", resources: [vpc, log(vpc, "ALL")], expect: "pass" },
    { it: "passes an awsx VPC whose flow log depends on it", resources: [awsx, log(awsx, "REJECT")], expect: "pass" },
    { it: "fails a VPC without a flow log", resources: [vpc], expect: [[head(ec2.ec2VpcFlowLogs, vpc), "no aws.ec2.FlowLog", 'trafficType: "ALL"']] },
    {
      it: "leaves the aws:ec2/vpc child a real engine registers inside awsx to the component",
      resources: [awsx, res(T.vpc, {}, { name: "net-child", parent: awsx }), log(awsx, "ALL")],
      expect: "pass",
    },
    { it: "fails a flow log that only captures accepted traffic", resources: [vpc, log(vpc, "ACCEPT")], expect: [[head(ec2.ec2VpcFlowLogs, vpc), '"ACCEPT" only']] },
    { it: "accepts the traffic types listed in config", resources: [vpc, log(vpc, "ACCEPT")], config: { trafficTypes: ["ALL", "REJECT", "ACCEPT"] }, expect: "pass" },
    { it: "is undecidable when the traffic type is unknown", resources: [vpc, log(vpc, UNKNOWN)], expect: "unknown" },
    { it: "is undecidable when a flow log's vpcId cannot be traced", resources: [vpc, res(T.flow, { vpcId: UNKNOWN, trafficType: "ALL" })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// IMDS
// ---------------------------------------------------------------------------------------------

{
  const none = res(T.instance, { instanceType: "t3.micro" }, { name: "web" });
  const optional = res(T.instance, { metadataOptions: { httpTokens: "optional" } }, { name: "web2" });
  describePolicy(ec2.ec2InstanceImdsv2, [
    { it: "passes httpTokens required", resources: [res(T.instance, { metadataOptions: { httpTokens: "required" } })], expect: "pass" },
    { it: "passes a disabled metadata endpoint", resources: [res(T.instance, { metadataOptions: { httpEndpoint: "disabled" } })], expect: "pass" },
    { it: "leaves it to the launch template (of the stack)", resources: [template, res(T.instance, { launchTemplate: { id: UNKNOWN, version: "$Latest" } }, { deps: { launchTemplate: [template] } })], expect: "pass" },
    { it: "is undecidable when the launch template is unknown and comes from no launch template", resources: [res(T.instance, { launchTemplate: { id: UNKNOWN, version: "$Latest" } })], expect: "unknown" },
    { it: "cannot decide an instance without metadataOptions (the AMI's ImdsSupport decides, which preview cannot see)", resources: [none], expect: "unknown" },
    { it: "cannot decide metadataOptions without httpTokens", resources: [res(T.instance, { metadataOptions: { httpPutResponseHopLimit: 1 } })], expect: "unknown" },
    { it: "fails httpTokens optional", resources: [optional], expect: [[head(ec2.ec2InstanceImdsv2, optional), '"optional"']] },
    { it: "is undecidable when httpTokens is unknown", resources: [res(T.instance, { metadataOptions: { httpTokens: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const none = res(T.lt, {}, { name: "lt" });
  describePolicy(ec2.ec2LaunchTemplateImdsv2, [
    { it: "passes httpTokens required", resources: [res(T.lt, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } })], expect: "pass" },
    { it: "cannot decide a template without metadataOptions (the AMI decides)", resources: [none], expect: "unknown" },
    { it: "fails httpTokens optional", resources: [res(T.lt, { metadataOptions: { httpTokens: "optional" } }, { name: "lt2" })], expect: [[head(ec2.ec2LaunchTemplateImdsv2, res(T.lt, {}, { name: "lt2" })), "IMDSv1 allowed", 'httpTokens: "required"']] },
    { it: "is undecidable when httpTokens is unknown", resources: [res(T.lt, { metadataOptions: { httpTokens: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const two = res(T.lt, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }, { name: "ecs-hosts" });
  describePolicy(ec2.ec2ImdsHopLimit, [
    { it: "passes the default hop limit", resources: [res(T.instance, {}), res(T.lt, { metadataOptions: { httpTokens: "required" } })], expect: "pass" },
    { it: "fails a hop limit of 2 (mandatory: medium severity)", resources: [two], expect: [[head(ec2.ec2ImdsHopLimit, two), "is 2 (max 1)", "httpPutResponseHopLimit: 1"]], level: "mandatory" },
    { it: "reads the maximum from config", resources: [two], config: { maxHopLimit: 2 }, expect: "pass" },
    { it: "is undecidable when the hop limit is unknown", resources: [res(T.instance, { metadataOptions: { httpPutResponseHopLimit: UNKNOWN } })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Public IPs
// ---------------------------------------------------------------------------------------------

{
  const publicSubnet = res(T.subnet, { vpcId: "vpc-1", mapPublicIpOnLaunch: true }, { name: "public-a" });
  const privateSubnet = res(T.subnet, { vpcId: "vpc-1" }, { name: "private-a" });
  const explicit = res(T.instance, { associatePublicIpAddress: true }, { name: "bastion" });
  const inPublic = res(T.instance, { subnetId: UNKNOWN }, { name: "web", deps: { subnetId: [publicSubnet] } });
  const awsxNet = res(T.awsxVpc, { numberOfAvailabilityZones: 2 }, { name: "net" });
  describePolicy(ec2.ec2InstanceNoPublicIp, [
    { it: "passes an instance in a private subnet", resources: [privateSubnet, res(T.instance, { subnetId: UNKNOWN }, { deps: { subnetId: [privateSubnet] } })], expect: "pass" },
    { it: "passes associatePublicIpAddress: false in a public subnet", resources: [publicSubnet, res(T.instance, { subnetId: UNKNOWN, associatePublicIpAddress: false }, { deps: { subnetId: [publicSubnet] } })], expect: "pass" },
    { it: "fails associatePublicIpAddress: true", resources: [explicit], expect: [[head(ec2.ec2InstanceNoPublicIp, explicit), "`associatePublicIpAddress` is true", "associatePublicIpAddress: false"]] },
    { it: "fails an instance in a subnet that maps public IPs", resources: [publicSubnet, inPublic], expect: [[head(ec2.ec2InstanceNoPublicIp, inPublic), "subnet public-a assigns public IPs"]] },
    {
      it: "fails an instance launched without a subnet: the default VPC's subnets assign public IPs",
      resources: [res(T.instance, { ami: "ami-1", instanceType: "t3.micro" }, { name: "loose" })],
      expect: [[head(ec2.ec2InstanceNoPublicIp, res(T.instance, {}, { name: "loose" })), "lands in the default VPC, whose subnets assign public IPs"]],
    },
    { it: "passes an instance placed by a launch template", resources: [res(T.instance, { launchTemplate: { id: UNKNOWN } })], expect: "pass" },
    { it: "is undecidable when associatePublicIpAddress is unknown", resources: [res(T.instance, { associatePublicIpAddress: UNKNOWN })], expect: "unknown" },
    { it: "passes a subnet of an awsx VPC (its subnets are judged by EC2.15) or a literal subnet id", resources: [awsxNet, res(T.instance, { subnetId: UNKNOWN }, { deps: { subnetId: [awsxNet] } }), res(T.instance, { subnetId: "subnet-0abc" })], expect: "pass" },
    { it: "is undecidable when the subnet is unknown and comes from no subnet or VPC of the stack", resources: [res(T.instance, { subnetId: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const pub = res(T.subnet, { vpcId: "vpc-1", mapPublicIpOnLaunch: true }, { name: "public-a" });
  const awsxPublic = res(T.awsxVpc, { subnetSpecs: [{ type: "Private" }, { type: "Public" }] }, { name: "net" });
  const awsxDefault = res(T.awsxVpc, { numberOfAvailabilityZones: 2 }, { name: "net-default" });
  describePolicy(ec2.ec2SubnetNoAutoPublicIp, [
    { it: "passes a subnet that does not map public IPs", resources: [res(T.subnet, { vpcId: "vpc-1" })], expect: "pass" },
    { it: "fails mapPublicIpOnLaunch: true", resources: [pub], expect: [[head(ec2.ec2SubnetNoAutoPublicIp, pub), "mapPublicIpOnLaunch: false"]] },
    { it: "passes an awsx VPC with private and isolated subnets only", resources: [res(T.awsxVpc, { subnetSpecs: [{ type: "Private" }, { type: "Isolated" }] })], expect: "pass" },
    { it: "fails an awsx VPC with Public subnet specs", resources: [awsxPublic], expect: [[head(ec2.ec2SubnetNoAutoPublicIp, awsxPublic), "Public subnets", "Private\"/\"Isolated"]] },
    { it: "fails an awsx VPC with the default layout (Private + Public)", resources: [awsxDefault], expect: [[head(ec2.ec2SubnetNoAutoPublicIp, awsxDefault), "default subnet layout"]] },
    {
      it: "judges awsx's subnets themselves when the engine registered them (no double report)",
      resources: [awsxPublic, res(T.subnet, { vpcId: UNKNOWN, mapPublicIpOnLaunch: true }, { name: "net-public-1", parent: awsxPublic })],
      expect: [["[EC2.15] net-public-1 (aws:ec2/subnet:Subnet)"]],
    },
    { it: "accepts an awsx VPC exempted with a reason (a transform turns the flag off)", resources: [awsxDefault], config: { exemptions: [{ resource: "urn:pulumi:test::test::awsx:ec2:Vpc::net-default", reason: "public subnets patched by a transform to mapPublicIpOnLaunch=false", expires: "2099-12-31" }] }, expect: [] },
    { it: "cannot run during preview when the flag is unknown", resources: [res(T.subnet, { vpcId: "v", mapPublicIpOnLaunch: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const bad = res(T.lt, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] }, { name: "lt" });
  describePolicy(ec2.ec2LaunchTemplateNoPublicIp, [
    { it: 'passes associatePublicIpAddress "false"', resources: [res(T.lt, { networkInterfaces: [{ associatePublicIpAddress: "false" }] })], expect: "pass" },
    { it: 'fails associatePublicIpAddress "true"', resources: [bad], expect: [[head(ec2.ec2LaunchTemplateNoPublicIp, bad), "networkInterfaces[0]", 'associatePublicIpAddress: "false"']] },
    { it: "is undecidable when it is unknown", resources: [res(T.lt, { networkInterfaces: [{ associatePublicIpAddress: UNKNOWN }] })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// VPC endpoints (EC2.10, EC2.55-60)
// ---------------------------------------------------------------------------------------------

for (const [policy, service, wrong, user] of [
  [ec2.ec2VpcEndpointEc2, "ec2", "ec2messages", undefined],
  [ec2.ec2VpcEndpointEcrApi, "ecr.api", "ecr.dkr", "aws:ecs/taskDefinition:TaskDefinition"],
  [ec2.ec2VpcEndpointEcrDkr, "ecr.dkr", "ecr.api", "aws:ecr/repository:Repository"],
  [ec2.ec2VpcEndpointSsm, "ssm", "ssmmessages", undefined],
  [ec2.ec2VpcEndpointSsmContacts, "ssm-contacts", "ssm", "aws:ssmcontacts/contact:Contact"],
  [ec2.ec2VpcEndpointSsmIncidents, "ssm-incidents", "ssm-contacts", "aws:ssmincidents/responsePlan:ResponsePlan"],
] as const) {
  const vpc = res(T.vpc, {}, { name: "main" });
  // The resource that makes the stack a user of the service (ECR, Incident Manager), if the rule needs one.
  const users = user ? [res(user, {})] : [];
  const endpoint = (svc: unknown) => res(T.vpce, { vpcId: UNKNOWN, serviceName: svc, vpcEndpointType: "Interface" }, { deps: { vpcId: [vpc] } });
  const awsx = res(T.awsxVpc, { vpcEndpointSpecs: [{ serviceName: `com.amazonaws.eu-west-1.${service}` }] }, { name: "net" });
  describePolicy(policy, [
    { it: `passes a VPC with a ${service} endpoint`, resources: [vpc, ...users, endpoint(`com.amazonaws.us-east-1.${service}`)], expect: "pass" },
    { it: "passes an awsx VPC with a vpcEndpointSpecs entry", resources: [awsx, ...users], expect: "pass" },
    { it: "fails a VPC without it (mandatory: medium severity)", resources: [vpc, ...users], expect: [[head(policy, vpc), `.${service}`, "aws.ec2.VpcEndpoint"]], level: "mandatory" },
    { it: `does not count an endpoint for ${wrong}`, resources: [vpc, ...users, endpoint(`com.amazonaws.us-east-1.${wrong}`)], expect: [[head(policy, vpc)]] },
    { it: "takes the level from config (advisory when a stack lowers it)", resources: [vpc, ...users], config: { enforcementLevel: "advisory" }, expect: [[head(policy, vpc)]], level: "advisory" },
    { it: "is undecidable when the endpoint's service name is unknown", resources: [vpc, ...users, endpoint(UNKNOWN)], expect: "unknown" },
    ...(user ? [{ it: "does not apply when the stack does not use the service", resources: [vpc], expect: "pass" as const }] : []),
  ]);
}

// ---------------------------------------------------------------------------------------------
// EC2.16, EC2.17, EC2.12
// ---------------------------------------------------------------------------------------------

{
  const lonely = res(T.nacl, { vpcId: "vpc-1" }, { name: "acl" });
  const assoc = res(T.naclAssoc, { networkAclId: UNKNOWN, subnetId: UNKNOWN }, { deps: { networkAclId: [lonely] } });
  describePolicy(ec2.ec2NetworkAclUnused, [
    { it: "passes a NACL with subnetIds", resources: [res(T.nacl, { vpcId: "v", subnetIds: ["subnet-1"] })], expect: "pass" },
    { it: "passes a NACL with an association", resources: [lonely, assoc], expect: "pass" },
    { it: "fails a NACL associated with nothing", resources: [lonely], expect: [[head(ec2.ec2NetworkAclUnused, lonely), "no subnet", "aws.ec2.NetworkAclAssociation"]] },
    { it: "is undecidable when subnetIds is unknown", resources: [res(T.nacl, { vpcId: "v", subnetIds: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const inst = res(T.instance, { subnetId: "subnet-1" }, { name: "router" });
  const attach = res(T.eniAttach, { instanceId: UNKNOWN, networkInterfaceId: UNKNOWN, deviceIndex: 1 }, { name: "eni-b", deps: { instanceId: [inst] } });
  const twoInline = res(T.instance, { networkInterfaces: [{ deviceIndex: 0, networkInterfaceId: "eni-1" }, { deviceIndex: 1, networkInterfaceId: "eni-2" }] }, { name: "dual" });
  const eni = res(T.eni, { subnetId: "s", attachments: [{ instance: UNKNOWN, deviceIndex: 1 }] }, { name: "eni-c", deps: { attachments: [inst] } });
  describePolicy(ec2.ec2InstanceSingleEni, [
    { it: "passes an instance with its primary interface only", resources: [inst], expect: "pass" },
    { it: "fails an extra interface attached by a NetworkInterfaceAttachment", resources: [inst, attach], expect: [[head(ec2.ec2InstanceSingleEni, inst), "uses 2 network interfaces", "eni-b"]] },
    { it: "fails an extra interface attached from the NetworkInterface side", resources: [inst, eni], expect: [[head(ec2.ec2InstanceSingleEni, inst), "eni-c"]] },
    { it: "fails two inline network interfaces", resources: [twoInline], expect: [[head(ec2.ec2InstanceSingleEni, twoInline), "networkInterfaces[1]"]] },
    { it: "reads the maximum from config", resources: [inst, attach], config: { maxEnis: 2 }, expect: "pass" },
    { it: "is undecidable when the interfaces are unknown", resources: [res(T.instance, { networkInterfaces: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const idle = res(T.eip, { domain: "vpc" }, { name: "spare" });
  const forNat = res(T.eip, { domain: "vpc" }, { name: "nat-ip" });
  const forLb = res(T.eip, { domain: "vpc" }, { name: "nlb-ip" });
  const assocd = res(T.eip, { domain: "vpc" }, { name: "app-ip" });
  const box = res("aws:ec2/instance:Instance", { ami: "ami-1", instanceType: "t3.micro" }, { name: "box" });
  describePolicy(ec2.ec2EipAttached, [
    { it: "passes an EIP bound to an instance of the stack (unknown at preview) or a literal one", resources: [box, res(T.eip, { instance: UNKNOWN }, { deps: { instance: [box] } }), res(T.eip, { instance: "i-0123456789abcdef0" })], expect: "pass" },
    { it: "is undecidable when the instance comes from something that is not an instance", resources: [res(T.eip, { instance: UNKNOWN })], expect: "unknown" },
    { it: "passes an EIP used by an EipAssociation", resources: [assocd, res(T.eipAssoc, { allocationId: UNKNOWN, instanceId: "i-1" }, { deps: { allocationId: [assocd] } })], expect: "pass" },
    { it: "passes an EIP used by a NAT gateway", resources: [forNat, res(T.nat, { allocationId: UNKNOWN, subnetId: "s" }, { deps: { allocationId: [forNat] } })], expect: "pass" },
    { it: "passes an EIP in an NLB subnet mapping", resources: [forLb, res(T.lb, { loadBalancerType: "network", subnetMappings: [{ subnetId: "s", allocationId: UNKNOWN }] }, { deps: { subnetMappings: [forLb] } })], expect: "pass" },
    { it: "fails an idle EIP", resources: [idle], expect: [[head(ec2.ec2EipAttached, idle), "not associated", "aws.ec2.EipAssociation"]] },
    { it: "is undecidable when an association's allocationId cannot be traced", resources: [idle, res(T.eipAssoc, { allocationId: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Security groups open to the world
// ---------------------------------------------------------------------------------------------

const world = (port: number, protocol = "tcp", toPort = port) => ({ protocol, fromPort: port, toPort, cidrBlocks: ["0.0.0.0/0"] });

{
  const p = ec2.ec2SecurityGroupAuthorizedPorts;
  const https = res(T.sg, { ingress: [world(443), world(80)] }, { name: "alb" });
  const alt = res(T.sg, { ingress: [world(8443)] }, { name: "alt" });
  const all = res(T.sg, { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }, { name: "all" });
  const v6 = res(T.sgIn, { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 8080, toPort: 8080, cidrIpv6: "::/0" }, { name: "v6" });
  const rule = res(T.sgRule, { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 1000, toPort: 2000, cidrBlocks: ["0.0.0.0/0"] }, { name: "range" });
  describePolicy(p, [
    { it: "passes 80/443 open to the world and 22 from a private range", resources: [https, res(T.sg, { ingress: [{ ...world(22), cidrBlocks: ["10.0.0.0/8"] }] })], expect: "pass" },
    { it: "passes an egress SecurityGroupRule", resources: [res(T.sgRule, { type: "egress", securityGroupId: "sg", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] })], expect: "pass" },
    { it: "fails another port open to the world", resources: [alt], expect: [[head(p, alt), "ingress[0] opens tcp 8443 to 0.0.0.0/0", "restrict the source"]] },
    { it: "fails all traffic open to the world", resources: [all], expect: [[head(p, all), "all traffic"]] },
    { it: "fails an aws.vpc ingress rule open to ::/0", resources: [v6], expect: [[head(p, v6), "tcp 8080 to ::/0"]] },
    { it: "fails an aws.ec2 SecurityGroupRule range", resources: [rule], expect: [[head(p, rule), "tcp 1000-2000"]] },
    { it: "reads the authorized ports from config", resources: [alt], config: { authorizedTcpPorts: [443, 8443] }, expect: "pass" },
    { it: "is undecidable when a source CIDR is unknown", resources: [res(T.sg, { ingress: [{ ...world(8443), cidrBlocks: [UNKNOWN] }] })], expect: "unknown" },
  ]);
}

{
  const p = ec2.ec2SecurityGroupHighRiskPorts;
  const mysql = res(T.sgIn, { securityGroupId: "sg", ipProtocol: "tcp", fromPort: 3306, toPort: 3306, cidrIpv4: "0.0.0.0/0" }, { name: "mysql" });
  const wide = res(T.sg, { ingress: [world(0, "tcp", 65535)] }, { name: "wide" });
  describePolicy(p, [
    { it: "passes 443 open to the world", resources: [res(T.sg, { ingress: [world(443)] })], expect: "pass" },
    { it: "fails MySQL open to the world (EC2.19 only)", resources: [mysql], expect: [["[EC2.19] mysql (", "tcp 3306", "remove the 0.0.0.0/0"]] },
    { it: "fails a full port range once, naming the high-risk ports and every control", resources: [wide], expect: [["[EC2.19, EC2.13, EC2.14] wide (", "tcp 22 (SSH)", "tcp 3389 (RDP)"]] },
    { it: "reads the high-risk ports from config", resources: [mysql], config: { highRiskPorts: [22] }, expect: "pass" },
    { it: "is undecidable when the ports are unknown", resources: [res(T.sgIn, { securityGroupId: "sg", ipProtocol: "tcp", fromPort: UNKNOWN, toPort: UNKNOWN, cidrIpv4: "0.0.0.0/0" })], expect: "unknown" },
  ]);
}

{
  // EC2.13 and EC2.14 within EC2.19: one finding per rule, every control it breaks.
  const p = ec2.ec2SecurityGroupHighRiskPorts;
  const ssh = res(T.sgRule, { type: "ingress", securityGroupId: "sg", protocol: "6", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }, { name: "ssh" });
  const dsg = res(T.dsg, { ingress: [world(22)] }, { name: "default" });
  const rdp = res(T.sg, { ingress: [world(3389)] }, { name: "rdp" });
  describePolicy(p, [
    { it: "passes SSH from an admin range", resources: [res(T.sg, { ingress: [{ ...world(22), cidrBlocks: ["203.0.113.0/24"] }] })], expect: "pass" },
    { it: "fails SSH from anywhere (protocol by number) once, as EC2.19 and EC2.13", resources: [ssh], expect: [["[EC2.19, EC2.13] ssh", "tcp 22 (SSH)", "SSM Session Manager"]] },
    { it: "fails SSH open on a default security group", resources: [dsg], expect: [["[EC2.19, EC2.13] default", "(SSH)"]] },
    { it: "fails RDP from anywhere once, as EC2.19 and EC2.14", resources: [rdp], expect: [["[EC2.19, EC2.14] rdp", "tcp 3389 (RDP)"]] },
    { it: "checks SSH and RDP even when highRiskPorts leaves them out", resources: [rdp], config: { highRiskPorts: [3306] }, expect: [["[EC2.19, EC2.14] rdp"]] },
    { it: "is undecidable when the source is unknown", resources: [res(T.sgIn, { securityGroupId: "sg", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = ec2.ec2SecurityGroupDescriptions;
  const dflt = res(T.sg, { description: "Managed by Pulumi" }, { name: "app" });
  const rule = res(T.sg, { description: "web tier", ingress: [world(443)] }, { name: "web" });
  describePolicy(p, [
    { it: "passes described groups and rules", resources: [res(T.sg, { description: "web tier", ingress: [{ ...world(443), description: "HTTPS from the internet" }] })], expect: "pass" },
    { it: "fails Pulumi's default description (advisory by default)", resources: [dflt], expect: [[head(p, dflt), "no description on the group", "set `description`"]], level: "advisory" },
    { it: "fails an undescribed inline rule", resources: [rule], expect: [[head(p, rule), "ingress[0]"]] },
    { it: "is undecidable when a description is unknown", resources: [res(T.sgIn, { securityGroupId: "sg", ipProtocol: "tcp", description: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// EC2.21 network ACLs
// ---------------------------------------------------------------------------------------------

{
  const p = ec2.ec2NetworkAclNoPublicAdminPorts;
  const entry = (ruleNo: number, action: string, fromPort: number, toPort: number, cidrBlock: unknown = "0.0.0.0/0") => ({ ruleNo, action, protocol: "tcp", fromPort, toPort, cidrBlock });
  const open = res(T.nacl, { vpcId: "v", ingress: [entry(100, "allow", 0, 65535)] }, { name: "public" });
  const shadowed = res(T.nacl, { vpcId: "v", ingress: [entry(90, "deny", 22, 22), entry(91, "deny", 3389, 3389), entry(100, "allow", 0, 65535)] }, { name: "guarded" });
  const acl = res(T.nacl, { vpcId: "v" }, { name: "acl" });
  const sideRule = res(T.naclRule, { networkAclId: UNKNOWN, ruleNumber: 100, ruleAction: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" }, { name: "ssh-in", deps: { networkAclId: [acl] } });
  const orphan = res(T.naclRule, { networkAclId: "acl-123", ruleNumber: 100, ruleAction: "allow", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlock: "::/0" }, { name: "all-v6" });
  describePolicy(p, [
    { it: "passes admin ports limited to a private range", resources: [res(T.nacl, { vpcId: "v", ingress: [entry(100, "allow", 22, 22, "10.0.0.0/8")] })], expect: "pass" },
    { it: "passes when lower-numbered denies shadow the world allow", resources: [shadowed], expect: "pass" },
    { it: "fails an inline allow of every port from 0.0.0.0/0", resources: [open], expect: [[head(p, open), "ingress[0] allows port 22 from 0.0.0.0/0", "port 3389", "lower-numbered deny"]] },
    { it: "fails a NetworkAclRule joined to its NACL", resources: [acl, sideRule], expect: [[head(p, acl), "ssh-in allows port 22"]] },
    { it: "judges a rule for a NACL outside the stack on its own", resources: [orphan], expect: [[head(p, orphan), "from ::/0"]] },
    { it: "reads the ports from config", resources: [acl, sideRule], config: { ports: [3389] }, expect: "pass" },
    { it: "is undecidable when a CIDR is unknown", resources: [res(T.nacl, { vpcId: "v", ingress: [entry(100, "allow", 22, 22, UNKNOWN)] })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Transit gateways, VPNs
// ---------------------------------------------------------------------------------------------

{
  const p = ec2.ec2TransitGatewayNoAutoAccept;
  const tgw = res(T.tgw, { autoAcceptSharedAttachments: "enable" }, { name: "hub" });
  describePolicy(p, [
    { it: "passes the default (disable)", resources: [res(T.tgw, {})], expect: "pass" },
    { it: "fails enable", resources: [tgw], expect: [[head(p, tgw), '"enable"', 'autoAcceptSharedAttachments: "disable"']] },
    { it: "cannot run during preview when it is unknown", resources: [res(T.tgw, { autoAcceptSharedAttachments: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = ec2.ec2ClientVpnConnectionLogging;
  const off = res(T.cvpn, { connectionLogOptions: { enabled: false } }, { name: "vpn" });
  describePolicy(p, [
    { it: "passes connection logging on", resources: [res(T.cvpn, { connectionLogOptions: { enabled: true, cloudwatchLogGroup: "g" } })], expect: "pass" },
    { it: "fails connection logging off", resources: [off], expect: [[head(p, off), "logging is off", "connectionLogOptions: { enabled: true"]] },
    { it: "cannot run during preview when it is unknown", resources: [res(T.cvpn, { connectionLogOptions: { enabled: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const p = ec2.ec2VpnConnectionLogging;
  const on = { cloudwatchLogOptions: { logEnabled: true, logGroupArn: "arn:aws:logs:us-east-1:1:log-group:vpn" } };
  const half = res(T.vpn, { customerGatewayId: "cgw", type: "ipsec.1", tunnel1LogOptions: on }, { name: "dc-link" });
  describePolicy(p, [
    { it: "passes both tunnels logged", resources: [res(T.vpn, { customerGatewayId: "cgw", type: "ipsec.1", tunnel1LogOptions: on, tunnel2LogOptions: on })], expect: "pass" },
    { it: "fails an unlogged tunnel", resources: [half], expect: [[head(p, half), "tunnel2", "tunnel2LogOptions"]] },
    { it: "is undecidable when a flag is unknown", resources: [res(T.vpn, { tunnel1LogOptions: on, tunnel2LogOptions: { cloudwatchLogOptions: { logEnabled: UNKNOWN } } })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// EC2.180, EC2.29, BP.EC2.2
// ---------------------------------------------------------------------------------------------

{
  const p = ec2.ec2SourceDestCheck;
  const nat = res(T.instance, { sourceDestCheck: false }, { name: "nat" });
  const eni = res(T.eni, { subnetId: "s", sourceDestCheck: false }, { name: "appliance" });
  describePolicy(p, [
    { it: "passes the default", resources: [res(T.instance, {}), res(T.eni, { subnetId: "s" })], expect: "pass" },
    { it: "fails sourceDestCheck: false on an instance and an interface", resources: [nat, eni], expect: [[head(p, nat), "remove `sourceDestCheck: false`"], [head(p, eni)]] },
    { it: "honours an exemption with a reason (a NAT instance)", resources: [nat], config: { exemptions: [{ resource: "urn:pulumi:test::test::aws:ec2/instance:Instance::nat", reason: "NAT instance for the dev VPC, by design", permanentBecause: "a NAT instance forwards traffic it did not originate" }] }, expect: [] },
    { it: "cannot run during preview when it is unknown", resources: [res(T.eni, { subnetId: "s", sourceDestCheck: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = ec2.ec2InstanceInVpc;
  const loose = res(T.instance, { ami: "ami-1", instanceType: "t3.micro" }, { name: "loose" });
  describePolicy(p, [
    { it: "passes an instance with a subnet (unknown at preview)", resources: [res(T.instance, { subnetId: UNKNOWN })], expect: "pass" },
    { it: "passes an instance placed by its launch template", resources: [res(T.instance, { launchTemplate: { name: "lt" } })], expect: "pass" },
    { it: "passes an instance with no placement: the default VPC is a VPC (EC2-Classic is retired)", resources: [loose], expect: "pass" },
    { it: "fails an instance linked to EC2-Classic", resources: [res(T.instance, { classicLinkVpcId: "vpc-1" }, { name: "classic" })], expect: [[head(p, res(T.instance, {}, { name: "classic" })), "EC2-Classic"]] },
  ]);
}

{
  const p = ec2.ec2DetailedMonitoring;
  const inst = res(T.instance, {}, { name: "app" });
  const lt = res(T.lt, { monitoring: { enabled: false } }, { name: "lt" });
  describePolicy(p, [
    { it: "passes monitoring on", resources: [res(T.instance, { monitoring: true }), res(T.lt, { monitoring: { enabled: true } })], expect: "pass" },
    { it: "fails monitoring off (advisory by default)", resources: [inst, lt], expect: [[head(p, inst), "monitoring: true"], [head(p, lt), "monitoring: { enabled: true }"]], level: "advisory" },
    { it: "is undecidable when it is unknown", resources: [res(T.instance, { monitoring: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = ec2.ec2NoParavirtualInstanceTypes;
  const old = res(T.instance, { instanceType: "m3.medium" }, { name: "legacy" });
  const lc = res("aws:ec2/launchConfiguration:LaunchConfiguration", { imageId: "ami-1", instanceType: "t1.micro" }, { name: "old-lc" });
  describePolicy(p, [
    { it: "passes current-generation types (and a type left to the template)", resources: [res(T.instance, { instanceType: "m7g.large" }), res(T.lt, { instanceType: "t4g.small" }), res(T.instance, { launchTemplate: { id: "lt-1" } })], expect: "pass" },
    { it: "fails paravirtual-capable families on instances and launch configurations", resources: [old, lc], expect: [[head(p, old), "m3.medium", "current-generation `instanceType`"], [head(p, lc), "t1.micro"]] },
    { it: "reads the families from config", resources: [old], config: { paravirtualFamilies: ["t1"] }, expect: "pass" },
    { it: "is undecidable when the type is unknown", resources: [res(T.instance, { instanceType: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// EC2.28 backups
// ---------------------------------------------------------------------------------------------

{
  const p = ec2.ec2EbsVolumeBackupPlan;
  const vol = res(T.volume, { availabilityZone: "a", encrypted: true, tags: { backup: "daily" } }, { name: "data" });
  const inst = res(T.instance, { subnetId: "s" }, { name: "db" });
  const attach = res(T.volAttach, { volumeId: UNKNOWN, instanceId: UNKNOWN, deviceName: "/dev/sdf" }, { deps: { volumeId: [vol], instanceId: [inst] } });
  const sel = (inputs: Record<string, unknown>, deps: Record<string, ReturnType<typeof res>[]> = {}) => res(T.selection, { planId: UNKNOWN, iamRoleArn: UNKNOWN, ...inputs }, { deps });
  describePolicy(p, [
    { it: "passes a volume listed in a selection", resources: [vol, sel({ resources: [UNKNOWN] }, { resources: [vol] })], expect: "pass" },
    { it: "passes a volume selected by tag", resources: [vol, sel({ selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] })], expect: "pass" },
    { it: "passes a volume whose instance is selected", resources: [vol, inst, attach, sel({ resources: [UNKNOWN] }, { resources: [inst] })], expect: "pass" },
    { it: "passes a wildcard selection narrowed by a matching tag condition", resources: [vol, sel({ resources: ["*"], conditions: [{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "daily" }] }] })], expect: "pass" },
    { it: "fails a volume no selection covers", resources: [vol, sel({ selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "weekly" }] })], expect: [[head(p, vol), "no AWS Backup selection", "aws.backup.Selection"]] },
    { it: "is undecidable when a selection's resources are unknown and untraceable", resources: [vol, sel({ resources: [UNKNOWN] })], expect: "unknown" },
    { it: "is undecidable when a tag selection meets tags unknown at preview", resources: [res(T.volume, { availabilityZone: "a", tags: UNKNOWN }), sel({ selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// The area's metadata
// ---------------------------------------------------------------------------------------------

describe("network-ec2 policies", () => {
  it("have unique names prefixed ec2-", () => {
    const names = ec2.policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const n of names) expect(n).to.match(/^ec2-[a-z0-9-]+$/);
  });
  it("report an unknown SG port range only when no rule fails outright", async () => {
    const sg = res(T.sg, { ingress: [world(3306), { protocol: "tcp", fromPort: UNKNOWN, toPort: UNKNOWN, cidrBlocks: ["0.0.0.0/0"] }] }, { name: "mixed" });
    const vs = await evaluate(ec2.ec2SecurityGroupHighRiskPorts, sg);
    expect(findings(vs)).to.have.length(1);
    expect(vs).to.have.length(1);
  });
});
