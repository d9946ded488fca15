/**
 * The transaction-history table (DynamoDB): one item per account and posting, written by the
 * workflow's RecordHistory step and read by the fraud check (recent spending) and by the app
 * servers (statements). Keys: `accountId` (partition) and `entryKey` = `<postedAt>#<transferId>`
 * (sort), so an account's history reads in time order and a repeated write is the same item.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { transient, type TransferState } from "./model";
import type { PostingResult } from "./ledger";

export const HISTORY_TABLE = { partitionKey: "accountId", sortKey: "entryKey" } as const;

export interface HistoryItem {
  accountId: string;
  entryKey: string;
  transferId: string;
  direction: "debit" | "credit";
  counterpartyAccountId: string;
  amountCents: number;
  currency: string;
  reference: string;
  postedAt: string;
}

const TRANSIENT_DYNAMODB = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TransactionConflictException",
  "TimeoutError",
]);

/** A DynamoDB error as the workflow should see it: throttling and server errors become `Transfer.Transient`. */
export function classifyDynamoDb(error: unknown): unknown {
  const name = (error as { name?: string } | undefined)?.name ?? "";
  const cancelledByConflict = name === "TransactionCanceledException" && /TransactionConflict|ThrottlingError/.test((error as Error).message);
  if (TRANSIENT_DYNAMODB.has(name) || cancelledByConflict || (error as { $retryable?: unknown })?.$retryable) return transient(`dynamodb: ${name}: ${(error as Error).message}`, error);
  return error;
}

export const documentClient = (client: DynamoDBClient) => DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/**
 * RecordHistory: the debit and the credit. The keys are deterministic, so a retry rewrites the same
 * items; items DynamoDB leaves unprocessed (throttling) fail the step as transient, and the retry
 * writes both again.
 */
export function createRecordHistoryHandler(client: DynamoDBClient, tableName: string) {
  const db = documentClient(client);
  return async (state: TransferState & { posting: PostingResult }): Promise<{ recorded: number }> => {
    const t = state.transfer;
    const postedAt = state.posting?.postedAt;
    if (typeof postedAt !== "string") throw new Error("RecordHistory needs $.posting.postedAt (run after PostToLedger)");
    const base = { transferId: t.transferId, amountCents: t.amountCents, currency: t.currency, reference: t.reference, postedAt };
    const items: HistoryItem[] = [
      { ...base, accountId: t.sourceAccountId, entryKey: `${postedAt}#${t.transferId}`, direction: "debit", counterpartyAccountId: t.destinationAccountId },
      { ...base, accountId: t.destinationAccountId, entryKey: `${postedAt}#${t.transferId}`, direction: "credit", counterpartyAccountId: t.sourceAccountId },
    ];
    try {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));
      const left = out.UnprocessedItems?.[tableName]?.length ?? 0;
      if (left > 0) throw transient(`dynamodb: ${left} history items unprocessed (throttled)`);
    } catch (error) {
      throw classifyDynamoDb(error);
    }
    return { recorded: items.length };
  };
}

/** What an account sent since `since` (ISO time), in minor units, from its history. */
export async function debitsSince(client: DynamoDBClient, tableName: string, accountId: string, since: string): Promise<number> {
  const db = documentClient(client);
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "#a = :a AND #k >= :since",
        FilterExpression: "#d = :debit",
        ExpressionAttributeNames: { "#a": HISTORY_TABLE.partitionKey, "#k": HISTORY_TABLE.sortKey, "#d": "direction" },
        ExpressionAttributeValues: { ":a": accountId, ":since": since, ":debit": "debit" },
        ProjectionExpression: "amountCents",
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) total += Number(item.amountCents);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}
