/**
 * A Lambda function from a TypeScript handler, bundled with esbuild at construction
 * (`bundle.ts`), secure by default:
 *
 * | setting            | default                                                       | control      |
 * |--------------------|---------------------------------------------------------------|--------------|
 * | runtime            | `nodejs22.x`, arm64                                           | Lambda.2     |
 * | role               | its own: logs to its own log group, X-Ray writes, what callers grant | IAM least privilege |
 * | log group          | `/aws/lambda/<name>`, KMS-encrypted, profile retention, JSON  | BP.Lambda.4  |
 * | tracing            | X-Ray `Active`                                                | BP.Lambda.1  |
 * | failed async events| an SSE-KMS, TLS-only SQS dead-letter queue (or `onFailure`)   | BP.Lambda.2  |
 * | environment        | non-secret values only, encrypted with the key                | CKV_AWS_173  |
 * | VPC                | when `vpc` is given: subnets in 2+ AZs, ENI permissions       | Lambda.3/.5  |
 *
 * Code signing is not required (issue 5). Reserved concurrency is opt-in: reserving takes
 * capacity from the account's unreserved pool, which new accounts keep small.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { EncryptedLogGroup } from "../observability/log-group";
import { KmsDecryptActions, LogsWriteActions } from "../security/actions";
import { KeyReference, keyArnOf } from "../security/encryption-key";
import { grantToRole, policyDocument, PolicyStatement, statementProblems, throwIfProblems } from "../security/policy-document";
import { bundleHandler, SourceMapMode } from "./bundle";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";

/** Instruction set of the function. arm64 (Graviton) costs about 20% less per GB-second. */
export const FunctionArchitectures = ["arm64", "x86_64"] as const;
export type FunctionArchitecture = (typeof FunctionArchitectures)[number];

/** Where failed asynchronous invocations go when the caller does not want the dead-letter queue. */
export interface OnFailureDestination {
  /** The destination's kind, which decides the permission the role gets. Required. */
  type: "sqs" | "sns" | "lambda" | "eventbridge";
  /** The destination's ARN (queue, topic, function, event bus). Required. */
  arn: pulumi.Input<string>;
  /** Its KMS key when it is encrypted with one (the role gets GenerateDataKey/Decrypt on it). Default: none. */
  kmsKey?: KeyReference;
}

export interface FunctionArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** Path to the TypeScript handler file (relative to the working directory, or absolute). Required. */
  handler: string;
  /** The handler's exported function name. Default: `handler`. */
  handlerExport?: string;
  /** KMS key for the dead-letter queue and the environment variables. Required. */
  kmsKey: KeyReference;
  /** KMS key for the log group; its policy must allow the `logs` service principal. Default: `kmsKey`. */
  logsKmsKey?: KeyReference;
  /** The function's physical name (max 64 characters). Default: `<project>-<stack>-<component name>`. */
  functionName?: string;
  /** What the function does. Default: none. */
  description?: string;
  /** Instruction set. Default: `arm64`. */
  architecture?: FunctionArchitecture;
  /** Memory in MB, 128 to 10240. Default: 256. */
  memorySize?: number;
  /** Timeout in seconds, 1 to 900. Default: 10. */
  timeout?: number;
  /**
   * Environment variables: names, ARNs and settings, never secrets. A key that looks like a secret
   * (a word PASSWORD, SECRET, TOKEN, KEY, CREDENTIALS... without an `_ARN`/`_ID`/`_NAME` suffix) with
   * a literal value is rejected: keep the secret in Secrets Manager and pass its ARN. Default: none.
   */
  environment?: Record<string, pulumi.Input<string>>;
  /** Environment keys that look like secrets but are not (e.g. `PARTITION_KEY`), exempt from the check. Default: none. */
  nonSecretEnvironmentKeys?: readonly string[];
  /** Reserved concurrent executions (at least 1). Default: none (the account's unreserved pool). */
  reservedConcurrency?: number;
  /** Run in a VPC: subnets (two or more AZs) and security groups; adds the ENI permissions. Default: no VPC. */
  vpc?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
  /** Send failed asynchronous invocations here instead of the dead-letter queue. Default: an SQS dead-letter queue. */
  onFailure?: OnFailureDestination;
  /** Async retry attempts (0 to 2) before an event counts as failed. Default: 2 (Lambda's own). */
  maximumRetryAttempts?: number;
  /** Source map placement of the bundle. Default: `external` (shipped as `index.js.map`, with `--enable-source-maps`). */
  sourcemap?: SourceMapMode;
  /**
   * Packages left out of the bundle: optional dependencies the code loads only if present (e.g.
   * `pg-native`, which `pg` requires inside a try), so esbuild neither resolves nor inlines them.
   * Never the AWS SDK (the bundler refuses it: the deployed code must run the SDK it was tested with). Default: none.
   */
  bundleExternal?: readonly string[];
  /** Path and permissions boundary of the execution role. Default: `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** Who may invoke the function (an `aws.lambda.Permission`). */
