/**
 * The ingest function's logic (the IoT topic rule's Lambda action invokes it, asynchronously, once
 * per device message): validate the reading, store it raw in the device-readings table (TTL), and
 * start the integration workflow with it.
 *
 * - A malformed reading is rejected whole: nothing is written, nothing is started; the result names
 *   every problem and `RejectedReadings` counts it (alarmed). Retrying cannot fix it, so it does not throw.
 * - A reading sent twice (MQTT QoS 1 redelivers) is stored once (conditional put on its key) and
 *   starts one execution (the execution is named after the reading id).
 * - Anything else that fails throws: Lambda retries the event twice, then keeps it in the function's
 *   dead-letter queue, so no reading is lost.
 */
import type { Log } from "../env";
import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { validateReading, type Reading } from "./model";
import { READINGS_TABLE, readingKey } from "./table";

export interface IngestDeps {
  documents: Pick<DynamoDBDocumentClient, "send">;
  sfn: Pick<SFNClient, "send">;
  readingsTable: string;
  stateMachineArn: string;
  /** Days a raw reading is kept (the table's TTL). */
  retentionDays: number;
  logger: Log;
  /** Counts for the metrics: one call per message. */
  onResult?: (result: IngestResult["status"]) => void;
  now?: () => number;
}

export type IngestResult =
  | { status: "stored"; readingId: string; executionArn: string }
  | { status: "duplicate"; readingId: string }
  | { status: "rejected"; problems: string[] };

/** The workflow's input: the validated reading. */
export interface WorkflowInput {
  reading: Reading;
}

export function createIngest(deps: IngestDeps): (message: unknown) => Promise<IngestResult> {
  const now = deps.now ?? Date.now;
  return async (message) => {
    const result = await ingest(message);
    deps.onResult?.(result.status);
    return result;
  };

  async function ingest(message: unknown): Promise<IngestResult> {
    const v = validateReading(message);
    if (!v.ok) {
      // The identifiers help find the device; the vitals (PHI) stay out of the log.
      const m = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
      deps.logger.warn("reading rejected", { readingId: m.readingId, clientId: m.clientId, problems: v.problems });
      return { status: "rejected", problems: v.problems };
    }
    const reading = v.reading;
    let duplicate = false;
    try {
      await deps.documents.send(
        new PutCommand({
          TableName: deps.readingsTable,
          Item: {
            // `patientId` is the partition key.
            ...reading,
            [READINGS_TABLE.sortKey]: readingKey(reading),
            [READINGS_TABLE.ttlAttribute]: Math.floor(now() / 1000) + deps.retentionDays * 86_400,
          },
          ConditionExpression: "attribute_not_exists(#pk)",
          ExpressionAttributeNames: { "#pk": READINGS_TABLE.partitionKey },
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name !== "ConditionalCheckFailedException") throw e;
      duplicate = true;
    }
    // Started even for a stored duplicate: the first delivery may have failed between the two calls.
    try {
      const input: WorkflowInput = { reading };
      const started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: reading.readingId, input: JSON.stringify(input) }));
      if (duplicate) deps.logger.info("reading re-sent; its workflow had not started", { readingId: reading.readingId });
      return { status: "stored", readingId: reading.readingId, executionArn: started.executionArn! };
    } catch (e) {
      if (!(e instanceof ExecutionAlreadyExists) && (e as { name?: string }).name !== "ExecutionAlreadyExists") throw e;
      deps.logger.info("reading already integrated", { readingId: reading.readingId });
      return { status: "duplicate", readingId: reading.readingId };
    }
  }
}
