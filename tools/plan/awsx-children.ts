/**
 * The children `@pulumi/awsx` 3 components create, modelled offline. awsx components are remote:
 * its provider plugin builds their AWS resources, so under the mock runtime a program made of
 * `awsx.ec2.Vpc`, `awsx.lb.ApplicationLoadBalancer` and `awsx.ecs.FargateService` registers no AWS
 * resource at all. In a real preview the provider registers them as children of the component, and
 * the policy pack judges them there; this module does the same from awsx's documented behaviour
 * (its provider sources, pulumi/pulumi-awsx `awsx/`), with the defaults that matter to the pack:
 *
 * - ec2.Vpc: the VPC (10.0.0.0/16, DNS support and hostnames on); per AZ (3 by default) and subnet
 *   spec (Private and Public by default) a subnet (Public ones `mapPublicIpOnLaunch: true`), a route
 *   table and its association; an internet gateway with public subnets; NAT gateways with their
 *   Elastic IPs by strategy (OnePerAz by default, Single, None) and the private routes to them;
 *   VPC endpoints from `vpcEndpointSpecs`.
 * - lb.ApplicationLoadBalancer: unless security groups are given, a security group open to
 *   0.0.0.0/0 and ::/0 on every port; the load balancer; a default target group (ip, HTTP:80);
 *   the listener(s) (HTTP:80 by default) forwarding to it.
 * - ecs.FargateTaskDefinition (and a FargateService's `taskDefinitionArgs`): a log group (no
 *   retention, no key), task and execution roles (the execution role with
 *   AmazonECSTaskExecutionRolePolicy), the task definition (FARGATE, awsvpc).
 * - ecs.FargateService: without `networkConfiguration`, a security group open to the world and the
 *   default VPC's private subnets (public with `assignPublicIp`); the service (FARGATE).
 * - ecr.Repository: the repository and, unless skipped, a lifecycle policy expiring untagged images.
 * - ec2.DefaultVpc: a lookup; nothing is created.
 *
 * Any other awsx component is not modelled: the plan lists it as unevaluated.
 */
import { hex } from "./aws-mocks";

export interface ModelledChild {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Index into the same list of the child whose id an input refers to (for property dependencies). */
  refs?: Record<string, number>;
  /** The id the component's outputs already gave it (a subnet in `privateSubnetIds`...). */
  id?: string;
}

