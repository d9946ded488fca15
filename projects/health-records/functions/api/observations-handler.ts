/** Lambda entry: GET /patients/{patientId}/observations (Cognito-authenticated clinicians, care-team checked). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { requireEnv } from "../env";
import { createObservationsHandler } from "./observations";

const env = requireEnv("patient-observations", process.env, ["READINGS_TABLE_NAME", "CARE_TEAM_TABLE_NAME"]);

export const handler = createObservationsHandler({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  readingsTable: env.READINGS_TABLE_NAME,
  careTeamTable: env.CARE_TEAM_TABLE_NAME,
  logger: new Logger({ serviceName: "health-records-patient-observations" }),
});
