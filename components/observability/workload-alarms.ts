/**
 * The alarms a workload needs, each publishing to the platform's alarm topic (ALARM and OK) with a
 * one-line runbook in its description, so that whoever is paged knows the first step.
 *
 *   const alarms = new WorkloadAlarms("alarms", { context: settings, topicArn: platform.alarmTopicArn });
 *   alarms.deadLetterQueue("transcode-jobs", jobsDlq);     // messages on a DLQ: work was lost
 *   alarms.function("on-upload", onUpload.function);       // errors and throttles
 *   alarms.kinesisStream("views", viewStream);             // consumers falling behind
 *   alarms.queueAge("transcode-jobs", jobsQueue);          // work waiting too long
 *   alarms.loadBalancer("web", fleet.loadBalancer);        // 5xx from the ALB and from targets
 *   alarms.restApi("orders", { apiName, stageName });      // 5xx rate of an API Gateway stage
 *   alarms.distribution("site", cdn.distribution);         // 5xx rate at CloudFront (us-east-1)
 *   alarms.database("orders", db.cluster);                 // CPU, freeable memory, connections
 *   alarms.table("carts", table.table);                    // read and write throttles
 *   alarms.autoScalingGroup("web", group);                 // in-service below desired
 *
 * Thresholds: `AlarmThresholdDefaults[environment]`, overridden per stack by `args.thresholds`
 * and per alarm by each method's last argument. Every alarm is standard resolution (USD 0.10 a
 * month each; the ASG alarm is metric math over two metrics, USD 0.20).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import type { Environment } from "../../shared/profiles";
import { withTags } from "../../shared/tags";
import { throwIfProblems } from "../security/policy-document";

/** What each alarm compares against. Every field is overridable per stack and per alarm. */
export interface AlarmThresholds {
  /** Messages visible on a dead-letter queue above which it alarms. Default 0: any message is lost work. */
  deadLetterMessages: number;
  /** Lambda errors in 5 minutes above which it alarms. Default: 0 in prod, 5 in dev. */
  functionErrors: number;
  /** Lambda throttles in 5 minutes above which it alarms. Default: 0 in prod, 10 in dev. */
  functionThrottles: number;
  /** Kinesis `GetRecords.IteratorAgeMilliseconds` (maximum), in seconds. Default: 300 in prod, 900 in dev. */
  iteratorAgeSeconds: number;
  /** SQS `ApproximateAgeOfOldestMessage`, in seconds. Default: 900 in prod, 3600 in dev. */
  queueAgeSeconds: number;
  /** ALB 5xx (load balancer's own and targets') in 5 minutes. Default: 10 in prod, 50 in dev. */
  loadBalancer5xxCount: number;
  /** API Gateway `5XXError` average over 5 minutes, as a fraction of requests. Default: 0.05 (5%). */
  api5xxRate: number;
  /** CloudFront `5xxErrorRate`, in percent of requests over 5 minutes. Default: 5 in prod, 10 in dev. */
  cdn5xxRatePercent: number;
  /** Aurora `CPUUtilization` (average over 5 minutes x 3), percent. Default: 80. */
  databaseCpuPercent: number;
  /** Aurora `FreeableMemory` (minimum over 5 minutes x 3) below which it alarms, in MiB. Default: 256. */
  databaseFreeableMemoryMiB: number;
  /** Aurora `DatabaseConnections` (maximum over 5 minutes x 3). Default: 400 in prod, 80 in dev. */
  databaseConnections: number;
  /** DynamoDB read or write throttle events in 5 minutes. Default: 0 in prod, 25 in dev. */
  tableThrottleEvents: number;
  /** Minutes an Auto Scaling group may stay below its desired capacity. Default: 15. */
  capacityShortfallMinutes: number;
}

