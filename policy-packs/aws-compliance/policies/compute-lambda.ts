/**
 * Lambda (FSBP Lambda.1/2/5, PCI Lambda.3) and our own Lambda rules (`BP.Lambda.*`): no public
 * invoke permissions or unauthenticated function URLs, supported runtimes, VPC placement across
 * AZs, X-Ray tracing, a destination for failed asynchronous events, reserved concurrency, and a
 * KMS-encrypted log group.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { azSpread, dependsOn, N, pointingAt } from "../lib/tokens-network";
import { referenceIsSet, referencePolicy, SOURCES, untracedPointers, undecidableIfUntraced } from "../lib/references";
import { asArray, get, isUnknown, undecidable } from "../lib/values";

/** A value read through `get` that must be known to decide. */
function known<T = any>(obj: unknown, path: string, label = path): T {
  const v = get(obj, path);
  if (isUnknown(v)) undecidable(label);
  return v as T;
}

/** Container-image functions have no managed runtime. */
const isImage = (props: unknown) => known(props, "packageType") === "Image";

// ---------------------------------------------------------------------------------------------
// Lambda.1 function URLs (public invoke permissions: resource-policy-not-public)
// ---------------------------------------------------------------------------------------------

export const lambdaFunctionUrlAuth = resourcePolicy(
  {
    name: "lambda-function-url-auth",
    description: "Lambda function URLs must require IAM authentication.",
    severity: "critical",
    controls: ["Lambda.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `authorizationType: "AWS_IAM"` on the aws.lambda.FunctionUrl (front public endpoints with API Gateway or CloudFront + OAC instead).',
    resourceTypes: N.lambdaFunctionUrl,
  },
  ({ props, fail }) => {
    if (props.authorizationType !== "AWS_IAM") fail(`\`authorizationType\` is "${props.authorizationType}", so anyone on the internet can invoke the function`, 'set `authorizationType: "AWS_IAM"`');
  },
);

// ---------------------------------------------------------------------------------------------
// Lambda.2 runtimes, Lambda.3 VPC, Lambda.5 multi-AZ
// ---------------------------------------------------------------------------------------------

export const lambdaSupportedRuntime = resourcePolicy(
  {
    name: "lambda-supported-runtime",
    description: "Lambda functions must use a runtime that AWS still supports (not deprecated).",
    severity: "medium",
    controls: ["Lambda.2"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `runtime` on the aws.lambda.Function to a supported runtime from this policy's config (e.g. nodejs22.x, python3.13, java21, provided.al2023).",
    resourceTypes: N.lambdaFunction,
    config: {
      allowedRuntimes: {
        type: "array",
        items: { type: "string" },
        description: "Runtimes accepted (AWS's supported, not-yet-deprecated list; update it when AWS deprecates one).",
        default: ["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "python3.14", "java21", "java25", "dotnet10", "ruby3.3", "ruby3.4", "provided.al2023"],
      },
    },
  },
  ({ props, config, fail }) => {
    if (isImage(props)) return;
    const runtime = props.runtime;
    if (runtime === undefined) return; // a zip function without a runtime cannot deploy
    const allowed = (config.allowedRuntimes as string[]).map(String);
    if (!allowed.includes(String(runtime))) fail(`runtime "${runtime}" is deprecated or not on the supported list`, `set \`runtime\` to one of ${allowed.join(", ")}`);
  },
);

export const lambdaInVpc = referencePolicy(
  {
    name: "lambda-in-vpc",
    description: "Lambda functions must run in a VPC (`vpcConfig` with subnets).",
    severity: "low",
    controls: ["Lambda.3"],
    frameworks: ["PCI DSS"],
    // Advisory by default: functions that only call AWS APIs gain little from a VPC; PCI stacks raise it.
    remediationSteps: "Set `vpcConfig: { subnetIds: <private subnets>, securityGroupIds: [...] }` on the aws.lambda.Function.",
    resourceTypes: N.lambdaFunction,
  },
  ({ ref, fail }) => {
    // Subnets known, or unknown at preview and from subnets (or an awsx VPC) of the stack (lib/references.ts).
    if (ref("vpcConfig.subnetIds", [...N.subnet, ...N.awsxVpc])) return;
    fail("it has no `vpcConfig`, so it runs outside the workload VPC (no security groups, no private routing)", "set `vpcConfig: { subnetIds: <private subnet ids>, securityGroupIds: [<sg>] }`");
  },
);

export const lambdaVpcMultiAz = stackPolicy(
  {
    name: "lambda-vpc-multi-az",
    description: "VPC-attached Lambda functions must use subnets in at least two Availability Zones.",
    severity: "medium",
    controls: ["Lambda.5"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `vpcConfig.subnetIds` on the aws.lambda.Function to subnets in two or more Availability Zones (awsx: `vpc.privateSubnetIds`).",
    config: { minAzs: { type: "integer", minimum: 1, description: "Fewest Availability Zones a VPC function must span.", default: 2 } },
  },
  ({ forEach, resources, fail, config }) => {
    const min = Number(config.minAzs);
    forEach(N.lambdaFunction, (fn) => {
      const subnets = get(fn.props, "vpcConfig.subnetIds");
      if (subnets === undefined || (!isUnknown(subnets) && asArray(subnets).length === 0)) return; // not in a VPC (Lambda.3)
      const spread = azSpread(fn, "vpcConfig", isUnknown(subnets) ? "unknown" : asArray(subnets), resources);
      if (spread.count >= min) return;
      if (spread.uncertain) undecidable("vpcConfig.subnetIds (subnet availabilityZone)");
      fail(fn, `its VPC subnets span ${spread.count} Availability Zone${spread.count === 1 ? "" : "s"} (${spread.basis}); at least ${min} required`, `set \`vpcConfig.subnetIds\` to subnets in ${min} or more AZs`);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Our own rules: tracing, failure destinations, reserved concurrency, log group encryption
// ---------------------------------------------------------------------------------------------

export const lambdaXrayTracing = resourcePolicy(
  {
    name: "lambda-xray-tracing",
    description: "Lambda functions must trace requests with AWS X-Ray (active tracing).",
    severity: "low",
    controls: ["BP.Lambda.1"],
    frameworks: ["Blueprints"],
    remediationSteps: 'Set `tracingConfig: { mode: "Active" }` on the aws.lambda.Function (its role needs xray:PutTraceSegments).',
    resourceTypes: N.lambdaFunction,
  },
  ({ props, fail }) => {
    // The default is PassThrough (no sampling decision of its own).
    const mode = props.tracingConfig?.mode;
    if (mode !== "Active") fail(`X-Ray tracing is ${mode === undefined ? "not configured (PassThrough)" : `"${mode}"`}`, 'set `tracingConfig: { mode: "Active" }`');
  },
);

/** Where failed asynchronous events may go: an SQS queue or SNS topic (DLQ), or a function or event bus (destination). */
const DESTINATIONS = ["aws:sqs/queue:Queue", "aws:sns/topic:Topic", "aws:lambda/function:Function", "aws:cloudwatch/eventBus:EventBus"];

export const lambdaAsyncFailureDestination = stackPolicy(
  {
    name: "lambda-async-failure-destination",
    description: "Lambda functions invoked asynchronously must keep failed events (a dead-letter queue or an on-failure destination).",
    severity: "medium",
    controls: ["BP.Lambda.2"],
    frameworks: ["Blueprints"],
    remediationSteps:
      "Set `deadLetterConfig: { targetArn: <SQS queue or SNS topic ARN> }` on the aws.lambda.Function, or add an aws.lambda.FunctionEventInvokeConfig with `destinationConfig.onFailure.destination`.",
    config: {
      asyncInvokerPrincipals: {
        type: "array",
        items: { type: "string" },
        description: "Service principals that invoke functions asynchronously; a function with an aws.lambda.Permission for one of them must keep failed events.",
        default: ["s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com", "logs.amazonaws.com", "ses.amazonaws.com", "iot.amazonaws.com", "codecommit.amazonaws.com", "config.amazonaws.com"],
      },
      allFunctions: { type: "boolean", description: "Require a failure destination on every function, not only those with an asynchronous invoker.", default: false },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const asyncPrincipals = (config.asyncInvokerPrincipals as string[]).map(String);
    const permissions = ofType(N.lambdaPermission);
    const invokeConfigs = ofType(N.lambdaEventInvokeConfig);
    forEach(N.lambdaFunction, (fn) => {
      const eics = pointingAt(invokeConfigs, "functionName", fn);
      let principalUnknown = false;
      const invokers = pointingAt(permissions, "function", fn)
        .map((p) => get(p.props, "principal"))
        .filter((p) => {
          if (isUnknown(p)) principalUnknown = true;
          return asyncPrincipals.includes(String(p));
        });
      const isAsync = invokers.length > 0 || eics.length > 0 || config.allFunctions === true;
      if (!isAsync && !principalUnknown) return;
      // A target unknown at preview counts when it comes from a queue, topic, function or bus of the stack (lib/references.ts).
      if (referenceIsSet(fn, "deadLetterConfig.targetArn", DESTINATIONS)) return;
      if (eics.some((e) => referenceIsSet(e, "destinationConfig.onFailure.destination", DESTINATIONS))) return;
      if (!isAsync) undecidable("aws.lambda.Permission.principal");
      const why = invokers.length > 0 ? `it is invoked asynchronously by ${[...new Set(invokers)].join(", ")}` : eics.length > 0 ? `it has an async invoke config (${eics.map((e) => e.name).join(", ")})` : "every function must keep failed events (allFunctions)";
      fail(fn, `${why}, but events that fail every retry are dropped: no \`deadLetterConfig\` and no on-failure destination`, "set `deadLetterConfig: { targetArn: <SQS queue ARN> }` or add an aws.lambda.FunctionEventInvokeConfig with `destinationConfig: { onFailure: { destination } }`");
    });
  },
);

export const lambdaReservedConcurrency = resourcePolicy(
  {
    name: "lambda-reserved-concurrency",
    description: "Lambda functions must set reserved concurrency, so one function cannot exhaust the account's concurrency (and its downstreams).",
    severity: "low",
    controls: ["BP.Lambda.3"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `reservedConcurrentExecutions` on the aws.lambda.Function to the most concurrent executions it (and what it calls) should take.",
    resourceTypes: N.lambdaFunction,
  },
  ({ props, fail }) => {
    // -1 (the default) means unreserved.
    const r = props.reservedConcurrentExecutions;
    if (r === undefined || Number(r) < 0) fail("no reserved concurrency (`reservedConcurrentExecutions` unset or -1)", "set `reservedConcurrentExecutions` to the function's concurrency budget");
  },
);

export const lambdaLogGroupEncrypted = stackPolicy(
  {
    name: "lambda-log-group-encrypted",
    description: "Each Lambda function must log to an aws.cloudwatch.LogGroup managed in the stack and encrypted with a KMS key.",
    severity: "medium",
    controls: ["BP.Lambda.4"],
    frameworks: ["Blueprints", "PCI DSS"],
    remediationSteps:
      "Create an aws.cloudwatch.LogGroup with `kmsKeyId` (and `retentionInDays`) named `/aws/lambda/<function name>`, or pass its name as `loggingConfig.logGroup` on the aws.lambda.Function.",
  },
  ({ forEach, ofType, fail }) => {
    const groups = ofType(N.logGroup);
    forEach(N.lambdaFunction, (fn) => {
      let mine: PolicyResource[] = groups.filter((g) => dependsOn(fn, "loggingConfig", g));
      let what: string;
      if (mine.length === 0) {
        const custom = known(fn.props, "loggingConfig.logGroup");
        const name = get(fn.props, "name");
        const expected = custom ?? (typeof name === "string" && !isUnknown(name) ? `/aws/lambda/${name}` : undefined);
        what = custom !== undefined ? `its log group "${custom}"` : `its default log group ${expected ? `"${expected}"` : "/aws/lambda/<name>"}`;
        mine = groups.filter((g) => (custom === undefined && dependsOn(g, "name", fn)) || (expected !== undefined && get(g.props, "name") === expected));
        if (mine.length === 0) {
          if (custom === undefined) undecidableIfUntraced(fn, untracedPointers(groups, "name", N.lambdaFunction), "name");
          fail(fn, `${what} is not an aws.cloudwatch.LogGroup of this stack, so Lambda ${custom !== undefined ? "logs to a group whose encryption is not checked" : "creates it on first run without a KMS key or retention"}`, "create the aws.cloudwatch.LogGroup with `kmsKeyId` and `retentionInDays` (and point `loggingConfig.logGroup` at it)");
          return;
        }
      } else what = `its log group ${mine.map((g) => g.name).join(", ")}`;
      // A key id unknown at preview counts when it comes from a KMS key of the stack (lib/references.ts).
      const plain = mine.filter((g) => !referenceIsSet(g, "kmsKeyId", SOURCES.kmsKey));
      if (plain.length > 0) fail(fn, `${what} (${plain.map((g) => g.name).join(", ")}) has no \`kmsKeyId\``, `set \`kmsKeyId\` on ${plain.map((g) => g.name).join(", ")} to a customer managed KMS key whose policy lets CloudWatch Logs use it`);
    });
  },
);

export const policies = [
  lambdaFunctionUrlAuth,
  lambdaSupportedRuntime,
  lambdaInVpc,
  lambdaVpcMultiAz,
  lambdaXrayTracing,
  lambdaAsyncFailureDestination,
  lambdaReservedConcurrency,
  lambdaLogGroupEncrypted,
];

/** Every Lambda control of the catalog is decidable from a program's resources. */
export const notDecidable: Record<string, string> = {};
