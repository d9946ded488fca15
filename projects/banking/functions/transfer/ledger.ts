/**
 * The ledger steps of the transfer workflow, over Aurora PostgreSQL (schema.sql). Each step is one
 * database transaction and is idempotent: Step Functions may run a Task again after a timeout or a
 * retry, so running a step twice must leave the ledger as running it once.
 */
import type { Pool, PoolClient } from "pg";
import { rejected, TransferError, TransferErrors, transferProblems, transient, type Transfer, type TransferState } from "./model";

/** PostgreSQL error codes worth retrying: serialization failure, deadlock, shutdown/failover, connection loss, too many connections. */
const TRANSIENT_SQLSTATES = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300"]);
const TRANSIENT_NODE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);

/** A database error as the workflow should see it: transient ones become `Transfer.Transient`. */
export function classify(error: unknown): unknown {
  if (error instanceof TransferError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? String(error);
  if ((code && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) || /Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
    return transient(`database: ${message}`, error);
  }
  return error;
}

async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw classify(error);
  }
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw classify(error);
  } finally {
    client.release();
  }
}

interface AccountRow {
  account_id: string;
  customer_id: string;
  currency: string;
  status: string;
  balance_cents: string;
  reserved_cents: string;
}

function checked(state: TransferState): Transfer {
  const problems = transferProblems(state?.transfer);
  if (problems.length > 0) throw rejected(`invalid transfer: ${problems.join("; ")}`);
  return state.transfer;
}

export interface ValidationResult {
  valid: true;
  /** The currency both accounts hold. */
  currency: string;
}

/** Both accounts exist and are open, the source belongs to the authenticated customer, currencies match. */
export async function validate(pool: Pool, state: TransferState): Promise<ValidationResult> {
  const t = checked(state);
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<AccountRow>("SELECT * FROM accounts WHERE account_id = ANY($1)", [[t.sourceAccountId, t.destinationAccountId]]);
    const source = rows.find((r) => r.account_id === t.sourceAccountId);
    const destination = rows.find((r) => r.account_id === t.destinationAccountId);
    // The same answer for "no such account" and "not yours": a caller learns nothing about other customers' accounts.
    if (!source || source.customer_id !== t.customerId) throw rejected(`source account ${t.sourceAccountId} is not an account of this customer`);
    if (!destination) throw rejected(`destination account ${t.destinationAccountId} does not exist`);
    if (source.status !== "open") throw rejected(`source account ${t.sourceAccountId} is ${source.status}`);
    if (destination.status !== "open") throw rejected(`destination account ${t.destinationAccountId} is ${destination.status}`);
    if (source.currency !== t.currency || destination.currency !== t.currency) throw rejected(`both accounts must hold ${t.currency}`);
    return { valid: true as const, currency: t.currency };
  });
}

export interface ReservationResult {
  reserved: true;
  amountCents: number;
}

/** Hold the amount on the source account (once per transfer). */
export async function reserve(pool: Pool, state: TransferState): Promise<ReservationResult> {
  const t = checked(state);
  return inTransaction(pool, async (db) => {
    const existing = await db.query<{ status: string }>("SELECT status FROM reservations WHERE transfer_id = $1", [t.transferId]);
    if (existing.rows[0]) {
      if (existing.rows[0].status === "released") throw rejected(`transfer ${t.transferId} was already compensated`);
      return { reserved: true as const, amountCents: t.amountCents };
    }
    const { rows } = await db.query<AccountRow>("SELECT * FROM accounts WHERE account_id = $1 AND customer_id = $2 FOR UPDATE", [t.sourceAccountId, t.customerId]);
    const source = rows[0];
    if (!source) throw rejected(`source account ${t.sourceAccountId} is not an account of this customer`);
    const available = BigInt(source.balance_cents) - BigInt(source.reserved_cents);
    if (available < BigInt(t.amountCents)) throw new TransferError(TransferErrors.insufficientFunds, `account ${t.sourceAccountId} has ${available} available, ${t.amountCents} requested`);
    await db.query("UPDATE accounts SET reserved_cents = reserved_cents + $2 WHERE account_id = $1", [t.sourceAccountId, t.amountCents]);
    await db.query("INSERT INTO reservations (transfer_id, account_id, amount_cents, status) VALUES ($1, $2, $3, 'held')", [t.transferId, t.sourceAccountId, t.amountCents]);
    return { reserved: true as const, amountCents: t.amountCents };
  });
}