export interface InvokeGrant {
  /** A service principal (`apigateway.amazonaws.com`, `events.amazonaws.com`...) or an account id. Required; never `*`. */
  principal: pulumi.Input<string>;
  /** The invoking resource's ARN (required for service principals: confused-deputy protection). */
  sourceArn?: pulumi.Input<string>;
  /** The invoking resource's account. Default: none. */
  sourceAccount?: pulumi.Input<string>;
}

const SECRET_WORDS = ["PASSWORD", "PASSWD", "PWD", "SECRET", "SECRETS", "TOKEN", "KEY", "APIKEY", "PRIVATEKEY", "CREDENTIAL", "CREDENTIALS", "PASSPHRASE"];
const REFERENCE_SUFFIXES = ["ARN", "ID", "NAME", "PARAM", "PARAMETER", "PATH", "ALIAS"];

/** True for an environment key that names a secret held in it (not a reference to one). */
export function looksLikeSecretKey(key: string): boolean {
  const words = key.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0) return false;
  if (REFERENCE_SUFFIXES.includes(words[words.length - 1]!)) return false;
  return words.some((w) => SECRET_WORDS.includes(w));
}

/**
 * Problems with environment variables: secret-looking keys with literal values (an Output, e.g. a
 * secret's ARN from a resource, or a literal ARN is a reference and passes).
 */
export function environmentProblems(environment: Record<string, pulumi.Input<string>>, exempt: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(environment)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) problems.push(`environment key "${key}": must start with a letter and contain only letters, digits and _`);
    if (key.startsWith("AWS_") && key !== "AWS_NODEJS_CONNECTION_REUSE_ENABLED") problems.push(`environment key "${key}": AWS_ keys are reserved by Lambda`);
    if (exempt.includes(key) || !looksLikeSecretKey(key)) continue;
    if (typeof value === "string" && !value.startsWith("arn:")) {
      problems.push(
        `environment key "${key}" looks like a secret and has a literal value: store the secret in AWS Secrets Manager, pass its ARN (e.g. ${key}_ARN) and grant the function secretsmanager:GetSecretValue; if it is not a secret, list it in nonSecretEnvironmentKeys`,
      );
    }
  }
  return problems;
}

export class Function extends pulumi.ComponentResource {
  /** The Lambda function. */
  readonly function: aws.lambda.Function;
  /** The execution role (pass it to other components' grant methods). */
  readonly role: aws.iam.Role;
  /** The dead-letter queue, unless `onFailure` was given. */
  readonly deadLetterQueue: aws.sqs.Queue | undefined;
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  /** The ARN API Gateway integrations call. */
  readonly invokeArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  /** Size of the bundled `index.js` in bytes (known at construction). */
  readonly bundleSizeBytes: number;

  private readonly componentName: string;

