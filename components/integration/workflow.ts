/**
 * A Step Functions state machine for business transactions, secure by default:
 *
 * | setting        | default                                                                      | control            |
 * |----------------|------------------------------------------------------------------------------|--------------------|
 * | type           | STANDARD (exactly-once steps, 1-year runs, 90-day history); EXPRESS refused  |                    |
 * |                | unless `allowExpress` (at-least-once: a payment could run twice)             |                    |
 * | logging        | ALL events with execution data, to an encrypted `/aws/vendedlogs/states/`    | StepFunctions.1    |
 * |                | log group                                                                    |                    |
 * | tracing        | X-Ray on                                                                     | BP.StepFunctions.1 |
 * | encryption     | the given customer managed key (`kmsKey`), data keys reused 5 minutes         | PCI DSS 3.5        |
 * | role           | trusted by states.amazonaws.com for this account and state machine only;     |                    |
 * |                | invokes only the functions given; the key only for this state machine        |                    |
 *
 * The key's policy must let CloudWatch Logs' delivery service decrypt execution data for the log
 * group: add `Workflow.keyPolicyStatements(...)` to the key (EncryptionKey `additionalStatements`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { rolePlacementProblems, serviceRole, type RolePlacement } from "../security/service-role";
import { EncryptedLogGroup } from "../observability/log-group";
import { keyArnOf, type KeyReference } from "../security/encryption-key";
import { grantToRole, throwIfProblems, type PolicyStatement } from "../security/policy-document";

export const WorkflowTypes = ["STANDARD", "EXPRESS"] as const;
export type WorkflowType = (typeof WorkflowTypes)[number];

export interface WorkflowArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The Amazon States Language definition (an object, or its JSON). Required. */
  definition: pulumi.Input<Record<string, unknown> | string>;
  /** The customer managed key that encrypts the definition and execution data. Required. */
  kmsKey: KeyReference;
  /** KMS key of the log group; its policy must allow the `logs` service principal. Default: `kmsKey`. */
  logsKmsKey?: KeyReference;
  /** Lambda function ARNs the workflow's Tasks invoke (the role may invoke these, and their versions/aliases, only). Default: none. */
  invokes?: pulumi.Input<string>[];
  /** Extra statements for the role (other service integrations); each names its actions and resources. Default: none. */
  additionalStatements?: pulumi.Input<PolicyStatement>[];
  /** The state machine's physical name. Default: `<project>-<stack>-<component name>`. */
  stateMachineName?: string;
  /** `STANDARD` or `EXPRESS`. Default: `STANDARD`. */
  type?: WorkflowType;
  /** EXPRESS is at-least-once: state it is intended (never for money movement). Default: false. */
  allowExpress?: boolean;
  /** Days to keep the execution log. Default: the profile's `logRetentionDays`. */
  logRetentionInDays?: number;
  /** Path and permissions boundary of the execution role. Default: `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** What the state machine's role needs to deliver its logs (CloudWatch Logs vended delivery has no resource-level permissions). */
export const WorkflowLogDeliveryActions = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** Errors of a Lambda Task worth retrying: Lambda's own transient failures and a Task timeout. */
export const LambdaTransientErrors = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "States.Timeout"] as const;