export interface PostingResult {
  posted: true;
  postedAt: string;
}

/** Move the reserved amount: two ledger entries, both balances, the reservation consumed, in one transaction. */
export async function post(pool: Pool, state: TransferState): Promise<PostingResult> {
  const t = checked(state);
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<{ status: string; amount_cents: string }>("SELECT status, amount_cents FROM reservations WHERE transfer_id = $1 FOR UPDATE", [t.transferId]);
    const reservation = rows[0];
    if (!reservation) throw rejected(`transfer ${t.transferId} has no reservation`);
    if (reservation.status === "posted") {
      const entry = await db.query<{ posted_at: Date }>("SELECT posted_at FROM ledger_entries WHERE transfer_id = $1 LIMIT 1", [t.transferId]);
      return { posted: true as const, postedAt: entry.rows[0]!.posted_at.toISOString() };
    }
    if (reservation.status !== "held") throw rejected(`transfer ${t.transferId} was ${reservation.status}`);
    const amount = reservation.amount_cents;
    // Lock both accounts in a fixed order, so two opposite transfers cannot deadlock each other.
    const ids = [t.sourceAccountId, t.destinationAccountId].sort();
    await db.query("SELECT account_id FROM accounts WHERE account_id = ANY($1) ORDER BY account_id FOR UPDATE", [ids]);
    const destination = await db.query<{ status: string }>("SELECT status FROM accounts WHERE account_id = $1", [t.destinationAccountId]);
    if (destination.rows[0]?.status !== "open") throw rejected(`destination account ${t.destinationAccountId} is not open`);
    const postedAt = new Date();
    await db.query(
      "INSERT INTO ledger_entries (transfer_id, account_id, amount_cents, currency, posted_at) VALUES ($1, $2, -$4::bigint, $5, $6), ($1, $3, $4::bigint, $5, $6)",
      [t.transferId, t.sourceAccountId, t.destinationAccountId, amount, t.currency, postedAt],
    );
    await db.query("UPDATE accounts SET balance_cents = balance_cents - $2, reserved_cents = reserved_cents - $2 WHERE account_id = $1", [t.sourceAccountId, amount]);
    await db.query("UPDATE accounts SET balance_cents = balance_cents + $2 WHERE account_id = $1", [t.destinationAccountId, amount]);
    await db.query("UPDATE reservations SET status = 'posted', updated_at = now() WHERE transfer_id = $1", [t.transferId]);
    return { posted: true as const, postedAt: postedAt.toISOString() };
  });
}

export interface ReleaseResult {
  /** `released` now or before; `none` if nothing was reserved; `posted` if the money had already moved (nothing to undo). */
  reservation: "released" | "none" | "posted";
}

/** The compensation: give back a reservation that was not posted (a no-op when there is none). */
export async function release(pool: Pool, state: TransferState): Promise<ReleaseResult> {
  const t = checked(state);
  return inTransaction(pool, async (db) => {
    const { rows } = await db.query<{ status: string; account_id: string; amount_cents: string }>("SELECT status, account_id, amount_cents FROM reservations WHERE transfer_id = $1 FOR UPDATE", [t.transferId]);
    const reservation = rows[0];
    if (!reservation) return { reservation: "none" as const };
    if (reservation.status === "posted") return { reservation: "posted" as const };
    if (reservation.status === "held") {
      await db.query("UPDATE accounts SET reserved_cents = reserved_cents - $2 WHERE account_id = $1", [reservation.account_id, reservation.amount_cents]);
      await db.query("UPDATE reservations SET status = 'released', updated_at = now() WHERE transfer_id = $1", [t.transferId]);
    }
    return { reservation: "released" as const };
  });
}

export const LedgerSteps = { validate, reserve, post, release } as const;
export type LedgerStep = keyof typeof LedgerSteps;

/** One Lambda for the four ledger steps (they share the database connection and its grants); the workflow names the step. */
export function createLedgerHandler(pool: Pool) {
  return async (event: TransferState & { step: LedgerStep }) => {
    const step = LedgerSteps[event?.step];
    if (!step) throw rejected(`unknown ledger step ${JSON.stringify(event?.step)}`);
    return step(pool, event);
  };
}
