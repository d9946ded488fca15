/**
 * The transfer workflow (Amazon States Language), a pure function of the four functions' ARNs so
 * that the program deploys it and the tests execute exactly it (aws-local-stepfunctions).
 *
 *   Validate ─> FraudCheck ─> FraudDecision ─> ReserveFunds ─> PostToLedger ─> RecordHistory ─> Notify ─> Completed
 *      │                           │                 │              │                 │             └ (failure: still Completed)
 *      └ Rejected                  └ FraudRejected   │              │                 └ HistoryNotRecorded (money moved; ledger is the record)
 *                                  InsufficientFunds ┘              │
 *                               any other failure ─> ReleaseReservation ─> Compensated  (or CompensationFailed)
 *
 * Every Task retries transient errors (Lambda service errors, throttling, timeouts, and the
 * handlers' `Transfer.Transient`); every step is idempotent, so a retry after a timeout is safe.
 * Any failure once funds may be reserved is caught and compensated by releasing the reservation,
 * so a failure never leaves money half-moved.
 */
import { LambdaTransientErrors } from "../../components/integration/workflow";
import { TransferErrors } from "./functions/transfer/model";

export interface TransferWorkflowFunctions {
  /** Validate, ReserveFunds, PostToLedger, ReleaseReservation (functions/transfer/ledger-handler.ts). */
  ledger: string;
  fraudCheck: string;
  recordHistory: string;
  notify: string;
}

/** Errors worth retrying: Lambda's own transient failures and the handlers' `Transfer.Transient`. */
export const TransientErrors = [...LambdaTransientErrors, TransferErrors.transient] as const;

/** Seconds a Task may run before Step Functions times it out (and retries it). */
export const TaskTimeoutSeconds = 30;

const retry = (maxAttempts: number) => [{ ErrorEquals: [...TransientErrors], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: maxAttempts, MaxDelaySeconds: 30, JitterStrategy: "FULL" }];

function task(resource: string, next: { Next: string } | { End: true }, extra: Record<string, unknown> = {}) {
  return { Type: "Task", Resource: resource, TimeoutSeconds: TaskTimeoutSeconds, Retry: retry(3), ...extra, ...next };
}

const ledgerInput = (step: string) => ({ step, "transfer.$": "$.transfer" });

export function transferWorkflowDefinition(fn: TransferWorkflowFunctions): Record<string, unknown> {
  const compensate = { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "ReleaseReservation" };
  return {
    Comment: "A transfer between two accounts: validate, fraud check, reserve, post, record, notify; compensates by releasing the reservation",
    StartAt: "Validate",
    TimeoutSeconds: 3600,
    States: {
      Validate: task(fn.ledger, { Next: "FraudCheck" }, {
        Parameters: ledgerInput("validate"),
        ResultPath: "$.validation",
        Catch: [{ ErrorEquals: [TransferErrors.rejected], ResultPath: "$.error", Next: "Rejected" }],
      }),
      FraudCheck: task(fn.fraudCheck, { Next: "FraudDecision" }, {
        Parameters: { "transfer.$": "$.transfer" },
        ResultPath: "$.fraud",
      }),
      FraudDecision: {
        Type: "Choice",
        Choices: [{ Variable: "$.fraud.decision", StringEquals: "approve", Next: "ReserveFunds" }],
        Default: "FraudRejected",
      },
      ReserveFunds: task(fn.ledger, { Next: "PostToLedger" }, {
        Parameters: ledgerInput("reserve"),
        ResultPath: "$.reservation",
        // Nothing was reserved when funds fall short; anything else may have reserved before failing.
        Catch: [{ ErrorEquals: [TransferErrors.insufficientFunds], ResultPath: "$.error", Next: "InsufficientFunds" }, compensate],
      }),
      PostToLedger: task(fn.ledger, { Next: "RecordHistory" }, {
        Parameters: ledgerInput("post"),
        ResultPath: "$.posting",
        Catch: [compensate],
      }),
      RecordHistory: task(fn.recordHistory, { Next: "Notify" }, {
        Parameters: { "transfer.$": "$.transfer", "posting.$": "$.posting" },
        ResultPath: null,
        Retry: retry(6),
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "HistoryNotRecorded" }],
      }),
      Notify: task(fn.notify, { Next: "Completed" }, {
        Parameters: { "transfer.$": "$.transfer", "posting.$": "$.posting" },
        ResultPath: null,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notificationError", Next: "Completed" }],
      }),
      Completed: {
        Type: "Pass",
        Parameters: { status: "COMPLETED", "transferId.$": "$.transfer.transferId", "postedAt.$": "$.posting.postedAt" },
        End: true,
      },
      ReleaseReservation: task(fn.ledger, { Next: "Compensated" }, {
        Parameters: ledgerInput("release"),
        ResultPath: "$.release",
        // The compensation must happen: retry longer than the forward steps.
        Retry: retry(8),
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.compensationError", Next: "CompensationFailed" }],
      }),
      Rejected: { Type: "Fail", Error: TransferErrors.rejected, Cause: "The transfer is invalid or the source account is not the customer's" },
      FraudRejected: { Type: "Fail", Error: TransferErrors.fraudRejected, Cause: "The fraud check declined the transfer" },
      InsufficientFunds: { Type: "Fail", Error: TransferErrors.insufficientFunds, Cause: "The source account cannot cover the amount" },
      Compensated: { Type: "Fail", Error: TransferErrors.compensated, Cause: "The transfer failed after funds were reserved; the reservation was released" },
      CompensationFailed: { Type: "Fail", Error: TransferErrors.compensationFailed, Cause: "Releasing the reservation failed: release it by hand (README, banking runbook)" },
      HistoryNotRecorded: { Type: "Fail", Error: TransferErrors.historyNotRecorded, Cause: "Posted to the ledger, but the history record was not written: re-run RecordHistory" },
    },
  };
}
