import { expect } from "chai";
import * as lambda from "../../policy-packs/aws-compliance/policies/compute-lambda";
import { res, UNKNOWN } from "../helpers/policy";
import { describePolicy, head } from "./network-cases";

const T = {
  fn: "aws:lambda/function:Function",
  permission: "aws:lambda/permission:Permission",
  url: "aws:lambda/functionUrl:FunctionUrl",
  eic: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  subnet: "aws:ec2/subnet:Subnet",
  awsxVpc: "awsx:ec2:Vpc",
};
const fn = (inputs: Record<string, unknown>, name?: string) => res(T.fn, { role: UNKNOWN, runtime: "nodejs22.x", handler: "index.handler", ...inputs }, name ? { name } : {});
const perm = (inputs: Record<string, unknown>, name?: string, deps?: Record<string, ReturnType<typeof res>[]>) =>
  res(T.permission, { action: "lambda:InvokeFunction", function: "f", ...inputs }, { ...(name ? { name } : {}), ...(deps ? { deps } : {}) });

// ---------------------------------------------------------------------------------------------
// Lambda.1
// ---------------------------------------------------------------------------------------------

{
  const p = lambda.lambdaFunctionUrlAuth;
  const open = res(T.url, { functionName: "f", authorizationType: "NONE" }, { name: "url" });
  describePolicy(p, [
    { it: "passes AWS_IAM", resources: [res(T.url, { functionName: "f", authorizationType: "AWS_IAM" })], expect: "pass" },
    { it: "fails NONE", resources: [open], expect: [[head(p, open), '"NONE"', 'authorizationType: "AWS_IAM"']] },
    { it: "cannot run during preview when it is unknown", resources: [res(T.url, { functionName: "f", authorizationType: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Lambda.2, Lambda.3, Lambda.5
// ---------------------------------------------------------------------------------------------

{
  const p = lambda.lambdaSupportedRuntime;
  const node20 = fn({ runtime: "nodejs20.x" }, "api");
  const py39 = fn({ runtime: "python3.9" }, "etl");
  describePolicy(p, [
    { it: "passes supported runtimes", resources: [fn({ runtime: "nodejs22.x" }), fn({ runtime: "python3.13" }), fn({ runtime: "provided.al2023" })], expect: "pass" },
    { it: "passes a container image function", resources: [fn({ packageType: "Image", imageUri: "x", runtime: undefined })], expect: "pass" },
    { it: "fails deprecated runtimes", resources: [node20, py39], expect: [[head(p, node20), '"nodejs20.x"', "nodejs22.x"], [head(p, py39), '"python3.9"']] },
    { it: "reads the allowed runtimes from config", resources: [node20], config: { allowedRuntimes: ["nodejs20.x"] }, expect: "pass" },
    { it: "cannot run during preview when the runtime is unknown", resources: [fn({ runtime: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = lambda.lambdaInVpc;
  const outside = fn({}, "worker");
  const subnet = res("aws:ec2/subnet:Subnet", { vpcId: "v", cidrBlock: "10.0.1.0/24" }, { name: "private-a" });
  describePolicy(p, [
    { it: "passes a function in a VPC (subnets of the stack, unknown at preview)", resources: [subnet, { ...fn({ vpcConfig: { subnetIds: UNKNOWN, securityGroupIds: [UNKNOWN] } }), propertyDependencies: { vpcConfig: [subnet.urn] } }], expect: "pass" },
    { it: "is undecidable when the subnets are unknown and come from no subnet or VPC", resources: [fn({ vpcConfig: { subnetIds: UNKNOWN, securityGroupIds: [UNKNOWN] } })], expect: "unknown" },
    { it: "fails a function outside a VPC (advisory by default)", resources: [outside], expect: [[head(p, outside), "no `vpcConfig`", "vpcConfig: { subnetIds"]], level: "advisory" },
    { it: "takes the level from config (mandatory for PCI stacks)", resources: [outside], config: { enforcementLevel: "mandatory" }, expect: [[head(p, outside)]], level: "mandatory" },
  ]);
}

{
  const p = lambda.lambdaVpcMultiAz;
  const a = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1a" }, { name: "a" });
  const b = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1b" }, { name: "b" });
  const u = res(T.subnet, { vpcId: "v", availabilityZone: UNKNOWN }, { name: "u" });
  const awsx = res(T.awsxVpc, {}, { name: "net" });
  const single = fn({ vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [] } }, "single");
  const deps = (...subnets: ReturnType<typeof res>[]) => ({ deps: { vpcConfig: subnets } });
  describePolicy(p, [
    { it: "passes subnets in two AZs", resources: [a, b, res(T.fn, { role: "r", vpcConfig: { subnetIds: [UNKNOWN, UNKNOWN], securityGroupIds: [] } }, deps(a, b))], expect: "pass" },
    { it: "passes an awsx VPC's private subnets", resources: [awsx, res(T.fn, { role: "r", vpcConfig: { subnetIds: UNKNOWN, securityGroupIds: [] } }, deps(awsx))], expect: "pass" },
    { it: "ignores functions outside a VPC (Lambda.3 covers them)", resources: [fn({})], expect: "pass" },
    { it: "fails one subnet", resources: [a, res(T.fn, { role: "r", vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [] } }, { name: "single", deps: { vpcConfig: [a] } })], expect: [[head(p, single), "span 1 Availability Zone", "us-east-1a", "vpcConfig.subnetIds"]] },
    { it: "reads the minimum from config", resources: [a, res(T.fn, { role: "r", vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [] } }, deps(a))], config: { minAzs: 1 }, expect: "pass" },
    { it: "is undecidable when a subnet's AZ is unknown", resources: [a, u, res(T.fn, { role: "r", vpcConfig: { subnetIds: [UNKNOWN, UNKNOWN], securityGroupIds: [] } }, deps(a, u))], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// BP.Lambda.*
// ---------------------------------------------------------------------------------------------

{
  const p = lambda.lambdaXrayTracing;
  const off = fn({}, "api");
  const pass = fn({ tracingConfig: { mode: "PassThrough" } }, "api2");
  describePolicy(p, [
    { it: "passes Active tracing", resources: [fn({ tracingConfig: { mode: "Active" } })], expect: "pass" },
    { it: "fails no tracing and PassThrough", resources: [off, pass], expect: [[head(p, off), "not configured", 'tracingConfig: { mode: "Active" }'], [head(p, pass), '"PassThrough"']] },
    { it: "cannot run during preview when the mode is unknown", resources: [fn({ tracingConfig: { mode: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const p = lambda.lambdaAsyncFailureDestination;
  const f = fn({ name: "thumbnailer" }, "thumbnailer");
  const fromS3 = perm({ principal: "s3.amazonaws.com", function: UNKNOWN, sourceArn: UNKNOWN }, "s3-invoke", { function: [f] });
  const fromApi = perm({ principal: "apigateway.amazonaws.com", function: "thumbnailer", sourceArn: UNKNOWN });
  const dlq = res("aws:sqs/queue:Queue", {}, { name: "thumbnailer-failures" });
  describePolicy(p, [
    { it: "passes a synchronously invoked function without a DLQ", resources: [f, fromApi], expect: "pass" },
    { it: "passes an async function with a dead-letter queue", resources: [fn({ deadLetterConfig: { targetArn: UNKNOWN } }, "thumbnailer"), perm({ principal: "sns.amazonaws.com", function: "thumbnailer", sourceArn: "t" })], expect: "pass" },
    { it: "passes an async function with an on-failure destination", resources: [f, fromS3, dlq, res(T.eic, { functionName: UNKNOWN, destinationConfig: { onFailure: { destination: UNKNOWN } } }, { deps: { functionName: [f], destinationConfig: [dlq] } })], expect: "pass" },
    { it: "is undecidable when the destination is unknown and comes from no queue, topic, function or bus", resources: [f, fromS3, res(T.eic, { functionName: UNKNOWN, destinationConfig: { onFailure: { destination: UNKNOWN } } }, { deps: { functionName: [f] } })], expect: "unknown" },
    { it: "fails an S3-triggered function that drops failed events", resources: [f, fromS3], expect: [[head(p, f), "invoked asynchronously by s3.amazonaws.com", "deadLetterConfig"]] },
    { it: "fails every function when config says allFunctions", resources: [f, fromApi], config: { allFunctions: true }, expect: [[head(p, f), "allFunctions"]] },
    { it: "is undecidable when an invoker principal is unknown", resources: [f, perm({ principal: UNKNOWN, function: "thumbnailer" })], expect: "unknown" },
  ]);
}

{
  const p = lambda.lambdaReservedConcurrency;
  const none = fn({}, "api");
  const unreserved = fn({ reservedConcurrentExecutions: -1 }, "api2");
  describePolicy(p, [
    { it: "passes a reserved concurrency", resources: [fn({ reservedConcurrentExecutions: 20 })], expect: "pass" },
    { it: "fails unset and -1 (advisory by default)", resources: [none, unreserved], expect: [[head(p, none), "reservedConcurrentExecutions"], [head(p, unreserved)]], level: "advisory" },
    { it: "cannot run during preview when it is unknown", resources: [fn({ reservedConcurrentExecutions: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = lambda.lambdaLogGroupEncrypted;
  const named = fn({ name: "orders" }, "orders");
  const group = (inputs: Record<string, unknown>, deps?: Record<string, ReturnType<typeof res>[]>) => res(T.logGroup, { retentionInDays: 365, ...inputs }, { name: "orders-logs", ...(deps ? { deps } : {}) });
  const key = res("aws:kms/key:Key", {}, { name: "logs-key" });
  const custom = res(T.logGroup, { name: "/app/orders", kmsKeyId: UNKNOWN }, { name: "app-logs", deps: { kmsKeyId: [key] } });
  const viaConfig = fn({ loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN } }, "viaConfig");
  describePolicy(p, [
    { it: "passes the default log group, named literally, with a KMS key", resources: [named, group({ name: "/aws/lambda/orders", kmsKeyId: "arn:aws:kms:us-east-1:1:key/k" })], expect: "pass" },
    { it: "passes a log group named from the function's output", resources: [named, key, group({ name: UNKNOWN, kmsKeyId: UNKNOWN }, { name: [named], kmsKeyId: [key] })], expect: "pass" },
    { it: "passes loggingConfig.logGroup pointing at an encrypted group", resources: [key, custom, res(T.fn, { role: "r", loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN } }, { deps: { loggingConfig: [custom] } })], expect: "pass" },
    { it: "is undecidable when the group's key is unknown and comes from no key", resources: [named, group({ name: UNKNOWN, kmsKeyId: UNKNOWN }, { name: [named] })], expect: "unknown" },
    { it: "fails a function whose log group Lambda would create", resources: [named], expect: [[head(p, named), '"/aws/lambda/orders"', "without a KMS key", "kmsKeyId"]] },
    { it: "fails a log group without kmsKeyId", resources: [named, group({ name: "/aws/lambda/orders" })], expect: [[head(p, named), "orders-logs", "has no `kmsKeyId`"]] },
    { it: "is undecidable when the custom log group name is unknown and untraceable", resources: [viaConfig], expect: "unknown" },
  ]);
}

describe("compute-lambda policies", () => {
  it("have unique names prefixed lambda-", () => {
    const names = lambda.policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const n of names) expect(n).to.match(/^lambda-[a-z0-9-]+$/);
  });
});
