/**
 * The IoT integration workflow (Amazon States Language, Standard: each reading exactly once), a pure
 * function of what it calls, so that the program deploys it and the tests execute exactly it
 * (aws-local-stepfunctions, with the real Lambda handlers).
 *
 *   Normalise ─> StoreObservations ─> VitalsInRange? ─(no)─> AlertClinicians ─┐
 *                                              └─(yes)────────────────────────┴─> EtlDue? ─> StartEtl ─> Integrated
 *   any failure of the first three (after retries) ─> DeadLetter (SQS, the reading and the error) ─> ReadingDeadLettered
 *
 * - Normalise: the reading to FHIR Observations (functions/integration/steps.ts).
 * - StoreObservations: the Observations into the readings lake (`fhir/observation/dt=.../`).
 * - AlertClinicians: out-of-range vitals to the clinical alert topic (SNS).
 * - EtlDue: a conditional write of the reading's hour to the pipeline item of the readings table, so
 *   the Glue ETL is started at most once per hour while readings flow (a job run per reading would
 *   cost a run per reading); its daily schedule picks up the rest (bookmarks: nothing twice).
 * - StartEtl: starts the Glue job; a run already going is fine (its next run, or the schedule, takes the new files).
 * The ETL steps never dead-letter a reading: by then it is stored and alerted.
 */
import { LambdaTransientErrors } from "../../components/integration/workflow";

export interface IntegrationWorkflowTargets {
  /** The Normalise step's function ARN (functions/integration/normalise-handler.ts). */
  normalise: string;
  /** The StoreObservations step's function ARN (functions/integration/store-handler.ts). */
  store: string;
  /** The clinical alert topic. */
  alertTopicArn: string;
  /** The readings table (holds the pipeline item `#pipeline` / `etl#<job>`). */
  readingsTable: string;
  /** The Glue ETL job. */
  etlJobName: string;
  /** The dead-letter queue's URL. */
  deadLetterQueueUrl: string;
}

/** The readings-table item that records the last ETL window (partition `#pipeline` is never a patient id: those are `[A-Za-z0-9-]`). */
export const PIPELINE_PARTITION = "#pipeline";
export const etlItemKey = (job: string) => `etl#${job}`;

/** Errors worth retrying: Lambda's and the service integrations' transient failures. */
export const TransientErrors = [
  ...LambdaTransientErrors,
  "SNS.ThrottledException",
  "SNS.InternalErrorException",
  "SQS.SdkClientException",
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerErrorException",
  "Glue.InternalServiceException",
  "Glue.OperationTimeoutException",
  "Glue.ThrottlingException",
] as const;

export const TaskTimeoutSeconds = 30;

const retry = (maxAttempts: number) => [{ ErrorEquals: [...TransientErrors], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: maxAttempts, MaxDelaySeconds: 30, JitterStrategy: "FULL" }];
const toDeadLetter = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "DeadLetter" }];

export function integrationWorkflowDefinition(t: IntegrationWorkflowTargets): Record<string, unknown> {
  return {
    Comment: "A device reading: FHIR Observations, stored in the lake, out-of-range vitals alerted, the ETL started; failures to the dead-letter queue",
    StartAt: "Normalise",
    TimeoutSeconds: 900,
    States: {
      Normalise: {
        Type: "Task",
        Resource: t.normalise,
        Parameters: { "reading.$": "$.reading" },
        ResultPath: "$.normalised",
        TimeoutSeconds: TaskTimeoutSeconds,
        Retry: retry(4),
        Catch: toDeadLetter,
        Next: "StoreObservations",
      },
      StoreObservations: {
        Type: "Task",
        Resource: t.store,
        Parameters: { "reading.$": "$.reading", "normalised.$": "$.normalised" },
        ResultPath: "$.stored",
        TimeoutSeconds: TaskTimeoutSeconds,
        Retry: retry(6),
        Catch: toDeadLetter,
        Next: "VitalsInRange",
      },
      VitalsInRange: {
        Type: "Choice",
        Choices: [{ Variable: "$.normalised.alert", BooleanEquals: true, Next: "AlertClinicians" }],
        Default: "EtlDue",
      },
      AlertClinicians: {
        Type: "Task",
        Resource: "arn:aws:states:::sns:publish",
        Parameters: {
          TopicArn: t.alertTopicArn,
          Subject: "Vital signs out of range",
          "Message.$": "States.Format('\\{\"readingId\":\"{}\",\"patientId\":\"{}\",\"deviceId\":\"{}\",\"observedAt\":\"{}\",\"outOfRange\":{}\\}', $.reading.readingId, $.reading.patientId, $.reading.deviceId, $.reading.observedAt, States.JsonToString($.normalised.outOfRange))",
          MessageAttributes: { patientId: { DataType: "String", "StringValue.$": "$.reading.patientId" } },
        },
        ResultPath: null,
        TimeoutSeconds: TaskTimeoutSeconds,
        Retry: retry(6),
        Catch: toDeadLetter,
        Next: "EtlDue",
      },
      EtlDue: {
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:updateItem",
        Parameters: {
          TableName: t.readingsTable,
          Key: { patientId: { S: PIPELINE_PARTITION }, readingKey: { S: etlItemKey(t.etlJobName) } },
          UpdateExpression: "SET lastWindow = :window, lastExecution = :execution",
          ConditionExpression: "attribute_not_exists(lastWindow) OR lastWindow < :window",
          ExpressionAttributeValues: { ":window": { "S.$": "$.normalised.etlWindow" }, ":execution": { "S.$": "$$.Execution.Id" } },
        },
        ResultPath: null,
        TimeoutSeconds: TaskTimeoutSeconds,
        Retry: retry(3),
        Catch: [
          { ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"], ResultPath: null, Next: "Integrated" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.etlError", Next: "Integrated" },
        ],
        Next: "StartEtl",
      },
      StartEtl: {
        Type: "Task",
        Resource: "arn:aws:states:::glue:startJobRun",
        Parameters: { JobName: t.etlJobName },
        ResultPath: "$.etl",
        TimeoutSeconds: TaskTimeoutSeconds,
        Retry: retry(3),
        Catch: [
          { ErrorEquals: ["Glue.ConcurrentRunsExceededException"], ResultPath: null, Next: "Integrated" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.etlError", Next: "Integrated" },
        ],
        Next: "Integrated",
      },
      Integrated: { Type: "Succeed" },
      DeadLetter: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage",
        Parameters: {
          QueueUrl: t.deadLetterQueueUrl,
          MessageBody: { "reading.$": "$.reading", "error.$": "$.error", "execution.$": "$$.Execution.Id" },
        },
        ResultPath: null,
        TimeoutSeconds: TaskTimeoutSeconds,
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 8, MaxDelaySeconds: 120, JitterStrategy: "FULL" }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.deadLetterError", Next: "DeadLetterFailed" }],
        Next: "ReadingDeadLettered",
      },
      ReadingDeadLettered: { Type: "Fail", Error: "Reading.DeadLettered", Cause: "The reading could not be integrated; it is in the dead-letter queue with the error (README runbook)" },
      DeadLetterFailed: { Type: "Fail", Error: "Reading.DeadLetterFailed", Cause: "Neither integrated nor dead-lettered: the reading is this execution's input (README runbook)" },
    },
  };
}
