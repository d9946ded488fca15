/**
 * Lambda entry point for POST /orders (API Gateway REST, proxy integration). Runs once per container:
 * validates the environment (see `config.ts`), then creates the clients every invocation reuses.
 * The logic lives in `checkout.ts`, which the tests drive with their own connections.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { createCheckoutHandler } from "./checkout";
import { loadCheckoutConfig } from "./config";
import { createPool } from "./db";

const config = loadCheckoutConfig(process.env);
const logger = new Logger({ serviceName: "ecommerce-checkout" });

export const handler = createCheckoutHandler({
  pool: createPool(config.db, { logger }),
  dynamodb: new DynamoDBClient({ region: config.region }),
  cartsTable: config.cartsTable,
  idempotencyTable: config.idempotencyTable,
  idempotencyTtlSeconds: config.idempotencyTtlSeconds,
  logger,
});
