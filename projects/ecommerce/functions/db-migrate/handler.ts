/**
 * Lambda entry point of db-migrate (see `db-migrate.ts`): the orders database's migration at deploy
 * time, and the rotation of the sales reader's secret. Connects as the master user read from the
 * cluster's managed secret, over TLS verified against the RDS CAs (NODE_EXTRA_CA_CERTS).
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Logger } from "@aws-lambda-powertools/logger";
import { Client } from "pg";
import { createDbMigrateHandler, loadDbMigrateConfig } from "./db-migrate";

const config = loadDbMigrateConfig(process.env);
const logger = new Logger({ serviceName: "ecommerce-db-migrate" });

export const handler = createDbMigrateHandler({
  config,
  secrets: new SecretsManagerClient({}),
  logger,
  connect: async (user, password) => {
    const client = new Client({
      host: config.host,
      port: config.port,
      database: config.database,
      user,
      password,
      ssl: { rejectUnauthorized: true },
      // A paused dev cluster takes 15-30 s to resume.
      connectionTimeoutMillis: 45_000,
      application_name: "ecommerce-db-migrate",
    });
    await client.connect();
    return client;
  },
});
