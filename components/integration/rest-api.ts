/**
 * An API Gateway REST API in front of Lambda functions, secure by default:
 *
 * | setting              | default                                                              | control       |
 * |----------------------|----------------------------------------------------------------------|---------------|
 * | endpoint             | REGIONAL, TLS 1.2 security policy                                    |               |
 * | routes               | AWS_PROXY to each route's `Function`; IAM auth unless the route says  |               |
 * |                      | otherwise (`NONE` only with an API key or `public: true`)            |               |
 * | request validation   | per route (`body`, `params`, `all`) against a JSON-schema model      |               |
 * | stage                | explicit (v7), X-Ray on, access logs (JSON) to an encrypted group    | APIGateway.3  |
 * | execution logging    | all methods: INFO in dev, ERROR in prod (see below), metrics on,            | APIGateway.1  |
 * |                      | data trace off; the execution-log group is created encrypted         |               |
 * | throttling           | stage-wide burst/rate (`throttle`)                                   |               |
 * | caching              | off; when on, the cache is encrypted                                 | APIGateway.5  |
 * | backend auth         | a client certificate on the stage                                    | APIGateway.2  |
 * | partners             | usage plans with API keys AWS generates (never in config)            |               |
 * | Lambda permissions   | per route, scoped to this API, stage, method and path                | Lambda.1      |
 * | WAF                  | `webAclArn` or `associateWebAcl()` (a REGIONAL web ACL)              | APIGateway.4  |
 *
 * Execution log level: INFO in dev, ERROR in prod. Access logs already record every request in
 * prod; INFO execution logs add several lines per request (CloudWatch ingestion is the cost) and
 * more request detail than prod needs, while ERROR keeps what an incident needs. Both levels
 * satisfy APIGateway.1.
 *
 * Account prerequisite: API Gateway writes logs through the account's CloudWatch role
 * (`aws.apigateway.Account`), an account singleton the platform stack owns; this component never
 * creates it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { Function } from "../compute/function";
import { EncryptedLogGroup } from "../observability/log-group";
import { KeyReference } from "../security/encryption-key";
import { throwIfProblems } from "../security/policy-document";

export const HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;
export type HttpMethod = (typeof HttpMethods)[number];

/** What API Gateway validates before calling the function. */
export const RequestValidations = ["body", "params", "all"] as const;
export type RequestValidation = (typeof RequestValidations)[number];

/** How callers authenticate. */
export const RouteAuthorizations = ["AWS_IAM", "COGNITO", "NONE"] as const;
export type RouteAuthorization = (typeof RouteAuthorizations)[number];

/** Execution log levels that count as logging (APIGateway.1). */
export const ExecutionLogLevels = ["INFO", "ERROR"] as const;
export type ExecutionLogLevel = (typeof ExecutionLogLevels)[number];

/** Cache sizes API Gateway offers, in GB. */
export const CacheSizes = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] as const;

export interface RestApiRoute {
  /** Resource path, e.g. `/carts/{cartId}/checkout`; `{name+}` only last. Required. */
  path: string;
  /** HTTP method (`ANY` for all). Required. */
  method: HttpMethod;
  /** The function that handles it (Lambda proxy integration). Required. */
  function: Function;
  /** `AWS_IAM` (SigV4), `COGNITO` (the API's user pools) or `NONE`. Default: `AWS_IAM`. */
  authorization?: RouteAuthorization;
  /**
   * OAuth scopes (`<resource server>/<scope>`) a `COGNITO` route requires: the caller then sends an
   * access token carrying one of them (e.g. a partner's client-credentials token). Without scopes a
   * `COGNITO` route takes the user's ID token. Default: none.
   */
  authorizationScopes?: string[];
  /** Require an API key (partners; with a usage plan). Default: false. */
  apiKeyRequired?: boolean;
  /** An unauthenticated route without an API key is intended (e.g. a public catalog). Default: false. */
  public?: boolean;
  /** Validate the request `body`, its `params`, or `all`. Default: `body` when `requestModel` is given, else none. */
  requestValidator?: RequestValidation;
  /** JSON schema (draft 4) of the `application/json` request body. Default: none. */
  requestModel?: Record<string, unknown>;
}