const openToTheWorld = {
  ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
  egress: [{ fromPort: 0, toPort: 65535, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
};

const ecsAssumeRole = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "", Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** The component types this module models (the rest are reported as unevaluated). */
export const modelledAwsxTypes = new Set([
  "awsx:ec2:Vpc",
  "awsx:ec2:DefaultVpc",
  "awsx:lb:ApplicationLoadBalancer",
  "awsx:ecs:FargateService",
  "awsx:ecs:FargateTaskDefinition",
  "awsx:ecr:Repository",
]);

function vpcChildren(name: string, inputs: Record<string, any>, state: Record<string, any>, region: string): ModelledChild[] {
  const out: ModelledChild[] = [];
  const add = (c: ModelledChild) => out.push(c) - 1;
  const vpcId = String(state.vpcId ?? `vpc-${hex(name, 17)}`);
  const tags = inputs.tags;
  const vpc = add({
    type: "aws:ec2/vpc:Vpc",
    name,
    id: vpcId,
    inputs: {
      cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16",
      enableDnsHostnames: inputs.enableDnsHostnames ?? true,
      enableDnsSupport: inputs.enableDnsSupport ?? true,
      instanceTenancy: inputs.instanceTenancy ?? "default",
      ...(tags ? { tags } : {}),
    },
  });
  const azs: string[] = Array.isArray(inputs.availabilityZoneNames)
    ? inputs.availabilityZoneNames
    : Array.from({ length: typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3 }, (_, i) => `${region}${"abcdef"[i]}`);
  const specs: { type: string; name?: string; tags?: Record<string, string> }[] =
    Array.isArray(inputs.subnetSpecs) && inputs.subnetSpecs.length > 0 ? inputs.subnetSpecs : [{ type: "Private" }, { type: "Public" }];
  const strategy = String(inputs.natGateways?.strategy ?? "OnePerAz");
  const hasPublic = specs.some((s) => s.type.toLowerCase() === "public");
  const igw = hasPublic ? add({ type: "aws:ec2/internetGateway:InternetGateway", name, inputs: { vpcId, ...(tags ? { tags } : {}) }, refs: { vpcId: vpc } }) : undefined;
  const nats: number[] = [];
  const subnetIds = (t: string) => (state[`${t}SubnetIds`] as string[] | undefined) ?? [];
  let block = 0;
  for (const spec of [...specs].sort((a, b) => (a.type.toLowerCase() === "public" ? -1 : b.type.toLowerCase() === "public" ? 1 : 0))) {
    const kind = spec.type.toLowerCase();
    azs.forEach((az, i) => {
      const subnetName = `${name}-${spec.name ?? kind}-${i + 1}`;
      const subnetId = subnetIds(kind)[i] ?? `subnet-${hex(subnetName, 17)}`;
      const subnet = add({
        type: "aws:ec2/subnet:Subnet",
        name: subnetName,
        id: subnetId,
        inputs: {
          vpcId,
          availabilityZone: az,
          cidrBlock: `10.0.${block++ * 16}.0/20`,
          mapPublicIpOnLaunch: kind === "public",
          ...(spec.tags || tags ? { tags: { ...(tags ?? {}), ...(spec.tags ?? {}) } } : {}),
        },
        refs: { vpcId: vpc },
      });
      const table = add({ type: "aws:ec2/routeTable:RouteTable", name: subnetName, inputs: { vpcId, ...(tags ? { tags } : {}) }, refs: { vpcId: vpc } });
      add({ type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: subnetName, inputs: { routeTableId: `rtb-${hex(subnetName, 17)}`, subnetId }, refs: { routeTableId: table, subnetId: subnet } });
      if (kind === "public") {
        add({ type: "aws:ec2/route:Route", name: `${subnetName}-ig`, inputs: { routeTableId: `rtb-${hex(subnetName, 17)}`, destinationCidrBlock: "0.0.0.0/0", gatewayId: `igw-${hex(name, 17)}` }, refs: { routeTableId: table, gatewayId: igw! } });
        if (strategy === "OnePerAz" || (strategy === "Single" && i === 0)) {
          const eip = add({ type: "aws:ec2/eip:Eip", name: subnetName, inputs: { domain: "vpc", ...(tags ? { tags } : {}) } });
          nats.push(add({ type: "aws:ec2/natGateway:NatGateway", name: subnetName, inputs: { subnetId, allocationId: `eipalloc-${hex(subnetName, 17)}`, ...(tags ? { tags } : {}) }, refs: { subnetId: subnet, allocationId: eip } }));
        }
      } else if (kind === "private" && nats.length > 0) {
        const nat = nats[strategy === "OnePerAz" ? Math.min(i, nats.length - 1) : 0]!;
        add({ type: "aws:ec2/route:Route", name: `${subnetName}-nat-${i + 1}`, inputs: { routeTableId: `rtb-${hex(subnetName, 17)}`, destinationCidrBlock: "0.0.0.0/0", natGatewayId: `nat-${hex(String(nat), 17)}` }, refs: { routeTableId: table, natGatewayId: nat } });
      }
    });
  }
  for (const [i, e] of (Array.isArray(inputs.vpcEndpointSpecs) ? inputs.vpcEndpointSpecs : []).entries()) {
    add({ type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: `${name}-${i}`, inputs: { vpcId, vpcEndpointType: "Gateway", ...e }, refs: { vpcId: vpc } });
  }
  return out;
}

function taskDefinitionChildren(name: string, inputs: Record<string, any>): ModelledChild[] {
  const out: ModelledChild[] = [];
  const add = (c: ModelledChild) => out.push(c) - 1;
  const logGroup = inputs.logGroup?.existing || inputs.logGroup?.skip ? undefined : add({ type: "aws:cloudwatch/logGroup:LogGroup", name, inputs: { ...(inputs.logGroup?.args ?? {}) } });
  const roles: number[] = [];
  for (const [suffix, given, policies] of [
    ["task", inputs.taskRole, []],
    ["execution", inputs.executionRole, ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]],
  ] as [string, any, string[]][]) {
    if (given?.roleArn || given?.skip) continue;
    const role = add({ type: "aws:iam/role:Role", name: `${name}-${suffix}`, inputs: { assumeRolePolicy: ecsAssumeRole, ...(given?.args ?? {}) } });
    roles.push(role);
    for (const [i, policyArn] of [...policies, ...((given?.policyArns as string[] | undefined) ?? [])].entries()) {
      add({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: `${name}-${suffix}-${i}`, inputs: { role: `${name}-${suffix}`, policyArn }, refs: { role } });
    }
  }
  const containers: Record<string, any>[] = inputs.containers ? Object.entries<any>(inputs.containers).map(([n, c]) => ({ name: n, ...c })) : inputs.container ? [{ name: "container", ...inputs.container }] : [];
  const containerDefinitions = JSON.stringify(
    containers.map((c) => ({
      ...c,
      ...(logGroup !== undefined && !c.logConfiguration ? { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": name, "awslogs-stream-prefix": c.name } } } : {}),
    })),
  );
  add({
    type: "aws:ecs/taskDefinition:TaskDefinition",
    name,
    inputs: {
      family: inputs.family ?? name,
      containerDefinitions,
      cpu: String(inputs.cpu ?? "256"),
      memory: String(inputs.memory ?? "512"),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      ...(inputs.runtimePlatform ? { runtimePlatform: inputs.runtimePlatform } : {}),
      ...(inputs.volumes ? { volumes: inputs.volumes } : {}),
    },
  });
  return out;
}

/** The children an awsx component of `type` creates; `undefined` when the type is not modelled. */
export function awsxChildren(type: string, name: string, inputs: Record<string, any>, state: Record<string, any>, region: string): ModelledChild[] | undefined {
  switch (type) {
    case "awsx:ec2:Vpc":
      return vpcChildren(name, inputs, state, region);
    case "awsx:ec2:DefaultVpc":
      return [];
    case "awsx:lb:ApplicationLoadBalancer": {
      const { subnetIds, subnets, defaultTargetGroup, defaultTargetGroupPort, defaultSecurityGroup, listener, listeners, ...lb } = inputs;
      const out: ModelledChild[] = [];
      const add = (c: ModelledChild) => out.push(c) - 1;
      let sg: number | undefined;
      if (!lb.securityGroups && !defaultSecurityGroup?.skip && !defaultSecurityGroup?.securityGroupId) {
        sg = add({ type: "aws:ec2/securityGroup:SecurityGroup", name, inputs: { ...(defaultSecurityGroup?.args ?? openToTheWorld) } });
      }
      const lbIndex = add({
        type: "aws:lb/loadBalancer:LoadBalancer",
        name,
        inputs: {
          ...lb,
          loadBalancerType: "application",
          subnets: subnetIds ?? (Array.isArray(subnets) ? subnets : undefined) ?? lb.subnets ?? [],
          securityGroups: lb.securityGroups ?? (defaultSecurityGroup?.securityGroupId ? [defaultSecurityGroup.securityGroupId] : [`sg-${hex(name, 17)}`]),
        },
        ...(sg !== undefined ? { refs: { securityGroups: sg } } : {}),
      });
      const tg = add({ type: "aws:lb/targetGroup:TargetGroup", name, inputs: { targetType: "ip", port: defaultTargetGroupPort ?? 80, protocol: "HTTP", ...(defaultTargetGroup ?? {}) } });
      const specs: Record<string, any>[] = listeners ?? [listener ?? {}];
      specs.forEach((l, i) =>
        add({
          type: "aws:lb/listener:Listener",
          name: `${name}-${i}`,
          inputs: { port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: `arn:aws:elasticloadbalancing:${region}:000000000000:targetgroup/${name}` }], ...l },
          refs: { loadBalancerArn: lbIndex, defaultActions: tg },
        }),
      );
      return out;
    }
    case "awsx:ecs:FargateTaskDefinition":
      return taskDefinitionChildren(name, inputs);
    case "awsx:ecs:FargateService": {
      const out: ModelledChild[] = [];
      const add = (c: ModelledChild) => out.push(c) - 1;
      if (inputs.taskDefinitionArgs && !inputs.taskDefinition) for (const c of taskDefinitionChildren(name, inputs.taskDefinitionArgs)) add(c);
      let networkConfiguration = inputs.networkConfiguration;
      if (!networkConfiguration) {
        add({ type: "aws:ec2/securityGroup:SecurityGroup", name: `${name}-sg`, inputs: { ...openToTheWorld } });
        networkConfiguration = { assignPublicIp: inputs.assignPublicIp ?? false, subnets: [], securityGroups: [`sg-${hex(`${name}-sg`, 17)}`] };
      }
      const { taskDefinitionArgs: _t, assignPublicIp: _a, ...service } = inputs;
      add({
        type: "aws:ecs/service:Service",
        name,
        inputs: { ...service, ...(service.capacityProviderStrategies ? {} : { launchType: "FARGATE" }), networkConfiguration, ...(inputs.taskDefinition ? {} : { taskDefinition: `arn:aws:ecs:${region}:000000000000:task-definition/${name}` }) },
      });
      return out;
    }
    case "awsx:ecr:Repository": {
      const { lifecyclePolicy, ...repo } = inputs;
      const out: ModelledChild[] = [{ type: "aws:ecr/repository:Repository", name: name.toLowerCase(), inputs: repo }];
      if (!lifecyclePolicy?.skip) {
        out.push({
          type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
          name: name.toLowerCase(),
          inputs: { repository: name.toLowerCase(), policy: JSON.stringify({ rules: [{ rulePriority: 1, description: "remove untagged images", selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }] }) },
          refs: { repository: 0 },
        });
      }
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * The outputs of a modelled awsx component, from its children's mocked outputs (so that
 * `alb.loadBalancer.dnsName` or `repo.url` read like AWS's, not `undefined`). The VPC's are answered
 * by `mockAwsxComponent`.
 */
export function awsxComponentOutputs(
  type: string,
  name: string,
  inputs: Record<string, any>,
  region: string,
  mock: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (type === "awsx:ec2:Vpc" || type === "awsx:ec2:DefaultVpc") return undefined;
  const children = awsxChildren(type, name, inputs, {}, region);
  if (!children) return undefined;
  const state = children.map((c) => ({ type: c.type, name: c.name, out: mock(c.type, c.name, c.inputs) }));
  const first = (t: string) => state.find((c) => c.type === t)?.out;
  switch (type) {
    case "awsx:lb:ApplicationLoadBalancer":
      return {
        ...inputs,
        loadBalancer: first("aws:lb/loadBalancer:LoadBalancer"),
        defaultTargetGroup: first("aws:lb/targetGroup:TargetGroup"),
        defaultSecurityGroup: first("aws:ec2/securityGroup:SecurityGroup"),
        listeners: state.filter((c) => c.type === "aws:lb/listener:Listener").map((c) => c.out),
        vpcId: inputs.vpcId,
      };
    case "awsx:ecs:FargateService":
      return { ...inputs, service: first("aws:ecs/service:Service"), taskDefinition: first("aws:ecs/taskDefinition:TaskDefinition") };
    case "awsx:ecs:FargateTaskDefinition":
      return {
        ...inputs,
        taskDefinition: first("aws:ecs/taskDefinition:TaskDefinition"),
        logGroup: first("aws:cloudwatch/logGroup:LogGroup"),
        executionRole: state.find((c) => c.name === `${name}-execution`)?.out,
        taskRole: state.find((c) => c.name === `${name}-task`)?.out,
      };
    case "awsx:ecr:Repository": {
      const repository = first("aws:ecr/repository:Repository");
      return { ...inputs, repository, url: repository?.repositoryUrl, lifecyclePolicy: first("aws:ecr/lifecyclePolicy:LifecyclePolicy") };
    }
    default:
      return undefined;
  }
}