/** Defaults per environment: prod pages on the first sign of trouble, dev tolerates noise. */
export const AlarmThresholdDefaults: Readonly<Record<Environment, Readonly<AlarmThresholds>>> = Object.freeze({
  prod: Object.freeze({
    deadLetterMessages: 0,
    functionErrors: 0,
    functionThrottles: 0,
    iteratorAgeSeconds: 300,
    queueAgeSeconds: 900,
    loadBalancer5xxCount: 10,
    api5xxRate: 0.05,
    cdn5xxRatePercent: 5,
    databaseCpuPercent: 80,
    databaseFreeableMemoryMiB: 256,
    databaseConnections: 400,
    tableThrottleEvents: 0,
    capacityShortfallMinutes: 15,
  }),
  dev: Object.freeze({
    deadLetterMessages: 0,
    functionErrors: 5,
    functionThrottles: 10,
    iteratorAgeSeconds: 900,
    queueAgeSeconds: 3600,
    loadBalancer5xxCount: 50,
    api5xxRate: 0.05,
    cdn5xxRatePercent: 10,
    databaseCpuPercent: 80,
    databaseFreeableMemoryMiB: 256,
    databaseConnections: 80,
    tableThrottleEvents: 25,
    capacityShortfallMinutes: 15,
  }),
});

/** A resource named by a plain name, or a resource with a `name` output (aws.sqs.Queue, aws.lambda.Function, ...). */
export type Named = pulumi.Input<string> | { readonly name: pulumi.Input<string> };

export interface WorkloadAlarmsArgs {
  /** The stack's context (tags, environment, region). Required. */
  context: BlueprintContext;
  /** The SNS topic every alarm notifies on ALARM and on OK (the platform's `alarmTopicArn`). Required. */
  topicArn: pulumi.Input<string>;
  /** Stack-wide threshold overrides. Default: `AlarmThresholdDefaults[environment]`. */
  thresholds?: Partial<AlarmThresholds>;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** Where a CloudFront alarm lives: CloudFront metrics exist only in us-east-1, and so must the alarm and its topic. */
export interface GlobalAlarmPlacement {
  /** A provider for us-east-1. */
  provider: aws.Provider;
  /** An SNS topic in us-east-1 that the alarm notifies. */
  topicArn: pulumi.Input<string>;
}

/** One alarm's definition, before the component adds names, actions and tags. */
interface AlarmSpec {
  suffix: string;
  runbook: string;
  comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold";
  threshold: number;
  evaluationPeriods: number;
  treatMissingData: "notBreaching" | "breaching" | "missing" | "ignore";
  metric?: { namespace: string; metricName: string; statistic: "Sum" | "Average" | "Maximum" | "Minimum"; period: number; dimensions: Record<string, pulumi.Input<string>> };
  metricQueries?: aws.types.input.cloudwatch.MetricAlarmMetricQuery[];
}

export class WorkloadAlarms extends pulumi.ComponentResource {
  /** The thresholds in force for this stack (defaults merged with `args.thresholds`). */
  readonly thresholds: Readonly<AlarmThresholds>;
  /** Every alarm made so far, by its Pulumi name. */
  readonly alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};

  private readonly context: BlueprintContext;
  private readonly topicArn: pulumi.Input<string>;
  private readonly tags: Record<string, string>;
  private readonly componentName: string;

  constructor(name: string, args: WorkloadAlarmsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:observability:WorkloadAlarms", name, {}, opts);
    this.componentName = name;
    this.context = args.context;
    this.topicArn = args.topicArn;
    this.tags = withTags(args.context.tags, args.tags ?? {});
    this.thresholds = Object.freeze({ ...AlarmThresholdDefaults[args.context.profile.environment], ...args.thresholds });
    throwIfProblems(`WorkloadAlarms ${name}`, thresholdProblems(this.thresholds, "thresholds"));
    this.registerOutputs({});
  }

