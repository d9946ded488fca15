/**
 * What AWS would answer, offline: ids, ARNs and computed attributes in each service's real format,
 * and the invokes programs commonly make. Deterministic: the same program plans to the same ids.
 *
 * Unknown resource types still get an id and an ARN in AWS's generic shape, and unknown invokes
 * echo their inputs; both are reported by the plan, so a program we have never seen still plans.
 */
import { createHash } from "node:crypto";

export interface MockContext {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

export const defaultMockContext: MockContext = { account: "123456789012", region: "us-east-1", partition: "aws" };

/** Deterministic hex from a seed. */
export function hex(seed: string, length: number): string {
  let out = "";
  let i = 0;
  while (out.length < length) out += createHash("sha256").update(`${seed}#${i++}`).digest("hex");
  return out.slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function upperAlnum(seed: string, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const h = hex(seed, length * 2);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[parseInt(h.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}

function lowerAlnum(seed: string, length: number): string {
  return upperAlnum(seed, length).toLowerCase();
}

/** `aws:s3/bucketV2:BucketV2` -> { pkg: "aws", module: "s3", member: "bucketV2", kind: "BucketV2" }. */
export function parseToken(type: string): { pkg: string; module: string; member: string; kind: string } {
  const [pkg = "", mid = "", kind = ""] = type.split(":");
  const [module = "index", member = ""] = mid.split("/");
  return { pkg, module, member, kind };
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

// EC2-style ids: prefix + 17 hex characters.
const ec2Prefixes: Record<string, string> = {
  Vpc: "vpc",
  Subnet: "subnet",
  SecurityGroup: "sg",
  SecurityGroupRule: "sgrule",
  VpcSecurityGroupIngressRule: "sgr",
  VpcSecurityGroupEgressRule: "sgr",
  InternetGateway: "igw",
  EgressOnlyInternetGateway: "eigw",
  NatGateway: "nat",
  Eip: "eipalloc",
  RouteTable: "rtb",
  RouteTableAssociation: "rtbassoc",
  Route: "r",
  VpcEndpoint: "vpce",
  FlowLog: "fl",
  LaunchTemplate: "lt",
  Instance: "i",
  NetworkAcl: "acl",
  DefaultNetworkAcl: "acl",
  NetworkAclRule: "nacl",
  NetworkInterface: "eni",
  KeyPair: "key",
  Volume: "vol",
  VpcPeeringConnection: "pcx",
  CustomerGateway: "cgw",
  VpnGateway: "vgw",
  VpnConnection: "vpn",
  VpcDhcpOptions: "dopt",
  DefaultSecurityGroup: "sg",
  DefaultVpc: "vpc",
  DefaultRouteTable: "rtb",
  TransitGateway: "tgw",
  PlacementGroup: "pg",
  Ami: "ami",
  ManagedPrefixList: "pl",
};

/** Which input names hold the physical name, per type token, where it is not `name`. */
const nameProperty: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:s3/directoryBucket:DirectoryBucket": "bucket",
  "aws:lambda/function:Function": "name",
  "aws:rds/cluster:Cluster": "clusterIdentifier",
  "aws:rds/clusterInstance:ClusterInstance": "identifier",
  "aws:rds/instance:Instance": "identifier",
  "aws:redshift/cluster:Cluster": "clusterIdentifier",
  "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
  "aws:efs/fileSystem:FileSystem": "creationToken",
  "aws:emr/cluster:Cluster": "name",
  "aws:kinesis/stream:Stream": "name",
};

/** Resources whose id is their ARN in the AWS provider. */
const idIsArn = new Set([
  "aws:sns/topic:Topic",
  "aws:sns/topicSubscription:TopicSubscription",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:alb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:alb/targetGroup:TargetGroup",
  "aws:lb/listener:Listener",
  "aws:alb/listener:Listener",
  "aws:lb/listenerRule:ListenerRule",
  "aws:acm/certificate:Certificate",
  "aws:secretsmanager/secret:Secret",
  "aws:iam/policy:Policy",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:iam/samlProvider:SamlProvider",
  "aws:sfn/stateMachine:StateMachine",
  "aws:kinesis/stream:Stream",
  "aws:cloudtrail/trail:Trail",
  "aws:cloudwatch/eventBus:EventBus",
  "aws:shield/protection:Protection",
  "aws:wafv2/webAclAssociation:WebAclAssociation",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
]);

/** Global services: no region in the ARN. */
const globalServices = new Set(["iam", "s3", "cloudfront", "route53", "shield", "organizations", "waf"]);

/** The ARN service for a module, where it differs from the module name. */
const arnService: Record<string, string> = {
  cloudwatch: "cloudwatch",
  alb: "elasticloadbalancing",
  lb: "elasticloadbalancing",
  elb: "elasticloadbalancing",
  sfn: "states",
  cognito: "cognito-idp",
  apigateway: "apigateway",
  apigatewayv2: "apigateway",
  directoryservice: "ds",
  directconnect: "directconnect",
  ecr: "ecr",
  msk: "kafka",
  opensearch: "es",
  elasticsearch: "es",
  cloudhsmv2: "cloudhsm",
  secretsmanager: "secretsmanager",
  servicediscovery: "servicediscovery",
  autoscaling: "autoscaling",
  appautoscaling: "application-autoscaling",
  quicksight: "quicksight",
  sagemaker: "sagemaker",
  emr: "elasticmapreduce",
  emrserverless: "emr-serverless",
  guardduty: "guardduty",
  securityhub: "securityhub",
  cfg: "config",
  backup: "backup",
  athena: "athena",
  glue: "glue",
  kinesis: "kinesis",
  firehose: "firehose",
  efs: "elasticfilesystem",
  ssm: "ssm",
};

/** Types whose name is not autonamed but defaults to a fixed value (the recorder and channel docs: "Defaults to `default`"; a status names its recorder). */
const fixedDefaultName: Record<string, string> = {
  "aws:cfg/recorder:Recorder": "default",
  "aws:cfg/deliveryChannel:DeliveryChannel": "default",
  "aws:cfg/recorderStatus:RecorderStatus": "default",
};

/** Compute a resource's physical name the way Pulumi autonaming would (logical name + 7 hex). */
function physicalName(type: string, name: string, inputs: Record<string, any>): string {
  const prop = nameProperty[type] ?? "name";
  const given = inputs[prop] ?? inputs.name;
  if (typeof given === "string" && given.length > 0) return given;
  if (fixedDefaultName[type]) return fixedDefaultName[type];
  const prefix = inputs[`${prop}Prefix`] ?? inputs.namePrefix;
  if (typeof prefix === "string") return `${prefix}${hex(`${type}::${name}`, 26)}`;
  return `${name}-${hex(`${type}::${name}`, 7)}`;
}

export interface MockResult {
  id: string | undefined;
  state: Record<string, any>;
}

/**
 * The state AWS would return for a custom resource: the inputs plus id, ARN and the computed
 * attributes programs commonly read.
 */
export function mockAwsResource(type: string, name: string, inputs: Record<string, any>, ctx: MockContext): MockResult {
  const { module, kind } = parseToken(type);
  const seed = `${type}::${name}`;
  const { account, region, partition } = ctx;
  const pname = physicalName(type, name, inputs);
  const state: Record<string, any> = { ...inputs };
  const service = arnService[module] ?? module;
  const arnRegion = globalServices.has(service) ? "" : region;
  let id: string = pname;
  let arn: string | undefined = `arn:${partition}:${service}:${arnRegion}:${account}:${kebab(kind)}/${pname}`;

  const ec2Prefix = module === "ec2" ? ec2Prefixes[kind] : undefined;
  if (ec2Prefix) {
    id = `${ec2Prefix}-${hex(seed, 17)}`;
    arn = `arn:${partition}:ec2:${region}:${account}:${kebab(kind).replace(/^default-/, "")}/${id}`;
  }

  switch (type) {
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
    case "aws:s3/directoryBucket:DirectoryBucket":
      id = pname;
      arn = `arn:${partition}:s3:::${pname}`;
      Object.assign(state, {
        bucket: pname,
        bucketDomainName: `${pname}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${pname}.s3.${region}.amazonaws.com`,
        hostedZoneId: "Z3AQBSTGFYJSTF",
        region,
      });
      break;
    case "aws:ec2/vpc:Vpc":
      Object.assign(state, {
        defaultSecurityGroupId: `sg-${hex(`${seed}/sg`, 17)}`,
        defaultNetworkAclId: `acl-${hex(`${seed}/acl`, 17)}`,
        defaultRouteTableId: `rtb-${hex(`${seed}/rtb`, 17)}`,
        mainRouteTableId: `rtb-${hex(`${seed}/rtb`, 17)}`,
        ownerId: account,
      });
      break;
    case "aws:ec2/subnet:Subnet":
      state.availabilityZone ??= `${region}a`;
      break;
    case "aws:ec2/launchTemplate:LaunchTemplate":
      Object.assign(state, { latestVersion: 1, defaultVersion: 1 });
      break;
    case "aws:ec2/instance:Instance":
      Object.assign(state, { privateIp: "10.0.1.10", primaryNetworkInterfaceId: `eni-${hex(seed, 17)}` });
      break;
    case "aws:kms/key:Key":
      id = uuid(seed);
      arn = `arn:${partition}:kms:${region}:${account}:key/${id}`;
      state.keyId = id;
      break;
    case "aws:kms/alias:Alias":
      id = pname;
      arn = `arn:${partition}:kms:${region}:${account}:${pname}`;
      state.targetKeyArn = `arn:${partition}:kms:${region}:${account}:key/${inputs.targetKeyId ?? uuid(seed)}`;
      break;
    case "aws:kms/replicaKey:ReplicaKey":
      id = `mrk-${hex(seed, 32)}`;
      arn = `arn:${partition}:kms:${region}:${account}:key/${id}`;
      state.keyId = id;
      break;
    case "aws:iam/role:Role":
      arn = `arn:${partition}:iam::${account}:role${inputs.path ?? "/"}${pname}`;
      state.uniqueId = `AROA${upperAlnum(seed, 17)}`;
      break;
    case "aws:iam/user:User":
      arn = `arn:${partition}:iam::${account}:user${inputs.path ?? "/"}${pname}`;
      state.uniqueId = `AIDA${upperAlnum(seed, 17)}`;
      break;
    case "aws:iam/group:Group":
      arn = `arn:${partition}:iam::${account}:group${inputs.path ?? "/"}${pname}`;
      break;
    case "aws:iam/policy:Policy":
      arn = `arn:${partition}:iam::${account}:policy${inputs.path ?? "/"}${pname}`;
      id = arn;
      state.policyId = `ANPA${upperAlnum(seed, 17)}`;
      break;
    case "aws:iam/instanceProfile:InstanceProfile":
      arn = `arn:${partition}:iam::${account}:instance-profile${inputs.path ?? "/"}${pname}`;
      break;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
      const host = String(inputs.url ?? "token.actions.githubusercontent.com").replace(/^https:\/\//, "");
      arn = `arn:${partition}:iam::${account}:oidc-provider/${host}`;
      id = arn;
      break;
    }
    case "aws:iam/rolePolicy:RolePolicy":
      id = `${inputs.role ?? "role"}:${pname}`;
      arn = undefined;
      break;
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
    case "aws:iam/groupPolicyAttachment:GroupPolicyAttachment":
    case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
      id = `${name}-${hex(seed, 8)}`;
      arn = undefined;
      break;
    case "aws:lambda/function:Function":
      arn = `arn:${partition}:lambda:${region}:${account}:function:${pname}`;
      Object.assign(state, {
        invokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        qualifiedArn: `${arn}:1`,
        qualifiedInvokeArn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}:1/invocations`,
        version: "1",
      });
      break;
    case "aws:lambda/alias:Alias":
      arn = `arn:${partition}:lambda:${region}:${account}:function:${inputs.functionName ?? "fn"}:${pname}`;
      state.invokeArn = `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
      break;
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      id = uuid(seed);
      arn = `arn:${partition}:lambda:${region}:${account}:event-source-mapping:${id}`;
      state.uuid = id;
      break;
    case "aws:dynamodb/table:Table":
      arn = `arn:${partition}:dynamodb:${region}:${account}:table/${pname}`;
      if (inputs.streamEnabled) {
        state.streamArn = `${arn}/stream/2026-01-01T00:00:00.000`;
        state.streamLabel = "2026-01-01T00:00:00.000";
      }
      break;
    case "aws:sqs/queue:Queue":
      id = `https://sqs.${region}.amazonaws.com/${account}/${pname}`;
      arn = `arn:${partition}:sqs:${region}:${account}:${pname}`;
      state.url = id;
      break;
    case "aws:sns/topic:Topic":
      arn = `arn:${partition}:sns:${region}:${account}:${pname}`;
      break;
    case "aws:sns/topicSubscription:TopicSubscription":
      arn = `${inputs.topic ?? `arn:${partition}:sns:${region}:${account}:topic`}:${uuid(seed)}`;
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      arn = `arn:${partition}:logs:${region}:${account}:log-group:${pname}`;
      break;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      arn = `arn:${partition}:cloudwatch:${region}:${account}:alarm:${pname}`;
      break;
    case "aws:cloudwatch/eventRule:EventRule":
      arn = `arn:${partition}:events:${region}:${account}:rule/${pname}`;
      break;
    case "aws:cloudwatch/eventBus:EventBus":
      arn = `arn:${partition}:events:${region}:${account}:event-bus/${pname}`;
      break;
    case "aws:kinesis/stream:Stream":
      arn = `arn:${partition}:kinesis:${region}:${account}:stream/${pname}`;
      break;
    case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
      arn = `arn:${partition}:firehose:${region}:${account}:deliverystream/${pname}`;
      break;
    case "aws:secretsmanager/secret:Secret":
      arn = `arn:${partition}:secretsmanager:${region}:${account}:secret:${pname}-${upperAlnum(seed, 6)}`;
      break;
    case "aws:rds/cluster:Cluster":
      arn = `arn:${partition}:rds:${region}:${account}:cluster:${pname}`;
      Object.assign(state, {
        clusterIdentifier: pname,
        endpoint: `${pname}.cluster-${lowerAlnum(seed, 12)}.${region}.rds.amazonaws.com`,
        readerEndpoint: `${pname}.cluster-ro-${lowerAlnum(seed, 12)}.${region}.rds.amazonaws.com`,
        port: inputs.port ?? 5432,
        clusterResourceId: `cluster-${upperAlnum(seed, 26)}`,
        masterUserSecrets: inputs.manageMasterUserPassword
          ? [{ secretArn: `arn:${partition}:secretsmanager:${region}:${account}:secret:rds!cluster-${uuid(seed)}-${upperAlnum(seed, 6)}`, secretStatus: "active", kmsKeyId: inputs.masterUserSecretKmsKeyId ?? "" }]
          : [],
      });
      break;
    case "aws:rds/clusterInstance:ClusterInstance":
    case "aws:rds/instance:Instance":
      arn = `arn:${partition}:rds:${region}:${account}:db:${pname}`;
      Object.assign(state, {
        endpoint: `${pname}.${lowerAlnum(seed, 12)}.${region}.rds.amazonaws.com:5432`,
        address: `${pname}.${lowerAlnum(seed, 12)}.${region}.rds.amazonaws.com`,
        dbiResourceId: `db-${upperAlnum(seed, 26)}`,
      });
      break;
    case "aws:rds/subnetGroup:SubnetGroup":
    case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
    case "aws:rds/parameterGroup:ParameterGroup":
      arn = `arn:${partition}:rds:${region}:${account}:${kind === "SubnetGroup" ? "subgrp" : kind === "ParameterGroup" ? "pg" : "cluster-pg"}:${pname}`;
      break;
    case "aws:redshift/cluster:Cluster":
      arn = `arn:${partition}:redshift:${region}:${account}:cluster:${pname}`;
      Object.assign(state, { endpoint: `${pname}.${lowerAlnum(seed, 12)}.${region}.redshift.amazonaws.com:5439`, dnsName: `${pname}.${lowerAlnum(seed, 12)}.${region}.redshift.amazonaws.com` });
      break;
    case "aws:efs/fileSystem:FileSystem":
      id = `fs-${hex(seed, 17)}`;
      arn = `arn:${partition}:elasticfilesystem:${region}:${account}:file-system/${id}`;
      state.dnsName = `${id}.efs.${region}.amazonaws.com`;
      break;
    case "aws:efs/accessPoint:AccessPoint":
      id = `fsap-${hex(seed, 17)}`;
      arn = `arn:${partition}:elasticfilesystem:${region}:${account}:access-point/${id}`;
      break;
    case "aws:efs/mountTarget:MountTarget":
      id = `fsmt-${hex(seed, 17)}`;
      arn = undefined;
      break;
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:alb/loadBalancer:LoadBalancer": {
      const lbType = inputs.loadBalancerType === "network" ? "net" : "app";
      const suffix = `${lbType}/${pname}/${hex(seed, 16)}`;
      arn = `arn:${partition}:elasticloadbalancing:${region}:${account}:loadbalancer/${suffix}`;
      Object.assign(state, {
        arnSuffix: suffix,
        dnsName: `${inputs.internal ? "internal-" : ""}${pname}-${hex(seed, 10)}.${region}.elb.amazonaws.com`,
        zoneId: "Z35SXDOTRQ7X7K",
      });
      break;
    }
    case "aws:lb/targetGroup:TargetGroup":
    case "aws:alb/targetGroup:TargetGroup": {
      const suffix = `targetgroup/${pname}/${hex(seed, 16)}`;
      arn = `arn:${partition}:elasticloadbalancing:${region}:${account}:${suffix}`;
      state.arnSuffix = suffix;
      break;
    }
    case "aws:lb/listener:Listener":
    case "aws:alb/listener:Listener":
      arn = `arn:${partition}:elasticloadbalancing:${region}:${account}:listener/app/${name}/${hex(seed, 16)}/${hex(`${seed}/l`, 16)}`;
      break;
    case "aws:acm/certificate:Certificate":
      arn = `arn:${partition}:acm:${region}:${account}:certificate/${uuid(seed)}`;
      state.domainValidationOptions = [{ domainName: inputs.domainName ?? "example.com", resourceRecordName: `_${hex(seed, 32)}.${inputs.domainName ?? "example.com"}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hex(`${seed}/v`, 32)}.acm-validations.aws.` }];
      break;
    case "aws:cloudfront/distribution:Distribution":
      id = `E${upperAlnum(seed, 13)}`;
      arn = `arn:${partition}:cloudfront::${account}:distribution/${id}`;
      Object.assign(state, { domainName: `d${lowerAlnum(seed, 13)}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2", etag: upperAlnum(`${seed}/etag`, 14), status: "Deployed" });
      break;
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
    case "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy":
    case "aws:cloudfront/cachePolicy:CachePolicy":
    case "aws:cloudfront/originRequestPolicy:OriginRequestPolicy":
    case "aws:cloudfront/keyGroup:KeyGroup":
    case "aws:cloudfront/function:Function":
      id = kind === "OriginAccessControl" ? `E${upperAlnum(seed, 13)}` : kind === "Function" ? pname : uuid(seed);
      arn = `arn:${partition}:cloudfront::${account}:${kebab(kind)}/${id}`;
      state.etag = upperAlnum(`${seed}/etag`, 14);
      break;
    case "aws:cloudfront/publicKey:PublicKey":
      id = `K${upperAlnum(seed, 13)}`;
      arn = undefined;
      state.etag = upperAlnum(`${seed}/etag`, 14);
      break;
    case "aws:wafv2/webAcl:WebAcl":
    case "aws:wafv2/ipSet:IpSet":
    case "aws:wafv2/ruleGroup:RuleGroup":
    case "aws:wafv2/regexPatternSet:RegexPatternSet": {
      id = uuid(seed);
      const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
      const r = inputs.scope === "CLOUDFRONT" ? "us-east-1" : region;
      const what = { WebAcl: "webacl", IpSet: "ipset", RuleGroup: "rulegroup", RegexPatternSet: "regexpatternset" }[kind];
      arn = `arn:${partition}:wafv2:${r}:${account}:${scope}/${what}/${pname}/${id}`;
      Object.assign(state, { capacity: 700, lockToken: uuid(`${seed}/lock`) });
      break;
    }
    case "aws:apigateway/restApi:RestApi":
      id = lowerAlnum(seed, 10);
      arn = `arn:${partition}:apigateway:${region}::/restapis/${id}`;
      Object.assign(state, { rootResourceId: lowerAlnum(`${seed}/root`, 10), executionArn: `arn:${partition}:execute-api:${region}:${account}:${id}` });
      break;
    case "aws:apigateway/stage:Stage": {
      const api = inputs.restApi ?? lowerAlnum(seed, 10);
      id = `ags-${api}-${inputs.stageName ?? pname}`;
      arn = `arn:${partition}:apigateway:${region}::/restapis/${api}/stages/${inputs.stageName ?? pname}`;
      Object.assign(state, {
        invokeUrl: `https://${api}.execute-api.${region}.amazonaws.com/${inputs.stageName ?? pname}`,
        executionArn: `arn:${partition}:execute-api:${region}:${account}:${api}/${inputs.stageName ?? pname}`,
      });
      break;
    }
    case "aws:apigateway/resource:Resource":
    case "aws:apigateway/deployment:Deployment":
    case "aws:apigateway/apiKey:ApiKey":
    case "aws:apigateway/usagePlan:UsagePlan":
    case "aws:apigateway/requestValidator:RequestValidator":
      id = lowerAlnum(seed, 10);
      arn = `arn:${partition}:apigateway:${region}::/${kebab(kind)}s/${id}`;
      if (kind === "ApiKey") state.value = `mock-${hex(seed, 30)}`;
      break;
    case "aws:sfn/stateMachine:StateMachine":
      arn = `arn:${partition}:states:${region}:${account}:stateMachine:${pname}`;
      break;
    case "aws:cloudtrail/trail:Trail":
      arn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${pname}`;
      state.homeRegion = region;
      break;
    case "aws:guardduty/detector:Detector":
      id = hex(seed, 32);
      arn = `arn:${partition}:guardduty:${region}:${account}:detector/${id}`;
      state.accountId = account;
      break;
    case "aws:securityhub/account:Account":
      id = account;
      arn = `arn:${partition}:securityhub:${region}:${account}:hub/default`;
      break;
    case "aws:securityhub/standardsSubscription:StandardsSubscription":
      id = `arn:${partition}:securityhub:${region}:${account}:subscription/${hex(seed, 12)}`;
      arn = id;
      break;
    case "aws:accessanalyzer/analyzer:Analyzer":
      arn = `arn:${partition}:access-analyzer:${region}:${account}:analyzer/${pname}`;
      break;
    case "aws:cfg/recorder:Recorder":
    case "aws:cfg/deliveryChannel:DeliveryChannel":
      id = typeof inputs.name === "string" ? inputs.name : "default";
      arn = undefined;
      break;
    case "aws:ebs/defaultKmsKey:DefaultKmsKey":
    case "aws:ebs/encryptionByDefault:EncryptionByDefault":
    case "aws:iam/accountPasswordPolicy:AccountPasswordPolicy":
    case "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":
      id = kind === "AccountPasswordPolicy" ? "iam-account-password-policy" : account;
      arn = undefined;
      break;
    case "aws:shield/subscription:Subscription":
      id = account;
      arn = `arn:${partition}:shield::${account}:subscription/${hex(seed, 12)}`;
      break;
    case "aws:shield/protection:Protection":
      arn = `arn:${partition}:shield::${account}:protection/${uuid(seed)}`;
      break;
    case "aws:quicksight/accountSubscription:AccountSubscription":
      id = `${account}`;
      arn = undefined;
      state.accountSubscriptionStatus = "ACCOUNT_CREATED";
      break;
    case "aws:quicksight/group:Group":
      arn = `arn:${partition}:quicksight:${region}:${account}:group/${inputs.namespace ?? "default"}/${inputs.groupName ?? pname}`;
      id = `${account}/${inputs.namespace ?? "default"}/${inputs.groupName ?? pname}`;
      break;
    case "aws:glue/catalogDatabase:CatalogDatabase":
      id = `${account}:${pname}`;
      arn = `arn:${partition}:glue:${region}:${account}:database/${pname}`;
      break;
    case "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings":
    case "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration":
      id = account;
      arn = undefined;
      break;
    case "aws:autoscaling/group:Group":
      arn = `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:${uuid(seed)}:autoScalingGroupName/${pname}`;
      break;
    case "aws:ecr/repository:Repository":
      arn = `arn:${partition}:ecr:${region}:${account}:repository/${pname}`;
      state.repositoryUrl = `${account}.dkr.ecr.${region}.amazonaws.com/${pname}`;
      break;
    case "aws:ssm/parameter:Parameter":
      arn = `arn:${partition}:ssm:${region}:${account}:parameter/${pname.replace(/^\//, "")}`;
      break;
    case "aws:backup/vault:Vault":
      arn = `arn:${partition}:backup:${region}:${account}:backup-vault:${pname}`;
      break;
    case "aws:backup/plan:Plan":
      id = uuid(seed);
      arn = `arn:${partition}:backup:${region}:${account}:backup-plan:${id}`;
      state.version = hex(seed, 40);
      break;
    case "aws:directconnect/connection:Connection":
      id = `dxcon-${lowerAlnum(seed, 8)}`;
      arn = `arn:${partition}:directconnect:${region}:${account}:dxcon/${id}`;
      break;
    case "aws:directconnect/gateway:Gateway":
      id = uuid(seed);
      arn = undefined;
      state.ownerAccountId = account;
      break;
    case "aws:cloudhsmv2/cluster:Cluster":
      id = `cluster-${lowerAlnum(seed, 11)}`;
      arn = undefined;
      Object.assign(state, { clusterId: id, securityGroupId: `sg-${hex(`${seed}/sg`, 17)}`, clusterState: "UNINITIALIZED" });
      break;
    case "aws:emr/cluster:Cluster":
      id = `j-${upperAlnum(seed, 13)}`;
      arn = `arn:${partition}:elasticmapreduce:${region}:${account}:cluster/${id}`;
      state.masterPublicDns = `ip-10-0-0-10.${region}.compute.internal`;
      break;
    case "aws:sagemaker/domain:Domain":
      id = `d-${lowerAlnum(seed, 12)}`;
      arn = `arn:${partition}:sagemaker:${region}:${account}:domain/${id}`;
      state.url = `https://${id}.studio.${region}.sagemaker.aws`;
      break;
    case "aws:cognito/userPool:UserPool":
      id = `${region}_${upperAlnum(seed, 9)}`;
      arn = `arn:${partition}:cognito-idp:${region}:${account}:userpool/${id}`;
      state.endpoint = `cognito-idp.${region}.amazonaws.com/${id}`;
      break;
    case "aws:route53/zone:Zone":
      id = `Z${upperAlnum(seed, 20)}`;
      arn = `arn:${partition}:route53:::hostedzone/${id}`;
      state.zoneId = id;
      state.nameServers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.com"];
      break;
    default:
      break;
  }

  if (idIsArn.has(type) && arn) id = arn;
  state.id = id;
  if (arn !== undefined && state.arn === undefined) state.arn = arn;
  if (state.name === undefined && !ec2Prefix && nameProperty[type] === undefined) state.name = pname;
  if (nameProperty[type] && state[nameProperty[type]!] === undefined) state[nameProperty[type]!] = pname;
  state.tagsAll ??= inputs.tags;
  return { id, state };
}

/**
 * Outputs of `@pulumi/awsx` components, which run inside the awsx provider plugin and are one opaque
 * registration under mocks. Shaped from their inputs, like the plugin would.
 */
export function mockAwsxComponent(type: string, name: string, inputs: Record<string, any>, ctx: MockContext): MockResult | undefined {
  const seed = `${type}::${name}`;
  switch (type) {
    case "awsx:ec2:Vpc":
    case "awsx:ec2:DefaultVpc": {
      const azCount = Array.isArray(inputs.availabilityZoneNames)
        ? inputs.availabilityZoneNames.length
        : typeof inputs.numberOfAvailabilityZones === "number"
          ? inputs.numberOfAvailabilityZones
          : 3;
      const specs: { type: string }[] = Array.isArray(inputs.subnetSpecs) && inputs.subnetSpecs.length > 0
        ? inputs.subnetSpecs
        : [{ type: "Private" }, { type: "Public" }];
      const has = (t: string) => specs.some((s) => String(s.type).toLowerCase() === t);
      const ids = (t: string) => (has(t) ? Array.from({ length: azCount }, (_, i) => `subnet-${hex(`${seed}/${t}/${i}`, 17)}`) : []);
      const vpcId = `vpc-${hex(seed, 17)}`;
      return {
        id: undefined,
        state: {
          ...inputs,
          vpcId,
          publicSubnetIds: ids("public"),
          privateSubnetIds: ids("private"),
          isolatedSubnetIds: ids("isolated"),
          natGateways: inputs.natGateways,
          availabilityZoneNames: Array.from({ length: azCount }, (_, i) => `${ctx.region}${"abcdef"[i]}`),
        },
      };
    }
    default:
      return undefined;
  }
}

function policyDocument(inputs: Record<string, any>): string {
  const principals = (ps: any[] | undefined) => {
    if (!ps) return undefined;
    const out: Record<string, string | string[]> = {};
    for (const p of ps) {
      if (p.type === "*" && (p.identifiers ?? []).includes("*")) return "*";
      const ids: string[] = p.identifiers ?? [];
      out[p.type] = ids.length === 1 ? ids[0]! : ids;
    }
    return out;
  };
  const one = (v: string[] | undefined) => (v === undefined ? undefined : v.length === 1 ? v[0] : v);
  const statements = (inputs.statements ?? []).map((s: any) => {
    const st: Record<string, unknown> = {};
    if (s.sid) st.Sid = s.sid;
    st.Effect = s.effect ?? "Allow";
    if (s.actions) st.Action = one(s.actions);
    if (s.notActions) st.NotAction = one(s.notActions);
    if (s.resources) st.Resource = one(s.resources);
    if (s.notResources) st.NotResource = one(s.notResources);
    if (s.principals) st.Principal = principals(s.principals);
    if (s.notPrincipals) st.NotPrincipal = principals(s.notPrincipals);
    if (s.conditions) {
      const c: Record<string, Record<string, string | string[]>> = {};
      for (const cond of s.conditions) {
        c[cond.test] ??= {};
        c[cond.test]![cond.variable] = one(cond.values)!;
      }
      st.Condition = c;
    }
    return st;
  });
  return JSON.stringify({ Version: inputs.version ?? "2012-10-17", ...(inputs.policyId ? { Id: inputs.policyId } : {}), Statement: statements });
}

/**
 * An SSM parameter's value by the shape AWS gives it. The public parameters under `/aws/service/`
 * that name an AMI (`ami-amazon-linux-latest/*`, `ami-windows-latest/*`, `.../image_id`,
 * `.../ami-id`) are an AMI id with data type `aws:ec2:image`; the ECS- and EKS-optimised
 * `.../recommended` parameters are a JSON document (docs: "Retrieving Amazon ECS-optimized Linux AMI
 * metadata"); anything else is the program's own string parameter.
 */
export function ssmParameterValue(name: string, seed: string): { value: string; type: string; insecureValue: string; dataType?: string } {
  const ami = `ami-${hex(seed, 17)}`;
  const isPublic = name.startsWith("/aws/service/");
  if (isPublic && (/^\/aws\/service\/ami-[a-z-]+-latest\//.test(name) || /\/(image_id|ami-id)$/.test(name))) {
    return { value: ami, insecureValue: ami, type: "String", dataType: "aws:ec2:image" };
  }
  if (isPublic && /\/(ecs|eks)\/optimized-ami\/.+\/recommended$/.test(name)) {
    const doc = JSON.stringify({
      schema_version: 1,
      image_name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
      image_id: ami,
      os: "Amazon Linux 2023",
      ecs_runtime_version: "Docker version 25.0.8",
      ecs_agent_version: "1.90.0",
    });
    return { value: doc, insecureValue: doc, type: "String" };
  }
  const value = `mock-${hex(seed, 8)}`;
  return { value, insecureValue: value, type: "String" };
}

/** Answers for invokes (data sources). `undefined` for tokens with no known answer. */
export function mockAwsInvoke(token: string, inputs: Record<string, any>, ctx: MockContext): Record<string, any> | undefined {
  const { account, region, partition } = ctx;
  const seed = `${token}::${JSON.stringify(inputs)}`;
  const r = inputs.region ?? region;
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: account, arn: `arn:${partition}:sts::${account}:assumed-role/offline-plan/offline-plan`, userId: `AROA${upperAlnum(seed, 17)}:offline-plan`, id: account };
    case "aws:index/getRegion:getRegion":
      return { name: r, region: r, id: r, description: r, endpoint: `ec2.${r}.amazonaws.com` };
    case "aws:index/getPartition:getPartition":
      return { partition, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: partition };
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const letters = r === "us-east-1" ? "abcdef" : "abc";
      const names = [...letters].map((l) => `${r}${l}`);
      return { names, zoneIds: names.map((_, i) => `${r.replace(/-/g, "").slice(0, 4)}-az${i + 1}`), groupNames: [r], id: r, state: inputs.state };
    }
    case "aws:index/getDefaultTags:getDefaultTags":
      return { tags: {}, id: "default" };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { json: policyDocument(inputs), minifiedJson: policyDocument(inputs), id: hex(seed, 10) };
    case "aws:ec2/getAmi:getAmi": {
      const id = `ami-${hex(seed, 17)}`;
      return { id, imageId: id, arn: `arn:${partition}:ec2:${r}::image/${id}`, name: "al2023-ami-mock", architecture: "x86_64", rootDeviceName: "/dev/xvda" };
    }
    case "aws:ssm/getParameter:getParameter":
      return { ...ssmParameterValue(String(inputs.name ?? ""), seed), name: inputs.name, arn: `arn:${partition}:ssm:${r}:${account}:parameter${inputs.name}`, id: inputs.name, version: 1 };
    case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
      return { id: `pl-${hex(seed, 8)}`, name: inputs.name, arn: `arn:${partition}:ec2:${r}:aws:prefix-list/pl-${hex(seed, 8)}`, entries: [], maxEntries: 55 };
    case "aws:ec2/getVpc:getVpc":
      return { id: `vpc-${hex(seed, 17)}`, cidrBlock: "172.31.0.0/16", default: true, arn: `arn:${partition}:ec2:${r}:${account}:vpc/vpc-${hex(seed, 17)}` };
    case "aws:ec2/getRouteTables:getRouteTables":
      // One table per subnet of a three-tier VPC over two AZs, plus the main table.
      return { id: r, vpcId: inputs.vpcId, ids: Array.from({ length: 7 }, (_, i) => `rtb-${hex(`${inputs.vpcId}/rtb/${i}`, 17)}`), tags: {} };
    case "aws:iot/getEndpoint:getEndpoint": {
      // One endpoint per account and region; the type picks the host form.
      const prefix = lowerAlnum(`${account}/${r}`, 14);
      const type = String(inputs.endpointType ?? "iot:Data-ATS");
      const host = type === "iot:Data" ? `${prefix}.iot.${r}.amazonaws.com` : type === "iot:CredentialProvider" ? `${prefix}.credentials.iot.${r}.amazonaws.com` : type === "iot:Jobs" ? `${prefix}.jobs.iot.${r}.amazonaws.com` : `${prefix}-ats.iot.${r}.amazonaws.com`;
      return { id: r, endpointType: inputs.endpointType, endpointAddress: host };
    }
    case "aws:ec2transitgateway/getDirectConnectGatewayAttachment:getDirectConnectGatewayAttachment": {
      const id = `tgw-attach-${hex(seed, 17)}`;
      return { id, transitGatewayId: inputs.transitGatewayId, dxGatewayId: inputs.dxGatewayId, tags: {} };
    }
    case "aws:ec2/getSubnets:getSubnets":
      return { id: r, ids: [0, 1, 2].map((i) => `subnet-${hex(`${seed}/${i}`, 17)}`) };
    case "aws:cloudfront/getCachePolicy:getCachePolicy":
    case "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
    case "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy":
      return { id: uuid(seed), name: inputs.name, etag: upperAlnum(seed, 14) };
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { id: "127311923021", arn: `arn:${partition}:iam::127311923021:root` };
    case "aws:route53/getZone:getZone":
      return { id: `Z${upperAlnum(seed, 20)}`, zoneId: `Z${upperAlnum(seed, 20)}`, name: inputs.name, nameServers: [] };
    case "aws:acm/getCertificate:getCertificate":
      return { id: `arn:${partition}:acm:${r}:${account}:certificate/${uuid(seed)}`, arn: `arn:${partition}:acm:${r}:${account}:certificate/${uuid(seed)}`, domain: inputs.domain, status: "ISSUED" };
    case "aws:kms/getKey:getKey":
      return { id: uuid(seed), keyId: uuid(seed), arn: `arn:${partition}:kms:${r}:${account}:key/${uuid(seed)}`, enabled: true, keyManager: "CUSTOMER" };
    case "aws:kms/getAlias:getAlias":
      return { id: inputs.name, name: inputs.name, arn: `arn:${partition}:kms:${r}:${account}:${inputs.name}`, targetKeyId: uuid(seed), targetKeyArn: `arn:${partition}:kms:${r}:${account}:key/${uuid(seed)}` };
    case "aws:iam/getRole:getRole":
      return { id: inputs.name, name: inputs.name, arn: `arn:${partition}:iam::${account}:role/${inputs.name}`, uniqueId: `AROA${upperAlnum(seed, 17)}` };
    case "aws:iam/getSessionContext:getSessionContext":
      return { id: inputs.arn, arn: inputs.arn, issuerArn: inputs.arn, issuerId: "", issuerName: "", sessionName: "" };
    case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
      // IAM returns the URL without its scheme; the ARN names the host.
      const host = String(inputs.url ?? "").replace(/^https:\/\//, "") || String(inputs.arn ?? "").split("oidc-provider/")[1] || "";
      const arn = inputs.arn ?? `arn:${partition}:iam::${account}:oidc-provider/${host}`;
      return { id: arn, arn, url: host, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [], tags: {} };
    }
    case "aws:s3/getBucket:getBucket":
      return { id: inputs.bucket, bucket: inputs.bucket, arn: `arn:${partition}:s3:::${inputs.bucket}`, bucketDomainName: `${inputs.bucket}.s3.amazonaws.com`, bucketRegionalDomainName: `${inputs.bucket}.s3.${r}.amazonaws.com`, region: r };
    default:
      return undefined;
  }
}
