/**
 * Lambda entry point for the scheduled cart expiry (EventBridge schedule). Runs once per container:
 * validates the environment (CARTS_TABLE_NAME, CART_MAX_AGE_DAYS, SCAN_PAGE_SIZE), creates the client.
 * The logic lives in `expire-carts.ts`, which the tests drive with their own client.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { createExpireCartsHandler, loadExpireCartsConfig } from "./expire-carts";

const config = loadExpireCartsConfig(process.env);

export const handler = createExpireCartsHandler({
  dynamodb: new DynamoDBClient({}),
  config,
  logger: new Logger({ serviceName: "ecommerce-expire-carts" }),
});