  constructor(name: string, args: FunctionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:compute:Function", name, {}, opts);
    const { context } = args;
    const functionName = args.functionName ?? physicalName(context, name, 64);
    const architecture = args.architecture ?? "arm64";
    const memorySize = args.memorySize ?? 256;
    const timeout = args.timeout ?? 10;
    const handlerExport = args.handlerExport ?? "handler";
    const environment = { ...(args.environment ?? {}) };
    const sourcemap = args.sourcemap ?? "external";

    const problems: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(functionName)) problems.push(`functionName = "${functionName}": 1 to 64 letters, digits, - and _`);
    if (!(FunctionArchitectures as readonly string[]).includes(architecture)) problems.push(`architecture = "${architecture}": must be one of ${FunctionArchitectures.join(", ")}`);
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) problems.push(`memorySize = ${memorySize}: must be a whole number of MB from 128 to 10240`);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) problems.push(`timeout = ${timeout}: must be a whole number of seconds from 1 to 900`);
    if (!/^[A-Za-z_$][\w$]*$/.test(handlerExport)) problems.push(`handlerExport = "${handlerExport}": must be a JavaScript identifier`);
    if (args.reservedConcurrency !== undefined && (!Number.isInteger(args.reservedConcurrency) || args.reservedConcurrency < 1)) {
      problems.push(`reservedConcurrency = ${args.reservedConcurrency}: must be a whole number >= 1 (0 would stop every invocation; omit it for the unreserved pool)`);
    }
    if (args.maximumRetryAttempts !== undefined && (!Number.isInteger(args.maximumRetryAttempts) || args.maximumRetryAttempts < 0 || args.maximumRetryAttempts > 2)) {
      problems.push(`maximumRetryAttempts = ${args.maximumRetryAttempts}: must be 0, 1 or 2`);
    }
    if (args.vpc && Array.isArray(args.vpc.subnetIds) && args.vpc.subnetIds.length < 2) {
      problems.push(`vpc.subnetIds has ${args.vpc.subnetIds.length} subnet(s): give subnets in at least two Availability Zones (Lambda.5)`);
    }
    if (args.vpc && Array.isArray(args.vpc.securityGroupIds) && args.vpc.securityGroupIds.length === 0) problems.push("vpc.securityGroupIds is empty: give the function's security group");
    if (args.onFailure && !["sqs", "sns", "lambda", "eventbridge"].includes(args.onFailure.type)) problems.push(`onFailure.type = "${args.onFailure.type}": must be one of sqs, sns, lambda, eventbridge`);
    problems.push(...environmentProblems(environment, args.nonSecretEnvironmentKeys));
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`Function ${name}`, problems);

    // Bundling throws a BundleError with esbuild's messages (e.g. an unresolvable import).
    const bundle = bundleHandler(args.handler, { sourcemap, ...(args.bundleExternal ? { external: args.bundleExternal } : {}) });
    this.bundleSizeBytes = bundle.sizeBytes;
    this.componentName = name;

    const keyArn = pulumi.output(keyArnOf(args.kmsKey));
    const logGroup = new EncryptedLogGroup(
      `${name}-logs`,
      { context, kmsKey: args.logsKmsKey ?? args.kmsKey, logGroupName: `/aws/lambda/${functionName}`, tags: args.tags },
      { parent: this },
    );

    this.role = serviceRole(this, `${name}-role`, {
      context,
      service: "lambda.amazonaws.com",
      description: `Execution role of the ${functionName} function`,
      placement: args.rolePlacement,
    });

    const statements: PolicyStatement[] = [
      { Sid: "WriteOwnLogGroup", Effect: "Allow", Action: [...LogsWriteActions], Resource: pulumi.interpolate`${logGroup.arn}:log-stream:*` },
      // X-Ray has no resource-level permissions for these actions: the resource must be "*".
      { Sid: "WriteXRayTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: "*" },
      // Lambda decrypts the environment with the execution role's permissions.
      { Sid: "DecryptEnvironment", Effect: "Allow", Action: [...KmsDecryptActions], Resource: keyArn },
    ];

    let deadLetterTarget: pulumi.Output<string> | undefined;
    if (args.onFailure) {
      statements.push(...destinationStatements(args.onFailure));
      this.deadLetterQueue = undefined;
    } else {
      this.deadLetterQueue = new aws.sqs.Queue(
        `${name}-dlq`,
        {
          name: `${functionName.slice(0, 76)}-dlq`,
          kmsMasterKeyId: keyArn,
          kmsDataKeyReusePeriodSeconds: 300,
          // 14 days, SQS's longest: time to notice, inspect and redrive.
          messageRetentionSeconds: 1_209_600,
          tags: withTags(context.tags, args.tags ?? {}),
        },
        { parent: this },
      );
      new aws.sqs.QueuePolicy(
        `${name}-dlq-policy`,
        {
          queueUrl: this.deadLetterQueue.url,
          policy: policyDocument([
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: this.deadLetterQueue.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
          ]),
        },
        { parent: this },
      );
      deadLetterTarget = this.deadLetterQueue.arn;
      statements.push(
        { Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.deadLetterQueue.arn },
        { Sid: "EncryptDeadLetters", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
      );
    }

    if (args.vpc) {
      // The EC2 actions of AWSLambdaVPCAccessExecutionRole, without its logs:* on every group.
      // Describe* and the ENI lifecycle calls do not support resource-level scoping.
      statements.push({
        Sid: "ManageVpcNetworkInterfaces",
        Effect: "Allow",
        Action: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        Resource: "*",
      });
    }

    const basePolicy = new aws.iam.RolePolicy(`${name}-role-base`, { role: this.role.name, policy: policyDocument(statements) }, { parent: this });

    const code = new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset(bundle.code),
      ...(bundle.sourceMap ? { "index.js.map": new pulumi.asset.StringAsset(bundle.sourceMap) } : {}),
    });
    const variables = { ...(bundle.sourceMap || sourcemap === "inline" ? { NODE_OPTIONS: "--enable-source-maps" } : {}), ...environment };

    this.function = new aws.lambda.Function(
      name,
      {
        name: functionName,
        ...(args.description !== undefined ? { description: args.description } : {}),
        role: this.role.arn,
        runtime: "nodejs22.x",
        architectures: [architecture],
        handler: `index.${handlerExport}`,
        code,
        memorySize,
        timeout,
        kmsKeyArn: keyArn,
        ...(Object.keys(variables).length > 0 ? { environment: { variables } } : {}),
        // Depending on the group's name output makes the function wait for the group (and tells
        // the policy pack which group it logs to).
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.logGroupName, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
        tracingConfig: { mode: "Active" },
        ...(deadLetterTarget ? { deadLetterConfig: { targetArn: deadLetterTarget } } : {}),
        ...(args.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: args.reservedConcurrency } : {}),
        ...(args.vpc ? { vpcConfig: { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds } } : {}),
        tags: withTags(context.tags, args.tags ?? {}),
      },
      // The role must be able to write logs, reach the VPC and the DLQ before the first invocation.
      { parent: this, dependsOn: [basePolicy] },
    );

    if (args.onFailure || args.maximumRetryAttempts !== undefined) {
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-async`,
        {
          functionName: this.function.name,
          ...(args.maximumRetryAttempts !== undefined ? { maximumRetryAttempts: args.maximumRetryAttempts } : {}),
          ...(args.onFailure ? { destinationConfig: { onFailure: { destination: args.onFailure.arn } } } : {}),
        },
        { parent: this },
      );
    }

    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.invokeArn = this.function.invokeArn;
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.logGroupName = logGroup.logGroupName;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      invokeArn: this.invokeArn,
      roleArn: this.roleArn,
      roleName: this.roleName,
      logGroupName: this.logGroupName,
      bundleSizeBytes: this.bundleSizeBytes,
    });
  }

  /**
   * Let a principal invoke the function (an `aws.lambda.Permission`). A service principal must
   * name the invoking resource (`sourceArn`); `*` is never allowed (Lambda.1).
   */
  grantInvoke(name: string, grant: InvokeGrant): aws.lambda.Permission {
    const problems: string[] = [];
    if (grant.principal === "*") problems.push('principal "*" would let anyone invoke the function: name the service or account');
    if (typeof grant.principal === "string" && grant.principal.endsWith(".amazonaws.com") && grant.sourceArn === undefined) {
      problems.push(`principal ${grant.principal} needs sourceArn: without it any AWS account's resources could invoke the function`);
    }
    throwIfProblems(`Function ${this.componentName}.grantInvoke(${name})`, problems);
    return new aws.lambda.Permission(
      `${this.componentName}-invoke-${name}`,
      {
        function: this.function.name,
        action: "lambda:InvokeFunction",
        principal: grant.principal,
        ...(grant.sourceArn !== undefined ? { sourceArn: grant.sourceArn } : {}),
        ...(grant.sourceAccount !== undefined ? { sourceAccount: grant.sourceAccount } : {}),
      },
      { parent: this },
    );
  }

  /** Add named statements to the execution role (each Allow names its actions). */
  addToRolePolicy(name: string, statements: PolicyStatement[]): aws.iam.RolePolicy {
    throwIfProblems(`Function ${this.componentName}.addToRolePolicy(${name})`, statementProblems(name, statements));
    return grantToRole(this, this.componentName, this.role, name, statements);
  }
}

/** The permission to deliver failed events to an on-failure destination. */
function destinationStatements(d: OnFailureDestination): PolicyStatement[] {
  const action = { sqs: "sqs:SendMessage", sns: "sns:Publish", lambda: "lambda:InvokeFunction", eventbridge: "events:PutEvents" }[d.type];
  const statements: PolicyStatement[] = [{ Sid: "SendFailedEvents", Effect: "Allow", Action: [action], Resource: d.arn }];
  if (d.kmsKey !== undefined) statements.push({ Sid: "EncryptFailedEvents", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArnOf(d.kmsKey) });
  return statements;
}
