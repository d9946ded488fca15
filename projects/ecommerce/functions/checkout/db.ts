/**
 * The checkout's connection to Aurora PostgreSQL: IAM authentication (no stored password) over
 * verified TLS, from a pool created once per container and reused across invocations.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { Signer } from "@aws-sdk/rds-signer";
import { Pool, type PoolConfig } from "pg";
import type { DbConfig } from "./config";

export interface AuthTokenSigner {
  getAuthToken(): Promise<string>;
}

export interface SignerOptions {
  hostname: string;
  port: number;
  username: string;
  region: string;
}

export type SignerFactory = (options: SignerOptions) => AuthTokenSigner;

/** `@aws-sdk/rds-signer` with the function role's credentials (the default provider chain). */
export const rdsSigner: SignerFactory = (options) => new Signer(options);

export function poolConfig(db: DbConfig, signer: AuthTokenSigner): PoolConfig {
  return {
    host: db.host,
    port: db.port,
    user: db.user,
    database: db.database,
    // Called for every new connection: an IAM token is valid for 15 minutes and only needs to be
    // valid when the connection is opened, so pooled connections outlive it safely. Signing is local.
    password: () => signer.getAuthToken(),
    // IAM authentication requires TLS; verify the server against the RDS CAs (see DbConfig.caBundle).
    // pg sets the SNI/hostname to `host`, so the certificate must match the cluster endpoint.
    ssl: { rejectUnauthorized: true, ...(db.caBundle ? { ca: db.caBundle } : {}) },
    // A container serves one invocation at a time and the checkout uses one connection at a time.
    max: 1,
    // Long enough for an auto-paused Aurora Serverless v2 cluster to resume (about 15-30 s).
    connectionTimeoutMillis: 30_000,
    // Close idle connections before Aurora or a NAT drops them while the container is frozen.
    idleTimeoutMillis: 5 * 60_000,
    keepAlive: true,
    application_name: "ecommerce-checkout",
  };
}

export interface CreatePoolOptions {
  signerFactory?: SignerFactory;
  logger?: Pick<Logger, "warn">;
}

export function createPool(db: DbConfig, { signerFactory = rdsSigner, logger }: CreatePoolOptions = {}): Pool {
  const signer = signerFactory({ hostname: db.host, port: db.port, username: db.user, region: db.region });
  const pool = new Pool(poolConfig(db, signer));
  // An idle connection that dies (e.g. Aurora failover while the container is frozen) emits 'error' on
  // the pool; without a listener that would crash the process. The pool drops it and reconnects later.
  pool.on("error", (error) => logger?.warn("idle database connection failed", { error: error.message }));
  return pool;
}
