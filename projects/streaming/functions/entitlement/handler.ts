/** Lambda entry: function URL (IAM) called by the application backend (USERS_TABLE_NAME, VIDEOS_TABLE_NAME, DELIVERY_ORIGIN, KEY_PAIR_ID, SIGNING_KEY_SECRET_ARN, COOKIE_TTL_SECONDS, optional COOKIE_DOMAIN). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { requireEnv } from "../shared/tables";
import { createEntitlementHandler } from "./entitlement";

const env = requireEnv("entitlement", process.env, ["USERS_TABLE_NAME", "VIDEOS_TABLE_NAME", "DELIVERY_ORIGIN", "KEY_PAIR_ID", "SIGNING_KEY_SECRET_ARN", "COOKIE_TTL_SECONDS"]);
const secrets = new SecretsManagerClient({});
let privateKey: Promise<string> | undefined;

export const handler = createEntitlementHandler({
  documents: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  usersTable: env.USERS_TABLE_NAME,
  videosTable: env.VIDEOS_TABLE_NAME,
  deliveryOrigin: env.DELIVERY_ORIGIN,
  keyPairId: env.KEY_PAIR_ID,
  // Read once per container; a failed read is retried on the next request.
  privateKey: () =>
    (privateKey ??= secrets.send(new GetSecretValueCommand({ SecretId: env.SIGNING_KEY_SECRET_ARN })).then((r) => {
      if (!r.SecretString?.includes("PRIVATE KEY")) throw new Error("the signing key secret holds no PEM private key: put the stack's private key in it");
      return r.SecretString;
    })).catch((error) => {
      privateKey = undefined;
      throw error;
    }),
  cookieTtlSeconds: Number(env.COOKIE_TTL_SECONDS),
  ...(process.env.COOKIE_DOMAIN ? { cookieDomain: process.env.COOKIE_DOMAIN } : {}),
  logger: new Logger({ serviceName: "streaming-entitlement" }),
});
