/**
 * POST /transfers (API Gateway REST, Cognito user-pool authorizer): starts the transfer workflow.
 *
 * - The customer is the authenticated user (the authorizer's `sub` claim), never a field of the
 *   body: a body naming a customer is refused, and the workflow's Validate step only moves money
 *   out of an account of that customer.
 * - The `Idempotency-Key` header names the execution: the execution name is derived from the
 *   customer and the key, so a retried request meets the execution the first one started (Step
 *   Functions Standard refuses a second execution of the same name) instead of starting a second
 *   transfer. The same key with a different transfer is refused.
 * - Each request is written to the customer's activity log (DynamoDB, expiring).
 */
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { createHash } from "node:crypto";
import type { Transfer } from "../transfer/model";

export interface StartTransferDeps {
  sfn: SFNClient;
  /** The activity log's client (a document client: items are plain objects). */
  dynamodb: DynamoDBDocumentClient;
  stateMachineArn: string;
  activityTable: string;
  /** Days an activity record is kept (the table's TTL attribute `expiresAt`). */
  activityRetentionDays: number;
  now?: () => Date;
}

export const ACTIVITY_TABLE = { partitionKey: "customerId", sortKey: "eventKey", ttlAttribute: "expiresAt" } as const;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;
const AMOUNT = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;
const FIELDS = new Set(["sourceAccountId", "destinationAccountId", "amount", "currency", "reference"]);

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});
const problem = (statusCode: number, code: string, message: string, headers?: Record<string, string>) => json(statusCode, { error: { code, message } }, headers);

/** The execution name (and transfer id) of a customer's request: the same for every retry of it, different across customers. */
export function transferIdFor(customerId: string, idempotencyKey: string): string {
  return `tr-${createHash("sha256").update(`${customerId}\n${idempotencyKey}`).digest("hex").slice(0, 40)}`;
}