  /** A dead-letter queue that is not empty: messages that failed every retry. */
  deadLetterQueue(id: string, queue: Named, overrides: Pick<Partial<AlarmThresholds>, "deadLetterMessages"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    return [
      this.alarm(id, {
        suffix: "dlq-not-empty",
        runbook: `Dead-letter queue ${id} holds messages that failed every retry: read one (aws sqs receive-message), fix the cause in the consumer's logs, then redrive (aws sqs start-message-move-task).`,
        metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum", period: 300, dimensions: { QueueName: nameOf(queue) } },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.deadLetterMessages,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  /** A queue whose oldest message waits too long: consumers are down, stuck or too few. */
  queueAge(id: string, queue: Named, overrides: Pick<Partial<AlarmThresholds>, "queueAgeSeconds"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    return [
      this.alarm(id, {
        suffix: "queue-age",
        runbook: `Oldest message on queue ${id} is older than ${t.queueAgeSeconds} s: check the consumers (instances in service, function errors and throttles) and their logs.`,
        metric: { namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", statistic: "Maximum", period: 300, dimensions: { QueueName: nameOf(queue) } },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.queueAgeSeconds,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  /** A Lambda function's errors and throttles. */
  function(id: string, fn: Named, overrides: Pick<Partial<AlarmThresholds>, "functionErrors" | "functionThrottles"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    const dimensions = { FunctionName: nameOf(fn) };
    return [
      this.alarm(id, {
        suffix: "function-errors",
        runbook: `Function ${id} returned errors: read its log group's recent ERROR lines and X-Ray traces; a bad deploy is rolled back by redeploying the previous commit.`,
        metric: { namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.functionErrors,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
      this.alarm(id, {
        suffix: "function-throttles",
        runbook: `Function ${id} was throttled: raise its reserved concurrency or the account's concurrency quota, or slow its trigger.`,
        metric: { namespace: "AWS/Lambda", metricName: "Throttles", statistic: "Sum", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.functionThrottles,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  /** A Kinesis data stream whose consumers fall behind (`GetRecords.IteratorAgeMilliseconds`). */
  kinesisStream(id: string, stream: Named, overrides: Pick<Partial<AlarmThresholds>, "iteratorAgeSeconds"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    return [
      this.alarm(id, {
        suffix: "iterator-age",
        runbook: `Consumers of stream ${id} are more than ${t.iteratorAgeSeconds} s behind: check the consumer function's errors, throttles and duration; add shards or parallelization if it is healthy but slow.`,
        metric: { namespace: "AWS/Kinesis", metricName: "GetRecords.IteratorAgeMilliseconds", statistic: "Maximum", period: 60, dimensions: { StreamName: nameOf(stream) } },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.iteratorAgeSeconds * 1000,
        evaluationPeriods: 5,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  /** An Application Load Balancer's 5xx: its own (no healthy target, timeouts) and its targets'. */
  loadBalancer(id: string, lb: { readonly arnSuffix: pulumi.Input<string> }, overrides: Pick<Partial<AlarmThresholds>, "loadBalancer5xxCount"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    const dimensions = { LoadBalancer: lb.arnSuffix };
    return [
      this.alarm(id, {
        suffix: "alb-5xx",
        runbook: `Load balancer ${id} answered 5xx itself: check the target group's healthy host count and the instances' health checks (no healthy target gives 503).`,
        metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", statistic: "Sum", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.loadBalancer5xxCount,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
      this.alarm(id, {
        suffix: "target-5xx",
        runbook: `The application behind load balancer ${id} answered 5xx: read the application logs on the instances (CloudWatch agent) for the failing requests.`,
        metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", statistic: "Sum", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.loadBalancer5xxCount,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  /** An API Gateway REST stage's 5xx rate (`5XXError` is 0 or 1 per request, so its average is the rate). */
  restApi(id: string, api: { readonly apiName: pulumi.Input<string>; readonly stageName: pulumi.Input<string> }, overrides: Pick<Partial<AlarmThresholds>, "api5xxRate"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    return [
      this.alarm(id, {
        suffix: "api-5xx",
        runbook: `API ${id} answers 5xx to more than ${t.api5xxRate * 100}% of requests: read the stage's execution log and the integrated function's errors.`,
        metric: { namespace: "AWS/ApiGateway", metricName: "5XXError", statistic: "Average", period: 300, dimensions: { ApiName: api.apiName, Stage: api.stageName } },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.api5xxRate,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  /**
   * A CloudFront distribution's 5xx rate. CloudFront publishes metrics in us-east-1 only: a stack
   * in another region passes a us-east-1 provider and a us-east-1 topic.
   */
  distribution(id: string, distribution: { readonly id: pulumi.Input<string> }, overrides: Pick<Partial<AlarmThresholds>, "cdn5xxRatePercent"> = {}, placement?: GlobalAlarmPlacement): aws.cloudwatch.MetricAlarm[] {
    if (this.context.region !== "us-east-1" && placement === undefined) {
      throw new Error(
        `WorkloadAlarms ${this.componentName}: distribution("${id}") in region ${this.context.region}: CloudFront metrics exist only in us-east-1, so the alarm and its topic must be there; pass { provider, topicArn } for us-east-1 as the last argument`,
      );
    }
    const t = this.merged(id, overrides);
    return [
      this.alarm(
        id,
        {
          suffix: "cdn-5xx",
          runbook: `Distribution ${id} answers 5xx to more than ${t.cdn5xxRatePercent}% of requests: check its origins (bucket policy for OAC, load balancer health) and its access logs' x-edge-detailed-result-type.`,
          metric: { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", statistic: "Average", period: 300, dimensions: { DistributionId: distribution.id, Region: "Global" } },
          comparisonOperator: "GreaterThanThreshold",
          threshold: t.cdn5xxRatePercent,
          evaluationPeriods: 1,
          treatMissingData: "notBreaching",
        },
        placement,
      ),
    ];
  }

  /** An Aurora/RDS cluster's CPU, freeable memory and connections (cluster-level metrics). */
  database(id: string, cluster: { readonly clusterIdentifier: pulumi.Input<string> }, overrides: Pick<Partial<AlarmThresholds>, "databaseCpuPercent" | "databaseFreeableMemoryMiB" | "databaseConnections"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    const dimensions = { DBClusterIdentifier: cluster.clusterIdentifier };
    return [
      this.alarm(id, {
        suffix: "db-cpu",
        runbook: `Database ${id} CPU above ${t.databaseCpuPercent}% for 15 minutes: find the top statements in Performance Insights; raise the maximum capacity if the load is legitimate.`,
        metric: { namespace: "AWS/RDS", metricName: "CPUUtilization", statistic: "Average", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.databaseCpuPercent,
        evaluationPeriods: 3,
        treatMissingData: "missing",
      }),
      this.alarm(id, {
        suffix: "db-memory",
        runbook: `Database ${id} has under ${t.databaseFreeableMemoryMiB} MiB freeable memory: check connections and work_mem-heavy queries in Performance Insights; raise the minimum capacity.`,
        metric: { namespace: "AWS/RDS", metricName: "FreeableMemory", statistic: "Minimum", period: 300, dimensions },
        comparisonOperator: "LessThanThreshold",
        threshold: t.databaseFreeableMemoryMiB * 1024 * 1024,
        evaluationPeriods: 3,
        treatMissingData: "missing",
      }),
      this.alarm(id, {
        suffix: "db-connections",
        runbook: `Database ${id} has more than ${t.databaseConnections} connections: look for a client leaking connections (pg_stat_activity by application_name) or put RDS Proxy in front.`,
        metric: { namespace: "AWS/RDS", metricName: "DatabaseConnections", statistic: "Maximum", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.databaseConnections,
        evaluationPeriods: 3,
        treatMissingData: "missing",
      }),
    ];
  }

  /** A DynamoDB table's read and write throttle events. */
  table(id: string, table: Named, overrides: Pick<Partial<AlarmThresholds>, "tableThrottleEvents"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    const dimensions = { TableName: nameOf(table) };
    return (["Read", "Write"] as const).map((kind) =>
      this.alarm(id, {
        suffix: `table-${kind.toLowerCase()}-throttles`,
        runbook: `Table ${id} throttled ${kind.toLowerCase()}s: look for a hot partition key (CloudWatch Contributor Insights) or a table-level limit; on-demand tables throttle above twice their previous peak.`,
        metric: { namespace: "AWS/DynamoDB", metricName: `${kind}ThrottleEvents`, statistic: "Sum", period: 300, dimensions },
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.tableThrottleEvents,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    );
  }

  /**
   * An Auto Scaling group with fewer instances in service than desired for
   * `capacityShortfallMinutes` (launch failures, Spot capacity, failing health checks). Needs the
   * group's metrics collection (`GroupDesiredCapacity`, `GroupInServiceInstances`), which
   * WebFleet and WorkerFleet enable.
   */
  autoScalingGroup(id: string, group: Named, overrides: Pick<Partial<AlarmThresholds>, "capacityShortfallMinutes"> = {}): aws.cloudwatch.MetricAlarm[] {
    const t = this.merged(id, overrides);
    const dimensions = { AutoScalingGroupName: nameOf(group) };
    const metric = (queryId: string, metricName: string): aws.types.input.cloudwatch.MetricAlarmMetricQuery => ({
      id: queryId,
      returnData: false,
      metric: { namespace: "AWS/AutoScaling", metricName, stat: "Average", period: 60, dimensions },
    });
    return [
      this.alarm(id, {
        suffix: "capacity-shortfall",
        runbook: `Group ${id} has had fewer instances in service than desired for ${t.capacityShortfallMinutes} minutes: read its activity history (aws autoscaling describe-scaling-activities) for launch or Spot capacity errors.`,
        metricQueries: [
          metric("desired", "GroupDesiredCapacity"),
          metric("inservice", "GroupInServiceInstances"),
          { id: "shortfall", expression: "desired - inservice", label: "Desired minus in service", returnData: true },
        ],
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: t.capacityShortfallMinutes,
        treatMissingData: "notBreaching",
      }),
    ];
  }

  private merged(id: string, overrides: Partial<AlarmThresholds>): AlarmThresholds {
    const t = { ...this.thresholds, ...overrides };
    throwIfProblems(`WorkloadAlarms ${this.componentName} (${id})`, thresholdProblems(overrides, "override"));
    return t;
  }

  private alarm(id: string, spec: AlarmSpec, placement?: GlobalAlarmPlacement): aws.cloudwatch.MetricAlarm {
    const name = `${this.componentName}-${id}-${spec.suffix}`;
    if (this.alarms[name]) throw new Error(`WorkloadAlarms ${this.componentName}: ${spec.suffix} alarm for "${id}" exists already; give each watched resource its own id`);
    const topic = placement?.topicArn ?? this.topicArn;
    const alarm = new aws.cloudwatch.MetricAlarm(
      name,
      {
        name: physicalName(this.context, `${id}-${spec.suffix}`, 255),
        alarmDescription: spec.runbook,
        comparisonOperator: spec.comparisonOperator,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
        ...(spec.metric
          ? { namespace: spec.metric.namespace, metricName: spec.metric.metricName, statistic: spec.metric.statistic, period: spec.metric.period, dimensions: spec.metric.dimensions }
          : { metricQueries: spec.metricQueries }),
        actionsEnabled: true,
        alarmActions: [topic],
        okActions: [topic],
        tags: this.tags,
      },
      { parent: this, ...(placement ? { provider: placement.provider } : {}) },
    );
    this.alarms[name] = alarm;
    return alarm;
  }
}

function nameOf(named: Named): pulumi.Input<string> {
  if (typeof named === "string" || pulumi.Output.isInstance(named) || named instanceof Promise) return named;
  return named.name;
}

function thresholdProblems(thresholds: Partial<AlarmThresholds>, label: string): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(thresholds)) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) problems.push(`${label}.${key} = ${String(value)}: must be a number >= 0`);
    else if (key === "api5xxRate" && value > 1) problems.push(`${label}.${key} = ${value}: a fraction of requests, between 0 and 1`);
    else if (key === "capacityShortfallMinutes" && (!Number.isInteger(value) || value < 1 || value > 1440)) problems.push(`${label}.${key} = ${value}: whole minutes, 1 to 1440`);
  }
  return problems;
}
