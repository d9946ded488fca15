/**
 * The orders database's deploy-time function: one Lambda, two callers.
 *
 * - The program invokes it on every deploy whose schema or roles changed (`aws.lambda.Invocation`
 *   with the schema version in its input): `{ "action": "migrate", "schemaVersion": "<sha256>" }`
 *   applies `migrate.ts` as the master user (read from the cluster's managed secret), then makes
 *   sure the sales reader's secret has a value and the role has that password. A failure fails the
 *   deploy (the invocation is a resource), so a stack never runs code against a schema it lacks.
 * - Secrets Manager invokes it to rotate the reader's secret (`{ Step, SecretId, ClientRequestToken }`).
 *
 * `createDbMigrateHandler` takes its connections, so `handler.ts` and the tests run the same code.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Client } from "pg";
import { EnvReader, type Env } from "../env";
import { checkRoles, DefaultRoles, migrate, schemaVersion, type MigrationResult, type MigrationRoles } from "./migrate";
import { ensureReaderSecret, isRotationEvent, rotateReaderSecret, type ReaderSecretDeps } from "./reader-secret";

export interface DbMigrateConfig {
  host: string;
  port: number;
  database: string;
  masterSecretArn: string;
  readerSecretArn: string;
  roles: MigrationRoles;
}

export const DB_MIGRATE_ENV = {
  host: "DB_HOST",
  port: "DB_PORT",
  database: "DB_NAME",
  masterSecretArn: "MASTER_SECRET_ARN",
  readerSecretArn: "READER_SECRET_ARN",
  checkoutUser: "CHECKOUT_DB_USER",
  storefrontUser: "STOREFRONT_DB_USER",
  readerUser: "READER_DB_USER",
} as const;

export function loadDbMigrateConfig(env: Env): DbMigrateConfig {
  const e = new EnvReader(env);
  const config: DbMigrateConfig = {
    host: e.required(DB_MIGRATE_ENV.host),
    port: e.integer(DB_MIGRATE_ENV.port, 5432, 1, 65535),
    database: e.required(DB_MIGRATE_ENV.database),
    masterSecretArn: e.required(DB_MIGRATE_ENV.masterSecretArn),
    readerSecretArn: e.required(DB_MIGRATE_ENV.readerSecretArn),
    roles: {
      checkout: e.optional(DB_MIGRATE_ENV.checkoutUser) ?? DefaultRoles.checkout,
      storefront: e.optional(DB_MIGRATE_ENV.storefrontUser) ?? DefaultRoles.storefront,
      reader: e.optional(DB_MIGRATE_ENV.readerUser) ?? DefaultRoles.reader,
    },
  };
  try {
    checkRoles(config.roles);
  } catch (error) {
    e.problems.push((error as Error).message);
  }
  e.done("db-migrate");
  return config;
}

export type PgClient = Pick<Client, "query" | "escapeLiteral" | "end">;

export interface DbMigrateDependencies {
  config: DbMigrateConfig;
  secrets: Pick<SecretsManagerClient, "send">;
  /** Opens a connection (TLS verified in the function). */
  connect: (user: string, password: string) => Promise<PgClient>;
  logger: Pick<Logger, "info" | "error">;
}

export interface MigrateEvent {
  action: "migrate";
  /** The version the program expects; refused when it is not the bundled schema's (a stale function). */
  schemaVersion?: string;
}

export type DbMigrateResult = (MigrationResult & { readerSecretCreated: boolean }) | { rotated: string };

export function createDbMigrateHandler(deps: DbMigrateDependencies): (event: unknown) => Promise<DbMigrateResult> {
  const { config } = deps;
  async function master(): Promise<PgClient> {
    const { SecretString } = await deps.secrets.send(new GetSecretValueCommand({ SecretId: config.masterSecretArn }));
    const { username, password } = JSON.parse(SecretString ?? "{}") as { username?: string; password?: string };
    if (!username || !password) throw new Error(`the master secret ${config.masterSecretArn} has no username and password`);
    return deps.connect(username, password);
  }
  const readerDeps: ReaderSecretDeps = {
    secrets: deps.secrets,
    secretId: config.readerSecretArn,
    reader: config.roles.reader,
    address: { host: config.host, port: config.port, database: config.database },
    connectAsMaster: master,
    connect: deps.connect,
  };

  return async (event) => {
    if (isRotationEvent(event)) {
      if (event.SecretId !== config.readerSecretArn) throw new Error(`db-migrate rotates only ${config.readerSecretArn}, not ${event.SecretId}`);
      await rotateReaderSecret(readerDeps, event);
      deps.logger.info("rotation step done", { step: event.Step });
      return { rotated: event.Step };
    }
    const request = event as Partial<MigrateEvent> | null;
    if (request?.action !== "migrate") throw new Error(`db-migrate: unknown event ${JSON.stringify(event)}: expected { "action": "migrate" } or a Secrets Manager rotation step`);
    const bundled = schemaVersion();
    if (request.schemaVersion !== undefined && request.schemaVersion !== bundled) {
      throw new Error(`db-migrate: asked for schema ${request.schemaVersion} but carries ${bundled}: the function code is not the program's`);
    }
    const client = await master();
    let result: MigrationResult;
    try {
      result = await migrate(client, config.roles);
    } finally {
      await client.end();
    }
    const readerSecretCreated = await ensureReaderSecret(readerDeps);
    deps.logger.info("migration done", { ...result, readerSecretCreated });
    return { ...result, readerSecretCreated };
  };
}
