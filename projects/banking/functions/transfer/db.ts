/**
 * The ledger function's connection to Aurora PostgreSQL: IAM authentication (a token signed per new
 * connection, no stored password) over verified TLS, one pooled connection per container.
 */
import { Signer } from "@aws-sdk/rds-signer";
import { Pool, type PoolConfig } from "pg";

export interface LedgerDbConfig {
  host: string;
  port: number;
  user: string;
  database: string;
  region: string;
}

export function ledgerPoolConfig(db: LedgerDbConfig, token: () => Promise<string>): PoolConfig {
  return {
    host: db.host,
    port: db.port,
    user: db.user,
    database: db.database,
    password: token,
    // IAM authentication requires TLS; NODE_EXTRA_CA_CERTS (set on the function) adds the RDS CAs.
    ssl: { rejectUnauthorized: true },
    max: 1,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 5 * 60_000,
    keepAlive: true,
    application_name: "banking-transfer-ledger",
  };
}

export function createLedgerPool(db: LedgerDbConfig): Pool {
  const signer = new Signer({ hostname: db.host, port: db.port, username: db.user, region: db.region });
  const pool = new Pool(ledgerPoolConfig(db, () => signer.getAuthToken()));
  // An idle connection dropped during a failover must not crash the container; the pool reconnects.
  pool.on("error", () => undefined);
  return pool;
}
