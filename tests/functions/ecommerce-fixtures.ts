/**
 * Shared fixtures for the e-commerce handler tests: an in-process dynalite keyed like the real tables,
 * API Gateway events and Lambda contexts. (Not a `.test.ts` file, so mocha loads it only on import.)
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import type { AddressInfo, Server } from "node:net";
import { CARTS_TABLE, IDEMPOTENCY_TABLE, type Cart } from "../../projects/ecommerce/functions/carts-table";

// tests/setup.ts silences the SDK's old maintenance notice; this SDK version warns about Node 20
// under another switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface Dynalite {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<Dynalite> {
  const server: Server = require("dynalite")({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `carts`: partition key `cartId` (S), as `carts-table.ts` defines it. */
export async function createCartsTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: CARTS_TABLE.partitionKey, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: CARTS_TABLE.partitionKey, AttributeType: "S" }],
    }),
  );
}

/** Powertools idempotency records: partition key `id` (S). */
export async function createIdempotencyTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: "S" }],
    }),
  );
}

/** Writes carts 25 at a time (dynalite always processes a whole batch). */
export async function putCarts(client: DynamoDBClient, table: string, carts: Partial<Cart>[]): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  for (let i = 0; i < carts.length; i += 25) {
    const chunk = carts.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [table]: chunk } }));
  }
}

export function lambdaContext(remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "test-function",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:test-function",
    memoryLimitInMB: "256",
    awsRequestId: "00000000-0000-4000-8000-000000000000",
    logGroupName: "/aws/lambda/test-function",
    logStreamName: "test",
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The claims API Gateway's Cognito authorizer passes for a shopper signed in with an ID token. */
export const shopperClaims = (sub: string): Record<string, string> => ({ sub, token_use: "id", "cognito:username": sub, aud: "mobile-app-client" });

/** The claims of a partner's client-credentials access token (subject = its app client). */
export const partnerClaims = (clientId: string, scope = "orders/checkout"): Record<string, string> => ({ sub: clientId, client_id: clientId, token_use: "access", scope });

/**
 * A REST API proxy event for POST /orders, as API Gateway passes it after the Cognito authorizer:
 * `caller` is the shopper's `sub` (a string), full claims, or null for no verified identity.
 */
export function postOrders(body: unknown, headers: Record<string, string> = {}, caller: string | Record<string, string> | null = "customer-1"): APIGatewayProxyEvent {
  const claims = caller === null ? undefined : typeof caller === "string" ? shopperClaims(caller) : caller;
  return {
    httpMethod: "POST",
    path: "/orders",
    resource: "/orders",
    headers: { "Content-Type": "application/json", ...headers },
    multiValueHeaders: {},
    body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: (claims ? { authorizer: { claims } } : {}) as APIGatewayProxyEvent["requestContext"],
  };
}

export const silentLogger = () => new Logger({ serviceName: "test", logLevel: "SILENT" });
