/** Lambda entry point of the workflow's RecordHistory step. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readEnv } from "../env";
import { createRecordHistoryHandler } from "./history";

const env = readEnv("record-history", process.env, ["HISTORY_TABLE_NAME"]);

export const handler = createRecordHistoryHandler(new DynamoDBClient({}), env.HISTORY_TABLE_NAME);