/** `arn:aws:states:<r>:<a>:stateMachine:<name>` -> the ARN of its execution `<execution>`. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName}`;
}

function header(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Whole minor units of a decimal amount string ("12.3" -> 1230). */
export function toCents(amount: string): number {
  const [units, fraction = ""] = amount.split(".");
  return Number(units) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Who is asking, as authentication established it, and which of their accounts pays. */
interface Caller {
  customerId: string;
  /** Fixed by the caller's identity (partners pay from their settlement account); else the body names it. */
  sourceAccountId?: string;
}

export function createStartTransferHandler(deps: StartTransferDeps) {
  return createHandler(deps, (event) => {
    const sub = (event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined)?.sub;
    return typeof sub === "string" && ID.test(sub) ? { customerId: sub } : undefined;
  });
}

/**
 * POST /partners/credits (partner API, mutual TLS): a partner bank credits a customer's account
 * from its settlement account. The partner is the subject (CN) of the client certificate API
 * Gateway verified against the truststore, and must be one of `partners`; the API key only meters
 * the partner's usage plan. Its settlement account belongs to the ledger customer `partner-<name>`.
 */
export function createPartnerCreditHandler(deps: StartTransferDeps & { partners: readonly string[] }) {
  return createHandler(deps, (event) => {
    const subject = (event.requestContext?.identity as { clientCert?: { subjectDN?: string } } | undefined)?.clientCert?.subjectDN;
    const cn = subject ? /(?:^|,)\s*CN=([^,]+)/.exec(subject)?.[1]?.trim() : undefined;
    if (!cn || !deps.partners.includes(cn)) return undefined;
    return { customerId: `partner-${cn}`, sourceAccountId: `settlement-${cn}` };
  });
}

function createHandler(deps: StartTransferDeps, identify: (event: APIGatewayProxyEvent) => Caller | undefined) {
  const db = deps.dynamodb;
  const now = deps.now ?? (() => new Date());

  async function logActivity(customerId: string, transferId: string, outcome: string, event: APIGatewayProxyEvent) {
    const at = now();
    await db.send(
      new PutCommand({
        TableName: deps.activityTable,
        Item: {
          [ACTIVITY_TABLE.partitionKey]: customerId,
          [ACTIVITY_TABLE.sortKey]: `${at.toISOString()}#${event.requestContext?.requestId ?? transferId}`,
          type: "transfer.requested",
          outcome,
          transferId,
          sourceIp: event.requestContext?.identity?.sourceIp,
          userAgent: event.requestContext?.identity?.userAgent,
          [ACTIVITY_TABLE.ttlAttribute]: Math.floor(at.getTime() / 1000) + deps.activityRetentionDays * 86400,
        },
      }),
    );
  }

  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const caller = identify(event);
    if (!caller) return problem(401, "unauthenticated", "authenticate: a Cognito user pool token (mobile app) or a partner client certificate (partner API)");
    const customerId = caller.customerId;

    const key = header(event.headers, "idempotency-key");
    if (!key || !IDEMPOTENCY_KEY.test(key)) return problem(400, "idempotency_key", "send an Idempotency-Key header of 8-64 letters, digits, _ or - (the same on every retry of one transfer)");

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(event.body ?? "");
    } catch {
      return problem(400, "body", "the body must be JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return problem(400, "body", "the body must be a JSON object");
    const unknown = Object.keys(body).filter((k) => !FIELDS.has(k) || (k === "sourceAccountId" && caller.sourceAccountId !== undefined));
    if (unknown.length > 0) return problem(400, "body", `unknown fields: ${unknown.join(", ")} (the customer is the authenticated caller, never a field of the request)`);
    const { destinationAccountId, amount, currency, reference = "" } = body as Record<string, unknown>;
    const sourceAccountId = caller.sourceAccountId ?? (body as Record<string, unknown>).sourceAccountId;
    const problems: string[] = [];
    if (typeof sourceAccountId !== "string" || !ID.test(sourceAccountId)) problems.push("sourceAccountId: 1-64 letters, digits, _ or -");
    if (typeof destinationAccountId !== "string" || !ID.test(destinationAccountId)) problems.push("destinationAccountId: 1-64 letters, digits, _ or -");
    if (sourceAccountId === destinationAccountId) problems.push("destinationAccountId: must differ from sourceAccountId");
    if (typeof amount !== "string" || !AMOUNT.test(amount) || toCents(amount) <= 0) problems.push('amount: a positive decimal string with at most two decimals, e.g. "125.50"');
    if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) problems.push("currency: an ISO 4217 code such as EUR");
    if (typeof reference !== "string" || reference.length > 140) problems.push("reference: text of at most 140 characters");
    if (problems.length > 0) return problem(400, "validation", problems.join("; "));

    const transferId = transferIdFor(customerId, key);
    const transfer: Transfer = {
      transferId,
      customerId,
      sourceAccountId: sourceAccountId as string,
      destinationAccountId: destinationAccountId as string,
      amountCents: toCents(amount as string),
      currency: currency as string,
      reference: reference as string,
    };
    // No timestamps: a retry must send the very same input (the workflow reads the start time from its context).
    const input = JSON.stringify({ transfer });

    let executionArn: string;
    let replayed = false;
    try {
      const started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: transferId, input }));
      executionArn = started.executionArn!;
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists) && (error as Error).name !== "ExecutionAlreadyExists") {
        const name = (error as Error).name ?? "";
        if (/Throttl|ServiceUnavailable|InternalServerError/.test(name) || (error as { $retryable?: unknown }).$retryable) {
          return problem(503, "busy", "try again with the same Idempotency-Key", { "retry-after": "1" });
        }
        throw error;
      }
      // A retry of a request whose execution already ran (or runs): the same transfer, or a misuse of the key.
      executionArn = executionArnFor(deps.stateMachineArn, transferId);
      const existing = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (existing.input !== input) {
        await logActivity(customerId, transferId, "idempotency-key-reused", event);
        return problem(422, "idempotency_key_reused", "this Idempotency-Key was used for a different transfer; use a new key for a new transfer");
      }
      replayed = true;
    }
    await logActivity(customerId, transferId, replayed ? "replayed" : "started", event);
    return json(202, { transferId, executionArn, replayed }, { location: `/transfers/${transferId}` });
  };
}
