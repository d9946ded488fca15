/** Lambda entry point of the workflow's FraudCheck step. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readEnv } from "../env";
import { createFraudCheckHandler } from "./fraud-check";

const cents = { min: 1, max: Number.MAX_SAFE_INTEGER };
const env = readEnv("fraud-check", process.env, ["HISTORY_TABLE_NAME", "FRAUD_MAX_SINGLE_CENTS", "FRAUD_MAX_DAILY_CENTS"], { FRAUD_MAX_SINGLE_CENTS: cents, FRAUD_MAX_DAILY_CENTS: cents });

export const handler = createFraudCheckHandler(new DynamoDBClient({}), env.HISTORY_TABLE_NAME, {
  maxSingleCents: Number(env.FRAUD_MAX_SINGLE_CENTS),
  maxDailyCents: Number(env.FRAUD_MAX_DAILY_CENTS),
});