/** A usage plan and the partners (API keys) on it. */
export interface RestApiUsagePlan {
  /** Plan name (lower-case letters, digits, -). Required. */
  name: string;
  /** Partners on the plan: one API key each, its value generated by AWS. Required. */
  partners: string[];
  /** Per-key throttling. Required. */
  throttle: { burstLimit: number; rateLimit: number };
  /** Per-key request quota. Default: none. */
  quota?: { limit: number; period: "DAY" | "WEEK" | "MONTH" };
}

export interface RestApiArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** KMS key of the access- and execution-log groups; its policy must allow the `logs` service principal. Required. */
  logsKmsKey: KeyReference;
  /** Routes. Required (at least one). */
  routes: RestApiRoute[];
  /** The API's name. Default: `<project>-<stack>-<component name>`. */
  apiName?: string;
  /** What the API is for. Default: none. */
  description?: string;
  /** Stage name. Default: `v1`. */
  stageName?: string;
  /** Stage-wide throttling (requests per second, and burst). Default: rate 100, burst 200. */
  throttle?: { burstLimit?: number; rateLimit?: number };
  /** Execution log level for all methods. Default: `INFO` in dev, `ERROR` in prod. */
  executionLogLevel?: ExecutionLogLevel;
  /** Response cache (always encrypted). Default: no cache. */
  cache?: { sizeGb: (typeof CacheSizes)[number]; ttlSeconds?: number };
  /** Cognito user pool ARNs for `COGNITO` routes. Default: none. */
  cognitoUserPoolArns?: pulumi.Input<string>[];
  /** Usage plans and partner API keys. Default: none. */
  usagePlans?: RestApiUsagePlan[];
  /** A REGIONAL WAFv2 web ACL to associate with the stage (or call `associateWebAcl`). Default: none. */
  webAclArn?: pulumi.Input<string>;
  /** Present a client certificate to backends (APIGateway.2; Lambda proxy integrations ignore it). Default: true. */
  clientCertificate?: boolean;
  /**
   * Turn off the default `execute-api` endpoint, so that callers can only come through a custom
   * domain (e.g. one that requires mutual TLS, which the default endpoint cannot). Default: false.
   */
  disableExecuteApiEndpoint?: boolean;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/** The fields of an access-log record (JSON). */
export const AccessLogFormat: Readonly<Record<string, string>> = Object.freeze({
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  caller: "$context.identity.caller",
  user: "$context.identity.user",
  userAgent: "$context.identity.userAgent",
  apiKeyId: "$context.identity.apiKeyId",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  path: "$context.path",
  protocol: "$context.protocol",
  status: "$context.status",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationStatus: "$context.integration.status",
  integrationLatency: "$context.integration.latency",
  integrationError: "$context.integration.error",
  errorMessage: "$context.error.message",
  wafStatus: "$context.waf.status",
  xrayTraceId: "$context.xrayTraceId",
});

