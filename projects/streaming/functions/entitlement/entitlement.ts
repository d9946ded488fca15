/**
 * Entitlement: a viewer's right to watch one video becomes CloudFront signed cookies.
 *
 * Called by the application backend that authenticated the viewer (function URL, IAM auth:
 * `POST {"userId": "...", "videoId": "..."}`), never by the browser directly. The function checks
 * the `users` table (an active subscription: `subscriptionActiveUntil` in the future) and the
 * `videos` table (PUBLISHED), then signs a custom policy for `https://<delivery>/<videoId>/*`
 * valid `cookieTtlSeconds`, with this stack's private key (Secrets Manager; its public half is
 * the stack's `signingPublicKeyPem`, in the distribution's key group). The response carries the
 * three cookies (`CloudFront-Policy`, `-Signature`, `-Key-Pair-Id`) as `Set-Cookie` headers,
 * `Secure; HttpOnly; SameSite=None` on the delivery domain (or `cookieDomain`), for the backend
 * to pass on; the player then fetches manifests and segments with `withCredentials`.
 */
import { getSignedCookies } from "@aws-sdk/cloudfront-signer";
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { Log, Video } from "../shared/tables";

/** What the users table holds for a viewer (written by the billing/subscription system). */
export interface User {
  userId: string;
  /** ISO-8601 end of the paid period; absent or past: not entitled. */
  subscriptionActiveUntil?: string;
}

export interface EntitlementDeps {
  documents: DynamoDBDocumentClient;
  usersTable: string;
  videosTable: string;
  /** `https://<delivery domain>` (no trailing slash). */
  deliveryOrigin: string;
  /** The CloudFront public key id (in the key group) of the signing key. */
  keyPairId: string;
  /** The private key PEM (read once from Secrets Manager). */
  privateKey: () => Promise<string>;
  cookieTtlSeconds: number;
  /** Domain attribute of the cookies (e.g. `.example.com` to cover app and CDN). Default: the delivery host. */
  cookieDomain?: string;
  logger: Log;
  now?: () => Date;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

const json = (statusCode: number, body: unknown, cookies?: string[]): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: JSON.stringify(body),
  ...(cookies ? { cookies } : {}),
});

export function createEntitlementHandler(deps: EntitlementDeps) {
  const now = deps.now ?? (() => new Date());
  const host = new URL(deps.deliveryOrigin).host;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.requestContext?.http?.method !== "POST") return json(405, { error: "POST only" });
    let request: { userId?: unknown; videoId?: unknown };
    try {
      request = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? ""));
    } catch {
      return json(400, { error: "the body must be JSON: {\"userId\": ..., \"videoId\": ...}" });
    }
    const { userId, videoId } = request;
    if (typeof userId !== "string" || !ID.test(userId) || typeof videoId !== "string" || !ID.test(videoId)) {
      return json(400, { error: "userId and videoId must be 1-128 letters, digits, _ or -" });
    }
    const at = now();
    const [user, video] = await Promise.all([
      deps.documents.send(new GetCommand({ TableName: deps.usersTable, Key: { userId } })).then((r) => r.Item as User | undefined),
      deps.documents.send(new GetCommand({ TableName: deps.videosTable, Key: { videoId } })).then((r) => r.Item as Video | undefined),
    ]);
    if (!video || video.status !== "PUBLISHED") return json(404, { error: "no such video" });
    const until = user?.subscriptionActiveUntil ? Date.parse(user.subscriptionActiveUntil) : NaN;
    if (!(until > at.getTime())) {
      deps.logger.info("not entitled", { userId, videoId });
      return json(403, { error: "no active subscription" });
    }
    // Never beyond the paid period.
    const expires = Math.floor(Math.min(at.getTime() + deps.cookieTtlSeconds * 1000, until) / 1000);
    const resource = `${deps.deliveryOrigin}/${videoId}/*`;
    const policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { "AWS:EpochTime": expires } } }] });
    const signed = getSignedCookies({ keyPairId: deps.keyPairId, privateKey: await deps.privateKey(), policy });
    const attributes = `Domain=${deps.cookieDomain ?? host}; Path=/${videoId}/; Expires=${new Date(expires * 1000).toUTCString()}; Secure; HttpOnly; SameSite=None`;
    const cookies = Object.entries(signed)
      .filter(([, v]) => v !== undefined)
      .map(([name, value]) => `${name}=${value}; ${attributes}`);
    deps.logger.info("entitled", { userId, videoId, expires });
    return json(200, { videoId, manifestUrl: `${deps.deliveryOrigin}/${video.manifestKey ?? `${videoId}/master.m3u8`}`, expiresAt: new Date(expires * 1000).toISOString() }, cookies);
  };
}
