/** Lambda entry point of POST /partners/credits (see start-transfer.ts, createPartnerCreditHandler). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { readEnv } from "../env";
import { documentClient } from "../transfer/history";
import { createPartnerCreditHandler } from "./start-transfer";

const env = readEnv("partner-credit", process.env, ["STATE_MACHINE_ARN", "ACTIVITY_TABLE_NAME", "ACTIVITY_RETENTION_DAYS", "PARTNERS"], { ACTIVITY_RETENTION_DAYS: { min: 1, max: 3650 } });

export const handler = createPartnerCreditHandler({
  sfn: new SFNClient({}),
  dynamodb: documentClient(new DynamoDBClient({})),
  stateMachineArn: env.STATE_MACHINE_ARN,
  activityTable: env.ACTIVITY_TABLE_NAME,
  activityRetentionDays: Number(env.ACTIVITY_RETENTION_DAYS),
  partners: env.PARTNERS.split(",").map((p) => p.trim()).filter(Boolean),
});