const SEGMENT = /^(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$/;

/** A path's child-name slug: `/carts/{cartId}` -> `carts-by-cartid`. */
export function pathSlug(path: string): string {
  const parts = path.split("/").filter(Boolean).map((s) =>
    s.startsWith("{") ? `by-${s.replace(/[{}]/g, "").replace(/\+$/, "-plus")}` : s,
  );
  return parts.join("-").toLowerCase().replace(/[^a-z0-9-]+/g, "-") || "root";
}

/** The execute-api ARN path of a route: path parameters become `*`. */
export function routeArnPath(method: HttpMethod, path: string): string {
  const p = path.split("/").filter(Boolean).map((s) => (s.startsWith("{") ? "*" : s)).join("/");
  return `${method === "ANY" ? "*" : method}/${p}`;
}

export class RestApi extends pulumi.ComponentResource {
  readonly api: aws.apigateway.RestApi;
  readonly stage: aws.apigateway.Stage;
  readonly restApiId: pulumi.Output<string>;
  readonly stageArn: pulumi.Output<string>;
  /** `https://<id>.execute-api.<region>.amazonaws.com/<stage>`. */
  readonly invokeUrl: pulumi.Output<string>;
  /** The API's execute-api ARN (prefix of every method ARN). */
  readonly executionArn: pulumi.Output<string>;
  /** API key ids by partner (the values stay in API Gateway). */
  readonly apiKeyIds: pulumi.Output<Record<string, string>>;

  private readonly componentName: string;
  private readonly associations = new Set<string>();

  constructor(name: string, args: RestApiArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:integration:RestApi", name, {}, opts);
    const { context } = args;
    const apiName = args.apiName ?? physicalName(context, name, 255);
    const stageName = args.stageName ?? "v1";
    const rateLimit = args.throttle?.rateLimit ?? 100;
    const burstLimit = args.throttle?.burstLimit ?? 200;
    const logLevel = args.executionLogLevel ?? (context.profile.environment === "prod" ? "ERROR" : "INFO");
    const usagePlans = args.usagePlans ?? [];

    const problems = routeProblems(args.routes, args.cognitoUserPoolArns);
    if (!/^[A-Za-z0-9_]{1,128}$/.test(stageName)) problems.push(`stageName = "${stageName}": letters, digits and _ only`);
    if (!(rateLimit > 0)) problems.push(`throttle.rateLimit = ${rateLimit}: must be > 0 requests per second`);
    if (!Number.isInteger(burstLimit) || burstLimit < 1) problems.push(`throttle.burstLimit = ${burstLimit}: must be a whole number >= 1`);
    if (!(ExecutionLogLevels as readonly string[]).includes(logLevel)) problems.push(`executionLogLevel = "${logLevel}": must be INFO or ERROR (OFF fails APIGateway.1)`);
    if (args.cache) {
      if (!(CacheSizes as readonly string[]).includes(args.cache.sizeGb)) problems.push(`cache.sizeGb = "${args.cache.sizeGb}": must be one of ${CacheSizes.join(", ")}`);
      const ttl = args.cache.ttlSeconds ?? 300;
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) problems.push(`cache.ttlSeconds = ${ttl}: must be 0 to 3600`);
    }
    const partners = new Set<string>();
    const planNames = new Set<string>();
    for (const plan of usagePlans) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(plan.name)) problems.push(`usagePlans "${plan.name}": name must be lower-case letters, digits and -`);
      if (planNames.has(plan.name)) problems.push(`usagePlans "${plan.name}": duplicate plan`);
      planNames.add(plan.name);
      if (plan.partners.length === 0) problems.push(`usagePlans "${plan.name}": no partners`);
      for (const p of plan.partners) {
        if (!/^[a-z0-9][a-z0-9-]*$/.test(p)) problems.push(`usagePlans "${plan.name}": partner "${p}" must be lower-case letters, digits and -`);
        if (partners.has(p)) problems.push(`usagePlans "${plan.name}": partner "${p}" is already on a plan (a key may sit on one plan per stage)`);
        partners.add(p);
      }
      if (!(plan.throttle.rateLimit > 0) || !Number.isInteger(plan.throttle.burstLimit) || plan.throttle.burstLimit < 1) problems.push(`usagePlans "${plan.name}": throttle needs rateLimit > 0 and a whole burstLimit >= 1`);
      if (plan.quota && (!Number.isInteger(plan.quota.limit) || plan.quota.limit < 1)) problems.push(`usagePlans "${plan.name}": quota.limit must be a whole number >= 1`);
    }
    if (args.routes.some((r) => r.apiKeyRequired) && usagePlans.length === 0) problems.push("routes require API keys but usagePlans is empty: keys only work through a usage plan");
    throwIfProblems(`RestApi ${name}`, problems);

    this.componentName = name;
    const tags = withTags(context.tags, args.tags ?? {});

    this.api = new aws.apigateway.RestApi(
      name,
      {
        name: apiName,
        ...(args.description !== undefined ? { description: args.description } : {}),
        endpointConfiguration: { types: "REGIONAL" },
        securityPolicy: "TLS_1_2",
        apiKeySource: "HEADER",
        ...(args.disableExecuteApiEndpoint ? { disableExecuteApiEndpoint: true } : {}),
        tags,
      },
      { parent: this },
    );
    const restApi = this.api.id;

    const authorizer =
      args.cognitoUserPoolArns && args.cognitoUserPoolArns.length > 0
        ? new aws.apigateway.Authorizer(
            `${name}-cognito`,
            { restApi, name: "cognito", type: "COGNITO_USER_POOLS", providerArns: args.cognitoUserPoolArns, identitySource: "method.request.header.Authorization" },
            { parent: this },
          )
        : undefined;

    // The resource tree, one aws.apigateway.Resource per path segment.
    const resourceIds = new Map<string, pulumi.Input<string>>([["", this.api.rootResourceId]]);
    const resourceFor = (path: string): pulumi.Input<string> => {
      const segments = path.split("/").filter(Boolean);
      let prefix = "";
      for (const seg of segments) {
        const next = `${prefix}/${seg}`;
        if (!resourceIds.has(next)) {
          const res = new aws.apigateway.Resource(`${name}-${pathSlug(next)}`, { restApi, parentId: resourceIds.get(prefix)!, pathPart: seg }, { parent: this });
          resourceIds.set(next, res.id);
        }
        prefix = next;
      }
      return resourceIds.get(prefix)!;
    };

    const validators = new Map<RequestValidation, aws.apigateway.RequestValidator>();
    const validatorFor = (v: RequestValidation) => {
      if (!validators.has(v)) {
        validators.set(
          v,
          new aws.apigateway.RequestValidator(
            `${name}-validate-${v}`,
            { restApi, name: `validate-${v}`, validateRequestBody: v !== "params", validateRequestParameters: v !== "body" },
            { parent: this },
          ),
        );
      }
      return validators.get(v)!;
    };

    const deployed: pulumi.Resource[] = [];
    const fingerprint: unknown[] = [];
    for (const route of args.routes) {
      const slug = `${route.method.toLowerCase()}-${pathSlug(route.path)}`;
      const resourceId = resourceFor(route.path);
      const authorization = route.authorization ?? "AWS_IAM";
      const validation = route.requestValidator ?? (route.requestModel ? "body" : undefined);
      const model = route.requestModel
        ? new aws.apigateway.Model(
            `${name}-${slug}-model`,
            { restApi, name: modelName(route), contentType: "application/json", schema: JSON.stringify(route.requestModel) },
            { parent: this },
          )
        : undefined;
      const method = new aws.apigateway.Method(
        `${name}-${slug}`,
        {
          restApi,
          resourceId,
          httpMethod: route.method,
          authorization: authorization === "COGNITO" ? "COGNITO_USER_POOLS" : authorization,
          ...(authorization === "COGNITO" ? { authorizerId: authorizer!.id } : {}),
          ...(route.authorizationScopes && route.authorizationScopes.length > 0 ? { authorizationScopes: [...route.authorizationScopes] } : {}),
          apiKeyRequired: route.apiKeyRequired ?? false,
          ...(validation ? { requestValidatorId: validatorFor(validation).id } : {}),
          ...(model ? { requestModels: { "application/json": model.name } } : {}),
        },
        { parent: this },
      );
      const integration = new aws.apigateway.Integration(
        `${name}-${slug}`,
        { restApi, resourceId, httpMethod: method.httpMethod, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: route.function.invokeArn },
        { parent: this },
      );
      new aws.lambda.Permission(
        `${name}-${slug}-invoke`,
        {
          function: route.function.functionName,
          action: "lambda:InvokeFunction",
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${this.api.executionArn}/${stageName}/${routeArnPath(route.method, route.path)}`,
        },
        { parent: this },
      );
      deployed.push(method, integration);
      fingerprint.push({
        path: route.path,
        method: route.method,
        function: pulumi.resourceName(route.function),
        authorization,
        authorizationScopes: route.authorizationScopes ?? [],
        apiKeyRequired: route.apiKeyRequired ?? false,
        validation,
        model: route.requestModel,
      });
    }

    // A new deployment whenever the routes change (v7: deployments have no stage of their own).
    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi,
        description: `${apiName} routes`,
        triggers: { routes: createHash("sha256").update(JSON.stringify(fingerprint)).digest("hex") },
      },
      { parent: this, dependsOn: deployed },
    );

    const accessLogs = new EncryptedLogGroup(
      `${name}-access-logs`,
      { context, kmsKey: args.logsKmsKey, logGroupName: `/aws/apigateway/${apiName}/${stageName}/access`, tags: args.tags },
      { parent: this },
    );
    // API Gateway creates this group on first use, unencrypted and kept forever; created here it
    // is encrypted and expires.
    const executionLogs = new EncryptedLogGroup(
      `${name}-execution-logs`,
      { context, kmsKey: args.logsKmsKey, logGroupName: pulumi.interpolate`API-Gateway-Execution-Logs_${restApi}/${stageName}`, tags: args.tags },
      { parent: this },
    );

    const certificate =
      args.clientCertificate ?? true
        ? new aws.apigateway.ClientCertificate(`${name}-client-cert`, { description: `Backend client certificate of ${apiName}/${stageName}`, tags }, { parent: this })
        : undefined;

    this.stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi,
        deployment: deployment.id,
        stageName,
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: JSON.stringify(AccessLogFormat) },
        ...(certificate ? { clientCertificateId: certificate.id } : {}),
        ...(args.cache ? { cacheClusterEnabled: true, cacheClusterSize: args.cache.sizeGb } : { cacheClusterEnabled: false }),
        tags,
      },
      { parent: this, dependsOn: [executionLogs] },
    );

    new aws.apigateway.MethodSettings(
      `${name}-all-methods`,
      {
        restApi,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        settings: {
          loggingLevel: logLevel,
          metricsEnabled: true,
          dataTraceEnabled: false,
          throttlingBurstLimit: burstLimit,
          throttlingRateLimit: rateLimit,
          cachingEnabled: args.cache !== undefined,
          cacheDataEncrypted: true,
          ...(args.cache ? { cacheTtlInSeconds: args.cache.ttlSeconds ?? 300, requireAuthorizationForCacheControl: true, unauthorizedCacheControlHeaderStrategy: "FAIL_WITH_403" } : {}),
        },
      },
      { parent: this },
    );

    const keyIds: Record<string, pulumi.Output<string>> = {};
    for (const plan of usagePlans) {
      const usagePlan = new aws.apigateway.UsagePlan(
        `${name}-plan-${plan.name}`,
        {
          name: `${apiName}-${plan.name}`,
          description: `${plan.name} partners of ${apiName}`,
          apiStages: [{ apiId: restApi, stage: this.stage.stageName }],
          throttleSettings: { burstLimit: plan.throttle.burstLimit, rateLimit: plan.throttle.rateLimit },
          ...(plan.quota ? { quotaSettings: { limit: plan.quota.limit, period: plan.quota.period } } : {}),
          tags,
        },
        { parent: this },
      );
      for (const partner of plan.partners) {
        // No `value`: API Gateway generates the key; it never passes through config or state inputs.
        const key = new aws.apigateway.ApiKey(`${name}-key-${partner}`, { name: `${apiName}-${partner}`, description: `API key of partner ${partner}`, enabled: true, tags }, { parent: this });
        new aws.apigateway.UsagePlanKey(`${name}-key-${partner}`, { keyId: key.id, keyType: "API_KEY", usagePlanId: usagePlan.id }, { parent: this });
        keyIds[partner] = key.id;
      }
    }

    if (args.webAclArn !== undefined) this.associateWebAcl("default", args.webAclArn);

    this.restApiId = this.api.id;
    this.stageArn = this.stage.arn;
    this.invokeUrl = this.stage.invokeUrl;
    this.executionArn = this.api.executionArn;
    this.apiKeyIds = pulumi.output(keyIds);
    this.registerOutputs({ restApiId: this.restApiId, stageArn: this.stageArn, invokeUrl: this.invokeUrl, executionArn: this.executionArn, apiKeyIds: this.apiKeyIds });
  }

  /** Associate a REGIONAL WAFv2 web ACL (e.g. a `WebFirewall`'s ARN) with the stage (APIGateway.4). */
  associateWebAcl(name: string, webAclArn: pulumi.Input<string>): aws.wafv2.WebAclAssociation {
    throwIfProblems(`RestApi ${this.componentName}.associateWebAcl`, [
      ...(/^[a-z0-9][a-z0-9-]*$/.test(name) ? [] : [`name "${name}": lower-case letters, digits and -`]),
      ...(this.associations.size > 0 ? ["the stage already has a web ACL: a resource takes one web ACL"] : []),
    ]);
    this.associations.add(name);
    return new aws.wafv2.WebAclAssociation(`${this.componentName}-waf-${name}`, { resourceArn: this.stage.arn, webAclArn }, { parent: this });
  }
}

function modelName(route: RestApiRoute): string {
  const pascal = pathSlug(route.path)
    .split("-")
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ""))
    .join("");
  const method = route.method[0] + route.method.slice(1).toLowerCase();
  return `${method}${pascal}Request`.replace(/[^A-Za-z0-9]/g, "");
}

function routeProblems(routes: readonly RestApiRoute[], userPools: readonly unknown[] | undefined): string[] {
  const problems: string[] = [];
  if (!routes || routes.length === 0) problems.push("routes is empty: give at least one route");
  const seen = new Set<string>();
  for (const r of routes ?? []) {
    const label = `route ${r.method} ${r.path}`;
    if (!(HttpMethods as readonly string[]).includes(r.method)) problems.push(`${label}: method must be one of ${HttpMethods.join(", ")}`);
    const segments = typeof r.path === "string" && r.path.startsWith("/") ? r.path.split("/").slice(1) : undefined;
    if (!segments || (r.path !== "/" && segments.some((s) => !SEGMENT.test(s)))) {
      problems.push(`${label}: path must start with / and have segments of letters, digits, . _ ~ - or {param}`);
    } else if (segments.slice(0, -1).some((s) => s.endsWith("+}"))) {
      problems.push(`${label}: a greedy {param+} must be the last segment`);
    }
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) problems.push(`${label}: defined twice`);
    seen.add(key);
    if (!(r.function instanceof Function)) problems.push(`${label}: function must be a Function component`);
    const auth = r.authorization ?? "AWS_IAM";
    if (!(RouteAuthorizations as readonly string[]).includes(auth)) problems.push(`${label}: authorization must be one of ${RouteAuthorizations.join(", ")}`);
    if (auth === "COGNITO" && !(userPools && userPools.length > 0)) problems.push(`${label}: COGNITO authorization needs cognitoUserPoolArns`);
    if ((r.authorizationScopes ?? []).length > 0 && auth !== "COGNITO") problems.push(`${label}: authorizationScopes = ${JSON.stringify(r.authorizationScopes)} need authorization COGNITO (scopes are checked on Cognito access tokens)`);
    for (const scope of r.authorizationScopes ?? []) if (!/^[\x21\x23-\x5B\x5D-\x7E]+\/[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) problems.push(`${label}: authorizationScopes "${scope}" is not <resource server>/<scope>`);
    if (auth === "NONE" && !r.apiKeyRequired && !r.public) problems.push(`${label}: no authorization and no API key; set public: true if anyone may call it`);
    if (r.requestValidator !== undefined && !(RequestValidations as readonly string[]).includes(r.requestValidator)) problems.push(`${label}: requestValidator must be one of ${RequestValidations.join(", ")}`);
    if ((r.requestValidator === "body" || r.requestValidator === "all") && !r.requestModel) problems.push(`${label}: requestValidator "${r.requestValidator}" validates the body against requestModel, which is missing`);
    if (r.requestModel && r.requestValidator === "params") problems.push(`${label}: requestModel is given but requestValidator "params" does not validate the body; use "body" or "all"`);
  }
  return problems;
}
