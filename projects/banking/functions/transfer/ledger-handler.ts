/** Lambda entry point of the workflow's ledger steps (Validate, ReserveFunds, PostToLedger, ReleaseReservation). */
import { readEnv } from "../env";
import { createLedgerPool } from "./db";
import { createLedgerHandler } from "./ledger";

const env = readEnv("transfer-ledger", process.env, ["AWS_REGION", "DB_HOST", "DB_PORT", "DB_USER", "DB_NAME"], { DB_PORT: { min: 1, max: 65535 } });

export const handler = createLedgerHandler(
  createLedgerPool({ host: env.DB_HOST, port: Number(env.DB_PORT), user: env.DB_USER, database: env.DB_NAME, region: env.AWS_REGION }),
);
