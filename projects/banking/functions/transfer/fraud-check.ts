/**
 * FraudCheck: rules a bank applies before money moves. Declines (never throws) when a rule fires,
 * so the workflow's Choice state ends the execution as `Transfer.FraudRejected`; throws only for
 * errors worth retrying.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { classifyDynamoDb, debitsSince } from "./history";
import type { TransferState } from "./model";

export interface FraudLimits {
  /** Largest single transfer, minor units. */
  maxSingleCents: number;
  /** Most an account may send in 24 hours (this transfer included), minor units. */
  maxDailyCents: number;
}

export interface FraudDecision {
  decision: "approve" | "reject";
  reasons: string[];
}

export function createFraudCheckHandler(client: DynamoDBClient, historyTable: string, limits: FraudLimits, now: () => Date = () => new Date()) {
  return async (state: TransferState): Promise<FraudDecision> => {
    const t = state.transfer;
    const reasons: string[] = [];
    if (t.amountCents > limits.maxSingleCents) reasons.push(`amount ${t.amountCents} exceeds the single-transfer limit ${limits.maxSingleCents}`);
    const since = new Date(now().getTime() - 24 * 3600 * 1000).toISOString();
    let sent: number;
    try {
      sent = await debitsSince(client, historyTable, t.sourceAccountId, since);
    } catch (error) {
      throw classifyDynamoDb(error);
    }
    if (sent + t.amountCents > limits.maxDailyCents) reasons.push(`${sent} sent in the last 24 hours plus ${t.amountCents} exceeds the daily limit ${limits.maxDailyCents}`);
    return { decision: reasons.length === 0 ? "approve" : "reject", reasons };
  };
}
