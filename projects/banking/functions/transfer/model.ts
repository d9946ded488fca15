/**
 * The transfer as the workflow carries it, and the errors its steps raise. Error names are what
 * Step Functions matches in `Retry` and `Catch` (Lambda reports a thrown error's `name` as its
 * error type), so they are part of the workflow's contract (see workflow.ts).
 */

/** One transfer between two accounts of the bank, in minor units (cents) of one currency. */
export interface Transfer {
  /** Derived from the customer and the request's idempotency key (start-transfer). */
  transferId: string;
  /** The authenticated customer (the user pool's `sub`), never a field of the request body. */
  customerId: string;
  sourceAccountId: string;
  destinationAccountId: string;
  /** Positive whole number of minor units. */
  amountCents: number;
  /** ISO 4217 code. */
  currency: string;
  /** Free text shown to both parties. */
  reference: string;
}

/** What every step receives: the execution's state (the workflow adds each step's result). */
export interface TransferState {
  transfer: Transfer;
  [step: string]: unknown;
}

/** Error names the workflow matches. */
export const TransferErrors = {
  /** Worth retrying: throttling, a dropped connection, a serialization failure. */
  transient: "Transfer.Transient",
  /** The request can never succeed as given (unknown account, not the caller's, wrong currency...). */
  rejected: "Transfer.Rejected",
  /** The source account cannot cover the amount. */
  insufficientFunds: "Transfer.InsufficientFunds",
  /** The fraud check declined it. */
  fraudRejected: "Transfer.FraudRejected",
  /** The ledger posting failed and the reservation was released. */
  compensated: "Transfer.Compensated",
  /** The compensation itself failed: on-call must release the reservation by hand. */
  compensationFailed: "Transfer.CompensationFailed",
  /** Posted to the ledger, but the history record could not be written (the ledger is the record). */
  historyNotRecorded: "Transfer.HistoryNotRecorded",
} as const;

export class TransferError extends Error {
  constructor(name: (typeof TransferErrors)[keyof typeof TransferErrors], message: string) {
    super(message);
    this.name = name;
  }
}

export const transient = (message: string, cause?: unknown) => Object.assign(new TransferError(TransferErrors.transient, message), { cause });
export const rejected = (message: string) => new TransferError(TransferErrors.rejected, message);

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Check a transfer's shape (the API validated it already; the workflow does not trust its input). */
export function transferProblems(t: Partial<Transfer> | undefined): string[] {
  if (!t || typeof t !== "object") return ["transfer is missing"];
  const problems: string[] = [];
  for (const key of ["transferId", "customerId", "sourceAccountId", "destinationAccountId"] as const) {
    if (typeof t[key] !== "string" || !ID.test(t[key]!)) problems.push(`${key} must be 1-64 letters, digits, _ or -`);
  }
  if (!Number.isSafeInteger(t.amountCents) || (t.amountCents as number) <= 0) problems.push("amountCents must be a positive whole number");
  if (typeof t.currency !== "string" || !/^[A-Z]{3}$/.test(t.currency)) problems.push("currency must be an ISO 4217 code");
  if (typeof t.reference !== "string" || t.reference.length > 140) problems.push("reference must be text of at most 140 characters");
  if (t.sourceAccountId !== undefined && t.sourceAccountId === t.destinationAccountId) problems.push("source and destination must be different accounts");
  return problems;
}
