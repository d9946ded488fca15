/** API Gateway (REST, proxy integration) responses and the client errors the checkout can return. */
import type { APIGatewayProxyResult } from "aws-lambda";

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error the client can fix; `code` is stable for programs, `message` is for people. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: HttpError): APIGatewayProxyResult {
  const body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
  return json(error.statusCode, body, error.headers);
}

/** Header lookup as HTTP defines it (case-insensitive); API Gateway passes names as the client sent them. */
export function header(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