export class Workflow extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly role: aws.iam.Role;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly stateMachineName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  private readonly keyArn: pulumi.Output<string>;

  /**
   * Key-policy statements a workflow's key needs: CloudWatch Logs' delivery service decrypts the
   * execution data it writes to the log group (only for this account's state machines).
   */
  static keyPolicyStatements(args: { account: pulumi.Input<string> }): PolicyStatement[] {
    return [
      {
        Sid: "StepFunctionsLogDeliveryDecrypt",
        Effect: "Allow",
        Principal: { Service: "delivery.logs.amazonaws.com" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": args.account } },
      },
    ];
  }

  constructor(name: string, args: WorkflowArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:integration:Workflow", name, {}, opts);
    const { context } = args;
    const stateMachineName = args.stateMachineName ?? physicalName(context, name, 80);
    const type = args.type ?? "STANDARD";

    const problems: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(stateMachineName)) problems.push(`stateMachineName = "${stateMachineName}": 1 to 80 letters, digits, - and _`);
    if (!(WorkflowTypes as readonly string[]).includes(type)) problems.push(`type = "${type}": must be STANDARD or EXPRESS`);
    if (type === "EXPRESS" && !args.allowExpress) problems.push('type = "EXPRESS": Express workflows run at least once (a transaction could run twice); use STANDARD, or set allowExpress: true where duplicates are harmless');
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`Workflow ${name}`, problems);

    const tags = withTags(context.tags, args.tags ?? {});
    const keyArn = pulumi.output(keyArnOf(args.kmsKey));
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    // Known before the state machine exists, so the role's conditions can name it (no cycle).
    const arn = pulumi.interpolate`arn:${partition}:states:${region}:${account}:stateMachine:${stateMachineName}`;

    // The vendedlogs prefix keeps CloudWatch Logs' resource policy small (AWS's advice for Step Functions).
    const logGroup = new EncryptedLogGroup(
      `${name}-logs`,
      { context, kmsKey: args.logsKmsKey ?? args.kmsKey, logGroupName: `/aws/vendedlogs/states/${stateMachineName}`, ...(args.logRetentionInDays !== undefined ? { retentionInDays: args.logRetentionInDays } : {}), tags: args.tags },
      { parent: this },
    );

    this.role = serviceRole(this, `${name}-role`, {
      context,
      service: "states.amazonaws.com",
      description: `Execution role of the ${stateMachineName} state machine`,
      placement: args.rolePlacement,
      trustConditions: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": arn } },
    });

    const invokes = args.invokes ?? [];
    const statements: pulumi.Input<PolicyStatement>[] = [
      ...(invokes.length > 0
        ? [{ Sid: "InvokeTaskFunctions", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: invokes.flatMap((fn) => [fn, pulumi.interpolate`${fn}:*`]) } as PolicyStatement]
        : []),
      // Vended log delivery and X-Ray have no resource-level permissions: the resource must be "*".
      { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: [...WorkflowLogDeliveryActions], Resource: "*" },
      { Sid: "WriteXRayTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"], Resource: "*" },
      {
        Sid: "UseKeyForThisStateMachine",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": arn } },
      },
      ...(args.additionalStatements ?? []),
    ];
    const policy = grantToRole(this, name, this.role, "execution", statements);

    this.stateMachine = new aws.sfn.StateMachine(
      name,
      {
        name: stateMachineName,
        type,
        roleArn: this.role.arn,
        definition: pulumi.output(args.definition).apply((d) => (typeof d === "string" ? d : JSON.stringify(d))),
        loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: pulumi.interpolate`${logGroup.arn}:*` },
        tracingConfiguration: { enabled: true },
        encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 300 },
        tags,
      },
      // The role must be able to deliver logs and use the key when the state machine is created.
      { parent: this, dependsOn: [policy] },
    );

    this.keyArn = keyArn;
    this.stateMachineArn = this.stateMachine.arn;
    this.stateMachineName = this.stateMachine.name;
    this.logGroupName = logGroup.logGroup.name;
    this.registerOutputs({ stateMachineArn: this.stateMachineArn, stateMachineName: this.stateMachineName, logGroupName: this.logGroupName });
  }

  /**
   * Let a role start executions and read their status (e.g. the API's function). With a customer
   * managed key, the caller encrypts the input and decrypts what it reads, under this state
   * machine's encryption context.
   */
  grantStartExecution(role: aws.iam.Role): aws.iam.RolePolicy {
    const executions = this.stateMachineArn.apply((a) => `${a.replace(":stateMachine:", ":execution:")}:*`);
    return grantToRole(this, pulumi.resourceName(this), role, "start", [
      { Sid: "StartExecution", Effect: "Allow", Action: ["states:StartExecution"], Resource: this.stateMachineArn },
      { Sid: "ReadExecution", Effect: "Allow", Action: ["states:DescribeExecution"], Resource: executions },
      {
        Sid: "UseWorkflowKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: this.keyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": this.stateMachineArn } },
      },
    ]);
  }
}
