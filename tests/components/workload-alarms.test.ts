import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { AlarmThresholdDefaults, WorkloadAlarms } from "../../components/observability/workload-alarms";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, Registration, setupMocks, testContext } from "../helpers/mocks";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:platform-dev-alarms";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("WorkloadAlarms", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  const alarmsOf = (env: "dev" | "prod" = "prod", thresholds = {}) => new WorkloadAlarms("alarms", { context: testContext(env), topicArn: TOPIC, thresholds });
  const byName = (suffix: string): Registration => mocks.one(ALARM, `alarms-${suffix}`);
  /** The metric, namespace, dimensions, statistic, threshold and actions of a single-metric alarm. */
  const expectAlarm = (r: Registration, want: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string; comparisonOperator: string; threshold: number }) => {
    expect(r.inputs).to.deep.include({ ...want, alarmActions: [TOPIC], okActions: [TOPIC], actionsEnabled: true });
    expect(r.inputs.alarmDescription).to.be.a("string").and.match(/^[^\n]{20,}$/);
    expect(r.inputs.tags).to.include.keys(...RequiredTagKeys);
  };

  it("deadLetterQueue: visible messages above 0 on the queue, missing data is not breaching", async () => {
    alarmsOf().deadLetterQueue("jobs", new aws.sqs.Queue("jobs-dlq", { name: "jobs-dlq" }));
    await mocks.settle();
    const r = byName("jobs-dlq-not-empty");
    expectAlarm(r, { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "jobs-dlq" }, statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    expect(r.inputs.treatMissingData).to.equal("notBreaching");
    expect(r.inputs.alarmDescription).to.match(/redrive/);
    expect(r.inputs.name).to.equal("test-prod-jobs-dlq-not-empty");
  });

  it("queueAge: oldest message age in seconds, with a per-alarm override", async () => {
    const alarms = alarmsOf();
    alarms.queueAge("orders", "orders-queue");
    alarms.queueAge("transcode", "transcode-queue", { queueAgeSeconds: 7200 });
    await mocks.settle();
    expectAlarm(byName("orders-queue-age"), { namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: "orders-queue" }, statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 900 });
    expect(byName("transcode-queue-age").inputs.threshold).to.equal(7200);
  });

  it("function: errors and throttles by function name", async () => {
    const fn = new aws.lambda.Function("on-upload", { name: "on-upload-fn", role: "arn:aws:iam::123456789012:role/r", runtime: "nodejs22.x", handler: "index.handler", code: undefined as never });
    alarmsOf().function("on-upload", fn);
    await mocks.settle();
    expectAlarm(byName("on-upload-function-errors"), { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "on-upload-fn" }, statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    expectAlarm(byName("on-upload-function-throttles"), { namespace: "AWS/Lambda", metricName: "Throttles", dimensions: { FunctionName: "on-upload-fn" }, statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
  });

  it("kinesisStream: GetRecords iterator age in milliseconds, five one-minute periods", async () => {
    alarmsOf().kinesisStream("views", "views-stream");
    await mocks.settle();
    const r = byName("views-iterator-age");
    expectAlarm(r, { namespace: "AWS/Kinesis", metricName: "GetRecords.IteratorAgeMilliseconds", dimensions: { StreamName: "views-stream" }, statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 300_000 });
    expect(r.inputs).to.deep.include({ period: 60, evaluationPeriods: 5, datapointsToAlarm: 5 });
  });

  it("loadBalancer: the ALB's own 5xx and its targets' 5xx, by the ARN suffix", async () => {
    alarmsOf().loadBalancer("web", { arnSuffix: "app/web/50dc6c495c0c9188" });
    await mocks.settle();
    const dimensions = { LoadBalancer: "app/web/50dc6c495c0c9188" };
    expectAlarm(byName("web-alb-5xx"), { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", dimensions, statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 10 });
    expectAlarm(byName("web-target-5xx"), { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions, statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 10 });
  });

  it("restApi: the average of 5XXError (a rate) by API name and stage", async () => {
    alarmsOf().restApi("orders", { apiName: "orders-api", stageName: "v1" });
    await mocks.settle();
    expectAlarm(byName("orders-api-5xx"), { namespace: "AWS/ApiGateway", metricName: "5XXError", dimensions: { ApiName: "orders-api", Stage: "v1" }, statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: 0.05 });
  });

  it("distribution: 5xxErrorRate in the Global region by distribution id", async () => {
    alarmsOf().distribution("site", { id: "E2QWRUHAPOMQZL" });
    await mocks.settle();
    expectAlarm(byName("site-cdn-5xx"), { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", dimensions: { DistributionId: "E2QWRUHAPOMQZL", Region: "Global" }, statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: 5 });
  });

  it("distribution: outside us-east-1 it needs a us-east-1 provider and topic, and uses them", async () => {
    const alarms = new WorkloadAlarms("alarms", { context: testContext("prod", { region: "eu-west-1" }), topicArn: TOPIC });
    expect(() => alarms.distribution("site", { id: "E1" })).to.throw(/region eu-west-1: CloudFront metrics exist only in us-east-1.*pass \{ provider, topicArn \}/);
    const provider = new aws.Provider("us-east-1", { region: "us-east-1" });
    const globalTopic = "arn:aws:sns:us-east-1:123456789012:global-alarms";
    alarms.distribution("site", { id: "E1" }, {}, { provider, topicArn: globalTopic });
    await mocks.settle();
    expect(byName("site-cdn-5xx").inputs).to.deep.include({ alarmActions: [globalTopic], okActions: [globalTopic] });
  });

  it("database: CPU, freeable memory (below, in bytes) and connections by cluster identifier", async () => {
    alarmsOf().database("orders", { clusterIdentifier: "orders-cluster" });
    await mocks.settle();
    const dimensions = { DBClusterIdentifier: "orders-cluster" };
    expectAlarm(byName("orders-db-cpu"), { namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions, statistic: "Average", comparisonOperator: "GreaterThanThreshold", threshold: 80 });
    expectAlarm(byName("orders-db-memory"), { namespace: "AWS/RDS", metricName: "FreeableMemory", dimensions, statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: 256 * 1024 * 1024 });
    expectAlarm(byName("orders-db-connections"), { namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions, statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 400 });
  });

  it("table: read and write throttle events by table name", async () => {
    alarmsOf().table("carts", { name: "carts-table" });
    await mocks.settle();
    const dimensions = { TableName: "carts-table" };
    expectAlarm(byName("carts-table-read-throttles"), { namespace: "AWS/DynamoDB", metricName: "ReadThrottleEvents", dimensions, statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    expectAlarm(byName("carts-table-write-throttles"), { namespace: "AWS/DynamoDB", metricName: "WriteThrottleEvents", dimensions, statistic: "Sum", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
  });

  it("autoScalingGroup: desired minus in service above 0 for the shortfall minutes (metric math)", async () => {
    alarmsOf().autoScalingGroup("workers", "workers-asg");
    await mocks.settle();
    const r = byName("workers-capacity-shortfall");
    expect(r.inputs).to.deep.include({ comparisonOperator: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 15, alarmActions: [TOPIC], okActions: [TOPIC] });
    expect(r.inputs).to.not.have.any.keys("metricName", "namespace");
    const queries = r.inputs.metricQueries as any[];
    expect(queries.map((q) => q.id)).to.deep.equal(["desired", "inservice", "shortfall"]);
    for (const [i, metricName] of [[0, "GroupDesiredCapacity"], [1, "GroupInServiceInstances"]] as const) {
      expect(queries[i].metric).to.deep.include({ namespace: "AWS/AutoScaling", metricName, period: 60, dimensions: { AutoScalingGroupName: "workers-asg" } });
      expect(queries[i].returnData).to.equal(false);
    }
    expect(queries[2]).to.deep.include({ expression: "desired - inservice", returnData: true });
  });

  it("dev and prod differ: dev tolerates a few function errors and a longer iterator age", async () => {
    const dev = alarmsOf("dev");
    dev.function("fn", "fn-name");
    dev.kinesisStream("views", "views-stream");
    await mocks.settle();
    expect(byName("fn-function-errors").inputs.threshold).to.equal(AlarmThresholdDefaults.dev.functionErrors).and.to.be.greaterThan(AlarmThresholdDefaults.prod.functionErrors);
    expect(byName("views-iterator-age").inputs.threshold).to.equal(900_000);
  });

  it("stack-wide thresholds override the defaults", async () => {
    alarmsOf("prod", { queueAgeSeconds: 60 }).queueAge("q", "q-name");
    await mocks.settle();
    expect(byName("q-queue-age").inputs.threshold).to.equal(60);
  });

  it("every alarm it made is listed in `alarms`", async () => {
    const alarms = alarmsOf();
    alarms.function("fn", "fn-name");
    alarms.table("t", "t-name");
    await mocks.settle();
    expect(Object.keys(alarms.alarms).sort()).to.deep.equal(["alarms-fn-function-errors", "alarms-fn-function-throttles", "alarms-t-table-read-throttles", "alarms-t-table-write-throttles"]);
    expect(mocks.ofType(ALARM)).to.have.length(4);
  });

  it("fails on a negative or out-of-range threshold, naming it", () => {
    expect(() => alarmsOf("prod", { functionErrors: -1, api5xxRate: 5 })).to.throw(/thresholds.functionErrors = -1: must be a number >= 0[\s\S]*thresholds.api5xxRate = 5: a fraction of requests/);
    expect(() => alarmsOf().autoScalingGroup("g", "g", { capacityShortfallMinutes: 0.5 })).to.throw(/override.capacityShortfallMinutes = 0.5: whole minutes, 1 to 1440/);
  });

  it("fails when the same resource id gets the same alarm twice", () => {
    const alarms = alarmsOf();
    alarms.deadLetterQueue("jobs", "a");
    expect(() => alarms.deadLetterQueue("jobs", "b")).to.throw(/dlq-not-empty alarm for "jobs" exists already/);
  });
});
