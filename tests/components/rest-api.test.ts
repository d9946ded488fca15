import { expect } from "chai";
import * as path from "node:path";
import { Function } from "../../components/compute/function";
import { AccessLogFormat, pathSlug, RestApi, RestApiArgs, RestApiRoute, routeArnPath } from "../../components/integration/rest-api";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const HANDLER = path.join(__dirname, "..", "fixtures", "handlers", "echo.ts");
const WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/0000";
const STAGE = "aws:apigateway/stage:Stage";
const METHOD = "aws:apigateway/method:Method";
const SETTINGS = "aws:apigateway/methodSettings:MethodSettings";
const PERMISSION = "aws:lambda/permission:Permission";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("RestApi", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  function fn(name: string, env: "dev" | "prod" = "dev") {
    return new Function(name, { context: testContext(env), handler: HANDLER, kmsKey: KEY_ARN });
  }

  function routes(env: "dev" | "prod" = "dev"): RestApiRoute[] {
    const cart = fn("cart", env);
    const checkout = fn("checkout", env);
    return [
      { path: "/carts/{cartId}", method: "GET", function: cart },
      {
        path: "/carts/{cartId}/checkout",
        method: "POST",
        function: checkout,
        requestModel: { type: "object", required: ["idempotencyKey"], properties: { idempotencyKey: { type: "string" } } },
      },
      { path: "/partner/orders", method: "GET", function: cart, authorization: "NONE", apiKeyRequired: true },
    ];
  }

  async function build(name: string, args: Partial<RestApiArgs> = {}, env: "dev" | "prod" = "dev") {
    const api = new RestApi(name, {
      context: testContext(env),
      logsKmsKey: KEY_ARN,
      routes: routes(env),
      usagePlans: [{ name: "partners", partners: ["acme", "globex"], throttle: { burstLimit: 20, rateLimit: 10 }, quota: { limit: 10000, period: "DAY" } }],
      ...args,
    });
    await mocks.settle();
    return api;
  }

  describe("secure defaults", () => {
    it("a REGIONAL API with a TLS 1.2 policy, tagged", async () => {
      await build("mobile");
      const api = mocks.one("aws:apigateway/restApi:RestApi").inputs;
      expect(api).to.deep.include({ name: "test-dev-mobile", endpointConfiguration: { types: "REGIONAL" }, securityPolicy: "TLS_1_2", apiKeySource: "HEADER" });
      expect(api.tags).to.include.keys(...RequiredTagKeys);
    });

    it("keeps the default execute-api endpoint unless told to disable it (for an API reached only through a mutual-TLS domain)", async () => {
      await build("orders");
      expect(mocks.one("aws:apigateway/restApi:RestApi").inputs.disableExecuteApiEndpoint).to.equal(undefined);
      mocks.reset();
      await build("partners", { disableExecuteApiEndpoint: true });
      expect(mocks.one("aws:apigateway/restApi:RestApi").inputs.disableExecuteApiEndpoint).to.equal(true);
    });

    it("one resource per path segment, shared between routes", async () => {
      await build("mobile");
      const parts = mocks.ofType("aws:apigateway/resource:Resource").map((r) => r.inputs.pathPart);
      expect(parts).to.have.members(["carts", "{cartId}", "checkout", "partner", "orders"]);
    });

    it("methods: IAM auth by default, API key where asked, body validated against the model", async () => {
      await build("mobile");
      const byMethod = Object.fromEntries(mocks.ofType(METHOD).map((m) => [m.name, m.inputs]));
      expect(byMethod["mobile-get-carts-by-cartid"]).to.deep.include({ httpMethod: "GET", authorization: "AWS_IAM", apiKeyRequired: false });
      expect(byMethod["mobile-get-carts-by-cartid"].requestValidatorId).to.equal(undefined);
      const post = byMethod["mobile-post-carts-by-cartid-checkout"];
      expect(post).to.deep.include({ authorization: "AWS_IAM", requestModels: { "application/json": "PostCartsByCartidCheckoutRequest" } });
      expect(post.requestValidatorId).to.be.a("string");
      expect(byMethod["mobile-get-partner-orders"]).to.deep.include({ authorization: "NONE", apiKeyRequired: true });
      const validator = mocks.one("aws:apigateway/requestValidator:RequestValidator").inputs;
      expect(validator).to.deep.include({ name: "validate-body", validateRequestBody: true, validateRequestParameters: false });
      const model = mocks.one("aws:apigateway/model:Model").inputs;
      expect(JSON.parse(model.schema).required).to.deep.equal(["idempotencyKey"]);
    });

    it("Lambda proxy integrations to each route's function", async () => {
      await build("mobile");
      const integrations = mocks.ofType("aws:apigateway/integration:Integration").map((i) => i.inputs);
      expect(integrations).to.have.length(3);
      for (const i of integrations) {
        expect(i).to.deep.include({ type: "AWS_PROXY", integrationHttpMethod: "POST" });
        expect(i.uri).to.match(/^arn:aws:apigateway:us-east-1:lambda:path\/2015-03-31\/functions\/arn:aws:lambda:us-east-1:123456789012:function:test-dev-(cart|checkout)\/invocations$/);
      }
    });

    it("Lambda permissions for API Gateway, each scoped to this API, stage, method and path", async () => {
      const api = await build("mobile");
      const exec = await promiseOf(api.executionArn);
      const perms = mocks.ofType(PERMISSION).map((p) => p.inputs);
      expect(perms.map((p) => p.sourceArn)).to.have.members([`${exec}/v1/GET/carts/*`, `${exec}/v1/POST/carts/*/checkout`, `${exec}/v1/GET/partner/orders`]);
      for (const p of perms) expect(p).to.deep.include({ principal: "apigateway.amazonaws.com", action: "lambda:InvokeFunction" });
    });

    it("an explicit stage: X-Ray, JSON access logs to an encrypted group, client certificate, no cache", async () => {
      await build("mobile");
      const stage = mocks.one(STAGE).inputs;
      expect(stage).to.deep.include({ stageName: "v1", xrayTracingEnabled: true, cacheClusterEnabled: false });
      expect(stage.clientCertificateId).to.be.a("string");
      expect(stage.accessLogSettings.destinationArn).to.equal("arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/test-dev-mobile/v1/access");
      const format = JSON.parse(stage.accessLogSettings.format);
      expect(format).to.include({ requestId: "$context.requestId", ip: "$context.identity.sourceIp", caller: "$context.identity.caller", status: "$context.status" });
      expect(format).to.deep.equal(AccessLogFormat);
      const access = mocks.ofType(LOG_GROUP).find((g) => g.inputs.name === "/aws/apigateway/test-dev-mobile/v1/access")!;
      expect(access.inputs.kmsKeyId).to.equal(KEY_ARN);
    });

    it("creates the execution-log group encrypted, named as API Gateway names it", async () => {
      const api = await build("mobile");
      const id = await promiseOf(api.restApiId);
      const group = mocks.ofType(LOG_GROUP).find((g) => String(g.inputs.name).startsWith("API-Gateway-Execution-Logs_"))!;
      expect(group.inputs).to.deep.include({ name: `API-Gateway-Execution-Logs_${id}/v1`, kmsKeyId: KEY_ARN });
    });

    it("deploys with a trigger hashing the routes", async () => {
      await build("mobile");
      const d = mocks.one("aws:apigateway/deployment:Deployment").inputs;
      expect(d.triggers.routes).to.match(/^[0-9a-f]{64}$/);
      mocks.reset();
      await build("mobile2", { routes: routes().slice(0, 2), usagePlans: [] });
      expect(mocks.one("aws:apigateway/deployment:Deployment").inputs.triggers.routes).not.to.equal(d.triggers.routes);
    });

    it("partners: a usage plan on the stage, an AWS-generated API key each, attached to the plan", async () => {
      const api = await build("mobile");
      const plan = mocks.one("aws:apigateway/usagePlan:UsagePlan").inputs;
      expect(plan.apiStages).to.deep.equal([{ apiId: await promiseOf(api.restApiId), stage: "v1" }]);
      expect(plan).to.deep.include({ throttleSettings: { burstLimit: 20, rateLimit: 10 }, quotaSettings: { limit: 10000, period: "DAY" } });
      const keys = mocks.ofType("aws:apigateway/apiKey:ApiKey").map((k) => k.inputs);
      expect(keys.map((k) => k.name)).to.have.members(["test-dev-mobile-acme", "test-dev-mobile-globex"]);
      for (const k of keys) expect(k.value).to.equal(undefined);
      expect(mocks.ofType("aws:apigateway/usagePlanKey:UsagePlanKey")).to.have.length(2);
      expect(Object.keys(await promiseOf(api.apiKeyIds))).to.have.members(["acme", "globex"]);
    });

    it("associateWebAcl: a WAFv2 association on the stage ARN, once", async () => {
      const api = await build("mobile", { webAclArn: WEB_ACL });
      const assoc = mocks.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs;
      expect(assoc).to.deep.equal({ resourceArn: await promiseOf(api.stageArn), webAclArn: WEB_ACL });
      expect(() => api.associateWebAcl("second", WEB_ACL)).to.throw(/already has a web ACL/);
    });
  });

  describe("dev and prod", () => {
    it("dev: execution logs at INFO for */*, metrics on, data trace off, stage throttling, cache off", async () => {
      await build("mobile", {}, "dev");
      const s = mocks.one(SETTINGS).inputs;
      expect(s.methodPath).to.equal("*/*");
      expect(s.stageName).to.equal("v1");
      expect(s.settings).to.deep.include({
        loggingLevel: "INFO",
        metricsEnabled: true,
        dataTraceEnabled: false,
        throttlingBurstLimit: 200,
        throttlingRateLimit: 100,
        cachingEnabled: false,
        cacheDataEncrypted: true,
      });
      expect(mocks.ofType(LOG_GROUP).find((g) => g.inputs.name === "/aws/apigateway/test-dev-mobile/v1/access")!.inputs.retentionInDays).to.equal(30);
    });

    it("prod: execution logs at ERROR, a year of access logs", async () => {
      await build("mobile", {}, "prod");
      expect(mocks.one(SETTINGS).inputs.settings.loggingLevel).to.equal("ERROR");
      expect(mocks.ofType(LOG_GROUP).find((g) => g.inputs.name === "/aws/apigateway/test-prod-mobile/v1/access")!.inputs.retentionInDays).to.equal(365);
    });

    it("a cache, when asked, is encrypted", async () => {
      await build("cached", { cache: { sizeGb: "0.5", ttlSeconds: 60 }, throttle: { burstLimit: 50, rateLimit: 25 } });
      expect(mocks.one(STAGE).inputs).to.deep.include({ cacheClusterEnabled: true, cacheClusterSize: "0.5" });
      expect(mocks.one(SETTINGS).inputs.settings).to.deep.include({ cachingEnabled: true, cacheDataEncrypted: true, cacheTtlInSeconds: 60, throttlingBurstLimit: 50, throttlingRateLimit: 25 });
    });
  });

  describe("path helpers", () => {
    it("slugs and execute-api paths", () => {
      expect(pathSlug("/carts/{cartId}/checkout")).to.equal("carts-by-cartid-checkout");
      expect(pathSlug("/")).to.equal("root");
      expect(pathSlug("/files/{proxy+}")).to.equal("files-by-proxy-plus");
      expect(routeArnPath("ANY", "/files/{proxy+}")).to.equal("*/files/*");
      expect(routeArnPath("GET", "/")).to.equal("GET/");
    });
  });

  describe("dangerous arguments throw", () => {
    const base = () => ({ context: testContext("dev"), logsKmsKey: KEY_ARN });
    it("refuses an unauthenticated route without an API key unless it is declared public", () => {
      const f = fn("open");
      expect(() => new RestApi("open", { ...base(), routes: [{ path: "/x", method: "GET", function: f, authorization: "NONE" }] })).to.throw(/no authorization and no API key; set public: true/);
      expect(() => new RestApi("open-ok", { ...base(), routes: [{ path: "/x", method: "GET", function: f, authorization: "NONE", public: true }] })).not.to.throw();
    });

    it("refuses API-key routes without a usage plan, duplicate routes and body validation without a model, all at once", () => {
      const f = fn("dup");
      try {
        new RestApi("bad", {
          ...base(),
          routes: [
            { path: "/a", method: "GET", function: f, apiKeyRequired: true },
            { path: "/a", method: "GET", function: f },
            { path: "/b", method: "POST", function: f, requestValidator: "body" },
          ],
        });
        expect.fail("should have thrown");
      } catch (e) {
        const m = (e as Error).message;
        expect(m).to.match(/invalid arguments \(3\)/);
        expect(m).to.include("route GET /a: defined twice");
        expect(m).to.include('route POST /b: requestValidator "body" validates the body against requestModel, which is missing');
        expect(m).to.include("routes require API keys but usagePlans is empty");
      }
    });

    it("refuses COGNITO routes without user pools, bad paths and execution logging off", () => {
      const f = fn("auth");
      expect(() => new RestApi("cognito", { ...base(), routes: [{ path: "/me", method: "GET", function: f, authorization: "COGNITO" }] })).to.throw(/COGNITO authorization needs cognitoUserPoolArns/);
      expect(() => new RestApi("path", { ...base(), routes: [{ path: "no-slash", method: "GET", function: f }] })).to.throw(/path must start with \//);
      expect(() => new RestApi("off", { ...base(), routes: [{ path: "/x", method: "GET", function: f }], executionLogLevel: "OFF" as never })).to.throw(/OFF fails APIGateway\.1/);
    });

    it("COGNITO routes: the user pool authorizer, and the OAuth scopes a route asks for (access tokens only); scopes without COGNITO refused", async () => {
      const f = fn("scoped");
      new RestApi("scoped", {
        ...base(),
        cognitoUserPoolArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Abc123"],
        routes: [
          { path: "/orders", method: "POST", function: f, authorization: "COGNITO" },
          { path: "/partners/orders", method: "POST", function: f, authorization: "COGNITO", authorizationScopes: ["orders/checkout"], apiKeyRequired: true },
        ],
        usagePlans: [{ name: "partners", partners: ["acme"], throttle: { burstLimit: 1, rateLimit: 1 } }],
      });
      await mocks.settle();
      const authorizer = mocks.one("aws:apigateway/authorizer:Authorizer").inputs;
      expect(authorizer).to.deep.include({ type: "COGNITO_USER_POOLS", identitySource: "method.request.header.Authorization" });
      const byName = Object.fromEntries(mocks.ofType(METHOD).map((m) => [m.name, m.inputs]));
      expect(byName["scoped-post-orders"]).to.deep.include({ authorization: "COGNITO_USER_POOLS" });
      expect(byName["scoped-post-orders"].authorizationScopes).to.equal(undefined);
      expect(byName["scoped-post-partners-orders"]).to.deep.include({ authorization: "COGNITO_USER_POOLS", authorizationScopes: ["orders/checkout"], apiKeyRequired: true });
      expect(byName["scoped-post-partners-orders"].authorizerId).to.be.a("string").and.not.equal("");
      expect(() => new RestApi("iam-scoped", { ...base(), routes: [{ path: "/x", method: "GET", function: f, authorizationScopes: ["orders/checkout"] }] })).to.throw(
        /route GET \/x: authorizationScopes = \["orders\/checkout"\] need authorization COGNITO/,
      );
    });

    it("refuses a partner on two plans", () => {
      const f = fn("plans");
      const plan = (name: string) => ({ name, partners: ["acme"], throttle: { burstLimit: 1, rateLimit: 1 } });
      expect(() => new RestApi("plans", { ...base(), routes: [{ path: "/x", method: "GET", function: f }], usagePlans: [plan("gold"), plan("silver")] })).to.throw(/partner "acme" is already on a plan/);
    });
  });
});
