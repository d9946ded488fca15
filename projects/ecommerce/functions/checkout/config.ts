/**
 * The checkout's configuration, read from the environment once per container (at cold start) and
 * validated as a whole: a misconfigured function fails its first invocation with every problem listed,
 * instead of failing later on the first request that touches the missing setting.
 */
import * as fs from "node:fs";
import { EnvReader, type Env } from "../env";

export interface DbConfig {
  host: string;
  port: number;
  user: string;
  database: string;
  region: string;
  /**
   * PEM bundle of the RDS certificate authorities. Node's default trust store does not contain them
   * and Lambda's nodejs20.x+ runtimes no longer add them, so either set this (to the RDS global bundle
   * shipped with the function) or set NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem on the function.
   */
  caBundle?: string;
}

export interface CheckoutConfig {
  region: string;
  db: DbConfig;
  cartsTable: string;
  idempotencyTable: string;
  /** How long a completed request is replayed from the Powertools record (the database guards for ever). */
  idempotencyTtlSeconds: number;
}

/** The environment variables the checkout reads. */
export const CHECKOUT_ENV = {
  region: "AWS_REGION",
  dbHost: "DB_HOST",
  dbPort: "DB_PORT",
  dbUser: "DB_USER",
  dbName: "DB_NAME",
  dbCaFile: "DB_CA_FILE",
  cartsTable: "CARTS_TABLE_NAME",
  idempotencyTable: "IDEMPOTENCY_TABLE_NAME",
  idempotencyTtlSeconds: "IDEMPOTENCY_TTL_SECONDS",
} as const;

export function loadCheckoutConfig(env: Env, readFile: (path: string) => string = (path) => fs.readFileSync(path, "utf8")): CheckoutConfig {
  const e = new EnvReader(env);
  const region = e.required(CHECKOUT_ENV.region);
  const caFile = e.optional(CHECKOUT_ENV.dbCaFile);
  const config: CheckoutConfig = {
    region,
    db: {
      host: e.required(CHECKOUT_ENV.dbHost),
      port: e.integer(CHECKOUT_ENV.dbPort, 5432, 1, 65535),
      user: e.required(CHECKOUT_ENV.dbUser),
      database: e.required(CHECKOUT_ENV.dbName),
      region,
    },
    cartsTable: e.required(CHECKOUT_ENV.cartsTable),
    idempotencyTable: e.required(CHECKOUT_ENV.idempotencyTable),
    idempotencyTtlSeconds: e.integer(CHECKOUT_ENV.idempotencyTtlSeconds, 24 * 3600, 60, 30 * 24 * 3600),
  };
  if (caFile) {
    try {
      config.db.caBundle = readFile(caFile);
      if (!config.db.caBundle.includes("BEGIN CERTIFICATE")) e.problems.push(`${CHECKOUT_ENV.dbCaFile} (${caFile}) holds no PEM certificate`);
    } catch (error) {
      e.problems.push(`${CHECKOUT_ENV.dbCaFile} (${caFile}) cannot be read: ${(error as Error).message}`);
    }
  }
  e.done("checkout");
  return config;
}
