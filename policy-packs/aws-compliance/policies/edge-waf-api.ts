/**
 * WAF (v2 and the deprecated Classic), API Gateway (REST and v2), and the seed's edge rules: a web
 * ACL in front of every internet-facing distribution, ALB and API stage (BP.Edge.1), and Shield
 * Advanced protection where the account subscribes (BP.Edge.2).
 *
 * Joins: a side resource belongs to its target by property dependency (`resourceArn: stage.arn`)
 * or by a known value equal to the target's name/id. REST `MethodSettings` join their stage by
 * `stageName` (a dependency on the stage, or the same name on the same `restApi`).
 *
 * Unknown values: a reference unknown at preview (`clientCertificateId: cert.id`) is wired to
 * another resource's output and counts as set; a value whose content decides (a logging level, a
 * flag, an endpoint type, rule JSON) yields a "can't run during preview" note instead of a verdict.
 */
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { T } from "../lib/tokens";
import { TE } from "../lib/tokens-edge";
import { referencePolicy, SOURCES, untracedPointers, undecidableIfUntraced } from "../lib/references";
import { asArray, get, isUnknown, parseJson, truthy, undecidable } from "../lib/values";
import { listSize } from "./edge-cloudfront";

function depUrns(r: PolicyResource, prop: string): string[] {
  return (r.propertyDependencies?.[prop] ?? []).map((d) => d.urn);
}

/** True if two resources point at the same thing through their props (a shared dependency, or the same known value). */
function sameTarget(a: PolicyResource, pa: string, b: PolicyResource, pb: string): boolean {
  const db = depUrns(b, pb);
  if (depUrns(a, pa).some((u) => db.includes(u))) return true;
  const va = get(a.props, pa);
  return typeof va === "string" && !isUnknown(va) && va === get(b.props, pb);
}

/** A known string value or undefined; `undecidable` when unknown. */
function known(r: PolicyResource, path: string): any {
  const v = get(r.props, path);
  if (isUnknown(v)) undecidable(`${r.name}.${path}`);
  return v;
}

/** The REST API / v2 API resources of the stack a stage or route belongs to (by property dependency). */
function parentsOf(r: PolicyResource, prop: string, candidates: PolicyResource[]): PolicyResource[] {
  const urns = depUrns(r, prop);
  return candidates.filter((c) => urns.includes(c.urn));
}

/** The `MethodSettings` of a REST stage. */
function methodSettingsOf(stage: PolicyResource, all: PolicyResource[]): PolicyResource[] {
  const matched = all.filter((ms) => {
    if (depUrns(ms, "stageName").includes(stage.urn)) return true;
    const n = get(ms.props, "stageName");
    return typeof n === "string" && !isUnknown(n) && n === get(stage.props, "stageName") && sameTarget(ms, "restApi", stage, "restApi");
  });
  return matched;
}

function stageLabel(stage: PolicyResource): string {
  const n = get(stage.props, "stageName") ?? get(stage.props, "name");
  return typeof n === "string" && !isUnknown(n) ? `stage "${n}"` : "the stage";
}

const LOGGING_LEVELS = {
  type: "array",
  items: { type: "string", enum: ["ERROR", "INFO"] },
  description: "Execution logging levels that count as logging enabled.",
  default: ["ERROR", "INFO"],
};

// ---------------------------------------------------------------- WAF Classic (deprecated)

export const wafClassicGlobalWebAclLogging = referencePolicy(
  {
    name: "waf-classic-global-web-acl-logging",
    description: "AWS WAF Classic global web ACLs must log to a Kinesis Data Firehose stream.",
    severity: "medium",
    controls: ["WAF.1"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `loggingConfiguration.logDestination` to the ARN of a Kinesis Data Firehose delivery stream named `aws-waf-logs-*` (better: migrate to aws.wafv2.WebAcl with an aws.wafv2.WebAclLoggingConfiguration).",
    resourceTypes: TE.wafGlobalWebAcl,
  },
  ({ ref, fail }) => {
    if (!ref("loggingConfiguration.logDestination", SOURCES.firehose)) fail("has no logging", "set `loggingConfiguration.logDestination` to an `aws-waf-logs-*` Kinesis Data Firehose stream ARN");
  },
);

/** WAF.2-WAF.8 (except WAF.5): a WAF Classic rule, rule group or web ACL with nothing in it inspects nothing. */
const CLASSIC_NOT_EMPTY: { types: readonly string[]; control: string; prop: string; what: string }[] = [
  { types: TE.wafRegionalRule, control: "WAF.2", prop: "predicates", what: "condition (`predicates`)" },
  { types: TE.wafRegionalRuleGroup, control: "WAF.3", prop: "activatedRules", what: "rule (`activatedRules`)" },
  { types: TE.wafRegionalWebAcl, control: "WAF.4", prop: "rules", what: "rule or rule group (`rules`)" },
  { types: TE.wafGlobalRule, control: "WAF.6", prop: "predicates", what: "condition (`predicates`)" },
  { types: TE.wafGlobalRuleGroup, control: "WAF.7", prop: "activatedRules", what: "rule (`activatedRules`)" },
  { types: TE.wafGlobalWebAcl, control: "WAF.8", prop: "rules", what: "rule or rule group (`rules`)" },
];

/** The WAF v2 replacement of each WAF Classic resource kind. */
const CLASSIC_TO_V2: Record<string, string> = {
  WebAcl: "an aws.wafv2.WebAcl",
  Rule: "a rule in an aws.wafv2.WebAcl or aws.wafv2.RuleGroup",
  RateBasedRule: "a `rateBasedStatement` rule in an aws.wafv2.WebAcl",
  RuleGroup: "an aws.wafv2.RuleGroup",
  IpSet: "an aws.wafv2.IpSet",
  RegexPatternSet: "an aws.wafv2.RegexPatternSet",
  RegexMatchSet: "a `regexPatternSetReferenceStatement` rule",
  ByteMatchSet: "a `byteMatchStatement` rule",
  GeoMatchSet: "a `geoMatchStatement` rule",
  SizeConstraintSet: "a `sizeConstraintStatement` rule",
  SqlInjectionMatchSet: "a `sqliMatchStatement` rule (or AWSManagedRulesSQLiRuleSet)",
  XssMatchSet: "an `xssMatchStatement` rule",
  WebAclAssociation: "an aws.wafv2.WebAclAssociation",
};

/**
 * The WAF Classic ban, with the Classic controls it contains: an empty Classic rule, rule group or
 * web ACL (WAF.2-4, WAF.6-8) is the same finding as its being Classic at all, naming both controls;
 * the fix is the same (its WAF v2 replacement). WAF.1 (logging) stays its own policy.
 */
export const wafClassicDeprecated = resourcePolicy(
  {
    name: "waf-classic-deprecated",
    description: "AWS WAF Classic resources (aws:waf/*, aws:wafregional/*) must not be used: WAF Classic reached end of life on 2025-09-30 (an empty Classic rule, rule group or web ACL also breaks WAF.2-4 or WAF.6-8).",
    severity: "medium",
    controls: ["BP.Edge.3", ...CLASSIC_NOT_EMPTY.map((c) => c.control)],
    frameworks: ["Blueprints", "FSBP", "PCI DSS"],
    remediationSteps: "Replace each aws.waf.* / aws.wafregional.* resource with its aws.wafv2 equivalent (WebAcl, RuleGroup, IpSet, RegexPatternSet, WebAclAssociation, WebAclLoggingConfiguration).",
    resourceTypes: TE.wafClassic,
  },
  ({ type, props, fail }) => {
    const kind = type.split(":")[2] ?? type;
    const emptiness = CLASSIC_NOT_EMPTY.find((c) => c.types.includes(type));
    const list = emptiness ? get(props, emptiness.prop) : undefined;
    // An unknown list leaves the emptiness open; the resource is Classic either way.
    const empty = emptiness !== undefined && !isUnknown(list) && asArray(list).length === 0;
    fail(
      `is an AWS WAF Classic resource, which AWS no longer supports (end of life 2025-09-30)${empty ? `, and it has no ${emptiness!.what}, so it inspects nothing` : ""}`,
      `replace it with ${CLASSIC_TO_V2[kind] ?? "its aws.wafv2 equivalent"}`,
      empty ? ["BP.Edge.3", emptiness!.control] : ["BP.Edge.3"],
    );
  },
);

// ---------------------------------------------------------------- WAF v2

export const wafv2WebAclNotEmpty = stackPolicy(
  {
    name: "wafv2-web-acl-not-empty",
    description: "AWS WAF web ACLs must have at least one rule or rule group.",
    severity: "medium",
    controls: ["WAF.10"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps:
      "Add `rules` to the aws.wafv2.WebAcl (for example the AWS managed rule groups AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet), or attach aws.wafv2.WebAclRule / aws.wafv2.WebAclRuleGroupAssociation resources to it.",
  },
  ({ forEach, attached, fail }) => {
    forEach(TE.webAcl, (acl) => {
      if (asArray(known(acl, "rules")).length > 0) return;
      const json = parseJson(get(acl.props, "ruleJson"));
      if (isUnknown(json)) undecidable(`${acl.name}.ruleJson`);
      if (Array.isArray(json) && json.length > 0) return;
      if (attached(acl, TE.webAclRule, "webAclArn").length > 0 || attached(acl, TE.webAclRuleGroupAssociation, "webAclArn").length > 0) return;
      fail(acl, "has no rules, so every request gets the default action", "add `rules` (e.g. a `managedRuleGroupStatement` for AWSManagedRulesCommonRuleSet), or an aws.wafv2.WebAclRule / WebAclRuleGroupAssociation with `webAclArn` = the web ACL's `arn`");
    });
  },
);

export const wafv2WebAclLogging = stackPolicy(
  {
    name: "wafv2-web-acl-logging",
    description: "AWS WAF web ACLs must have logging configured (an aws.wafv2.WebAclLoggingConfiguration).",
    severity: "low",
    controls: ["WAF.11"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.wafv2.WebAclLoggingConfiguration with `resourceArn` = the web ACL's `arn` and `logDestinationConfigs` = a CloudWatch log group (`aws-waf-logs-*`), S3 bucket or Firehose stream ARN.",
  },
  ({ forEach, attached, fail }) => {
    forEach(TE.webAcl, (acl) => {
      if (attached(acl, TE.webAclLogging, "resourceArn").length === 0) {
        fail(acl, "has no logging configuration", "add an aws.wafv2.WebAclLoggingConfiguration with `resourceArn: webAcl.arn` and `logDestinationConfigs: [<aws-waf-logs-* log group ARN>]`");
      }
    });
  },
);

export const wafv2CloudwatchMetrics = resourcePolicy(
  {
    name: "wafv2-cloudwatch-metrics-enabled",
    description: "AWS WAF web ACLs, rule groups and their rules must send CloudWatch metrics (visibilityConfig.cloudwatchMetricsEnabled).",
    severity: "medium",
    controls: ["WAF.12"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `visibilityConfig: { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true }` on the web ACL or rule group and on each of its rules (and on aws.wafv2.WebAclRule / WebAclRuleGroupAssociation resources).",
    resourceTypes: [...TE.webAcl, ...TE.wafv2RuleGroup, ...TE.webAclRule, ...TE.webAclRuleGroupAssociation],
  },
  ({ props, type, fail }) => {
    const off: string[] = [];
    const check = (where: string, vc: any) => {
      if (!vc) off.push(`${where} has no visibilityConfig`);
      else if (vc.cloudwatchMetricsEnabled !== true) off.push(`${where} has cloudwatchMetricsEnabled ${String(vc.cloudwatchMetricsEnabled)}`);
    };
    const ruleName = (r: any, i: number) => {
      const n = get(r, "name") ?? get(r, "Name");
      return typeof n === "string" && !isUnknown(n) ? `rule "${n}"` : `rules[${i}]`;
    };
    if (TE.webAclRule.includes(type as never) || TE.webAclRuleGroupAssociation.includes(type as never)) {
      check("the rule", props.visibilityConfig);
    } else {
      check(TE.webAcl.includes(type as never) ? "the web ACL" : "the rule group", props.visibilityConfig);
      asArray<any>(props.rules).forEach((r, i) => check(ruleName(r, i), r.visibilityConfig));
      const jsonProp = TE.webAcl.includes(type as never) ? "ruleJson" : "rulesJson";
      const json = parseJson(get(props, jsonProp));
      if (isUnknown(json)) undecidable(jsonProp);
      asArray<any>(json).forEach((r, i) => {
        const vc = r?.VisibilityConfig;
        if (!vc || vc.CloudWatchMetricsEnabled !== true) off.push(`${jsonProp} ${ruleName(r, i)} has CloudWatchMetricsEnabled ${String(vc?.CloudWatchMetricsEnabled)}`);
      });
    }
    if (off.length > 0) fail(`does not send CloudWatch metrics: ${off.join("; ")}`, "set `visibilityConfig.cloudwatchMetricsEnabled: true` there");
  },
);

export const wafv2RuleGroupNotEmpty = resourcePolicy(
  {
    name: "wafv2-rule-group-not-empty",
    description: "AWS WAF rule groups must contain at least one rule.",
    severity: "medium",
    controls: ["BP.Edge.4"],
    frameworks: ["Blueprints", "PCI DSS"],
    remediationSteps: "Add at least one entry to the aws.wafv2.RuleGroup's `rules` (or `rulesJson`), or delete the empty group.",
    resourceTypes: TE.wafv2RuleGroup,
  },
  ({ props, fail }) => {
    if (listSize(props, "rules") > 0) return;
    const json = parseJson(get(props, "rulesJson"));
    if (isUnknown(json)) undecidable("rulesJson");
    if (Array.isArray(json) && json.length > 0) return;
    fail("has no rules, so a web ACL that references it inspects nothing through it", "add at least one rule to `rules`");
  },
);

// ---------------------------------------------------------------- API Gateway

export const apigatewayRestExecutionLogging = stackPolicy(
  {
    name: "apigateway-rest-stage-execution-logging",
    description: "API Gateway REST API stages must have execution logging (ERROR or INFO) for all methods.",
    severity: "medium",
    controls: ["APIGateway.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps:
      "Add an aws.apigateway.MethodSettings with `restApi` = the API, `stageName` = the stage's `stageName`, `methodPath: \"*/*\"` and `settings: { loggingLevel: \"ERROR\" (or \"INFO\"), metricsEnabled: true }` (the account needs an aws.apigateway.Account with a CloudWatch role).",
    config: { loggingLevels: LOGGING_LEVELS },
  },
  ({ forEach, ofType, fail, config }) => {
    const levels: string[] = config.loggingLevels ?? LOGGING_LEVELS.default;
    const all = ofType(TE.methodSettings);
    forEach(TE.restStage, (stage) => {
      const settings = methodSettingsOf(stage, all);
      const pathOf = (ms: PolicyResource) => known(ms, "methodPath");
      const levelOf = (ms: PolicyResource) => known(ms, "settings.loggingLevel");
      const star = settings.filter((ms) => pathOf(ms) === "*/*");
      const off = settings.filter((ms) => pathOf(ms) !== "*/*" && levelOf(ms) === "OFF");
      if (!star.some((ms) => levels.includes(levelOf(ms)))) {
        undecidableIfUntraced(stage, untracedPointers(all.filter((ms) => !settings.includes(ms)), "stageName", TE.restStage), "stageName");
        fail(
          stage,
          star.length > 0
            ? `${stageLabel(stage)} logs at level ${star.map((ms) => String(levelOf(ms) ?? "OFF")).join("/")} for */* (needs ${levels.join(" or ")})`
            : `${stageLabel(stage)} has no execution logging: no aws.apigateway.MethodSettings with methodPath "*/*" sets a logging level`,
          `add an aws.apigateway.MethodSettings for this stage with \`methodPath: "*/*"\` and \`settings.loggingLevel: "${levels[0] ?? "ERROR"}"\``,
        );
      }
      if (off.length > 0) {
        fail(stage, `method settings ${off.map((ms) => `${ms.name} (${String(get(ms.props, "methodPath"))})`).join(", ")} turn execution logging OFF`, `set \`settings.loggingLevel: "${levels[0] ?? "ERROR"}"\` there, or remove those overrides`);
      }
    });
  },
);

export const apigatewayWebsocketExecutionLogging = stackPolicy(
  {
    name: "apigateway-websocket-stage-execution-logging",
    description: "API Gateway WebSocket API stages must have execution logging (ERROR or INFO).",
    severity: "medium",
    controls: ["APIGateway.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `defaultRouteSettings: { loggingLevel: \"ERROR\" (or \"INFO\"), detailedMetricsEnabled: true }` on the aws.apigatewayv2.Stage of the WebSocket API.",
    config: { loggingLevels: LOGGING_LEVELS },
  },
  ({ forEach, ofType, fail, config }) => {
    const levels: string[] = config.loggingLevels ?? LOGGING_LEVELS.default;
    const apis = ofType(TE.httpApi);
    forEach(TE.v2Stage, (stage) => {
      const level = get(stage.props, "defaultRouteSettings.loggingLevel");
      if (typeof level === "string" && levels.includes(level)) return;
      const api = parentsOf(stage, "apiId", apis)[0];
      // HTTP APIs have no execution logs (APIGateway.9 covers their access logs). A stage whose API is
      // not declared in this stack cannot be told apart; only a set level is evidence of WebSocket.
      if (!api || known(api, "protocolType") !== "WEBSOCKET") return;
      if (isUnknown(level)) undecidable(`${stage.name}.defaultRouteSettings.loggingLevel`);
      fail(stage, `WebSocket ${stageLabel(stage)} logs at level ${level === undefined ? "OFF (unset)" : `"${level}"`}`, `set \`defaultRouteSettings.loggingLevel: "${levels[0] ?? "ERROR"}"\``);
    });
  },
);

export const apigatewayClientCertificate = referencePolicy(
  {
    name: "apigateway-stage-client-certificate",
    description: "API Gateway REST API stages must present an SSL client certificate to their backend.",
    severity: "medium",
    controls: ["APIGateway.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Create an aws.apigateway.ClientCertificate and set the stage's `clientCertificateId` to its `id`; have the backend verify it.",
    resourceTypes: TE.restStage,
  },
  ({ ref, fail }) => {
    if (!ref("clientCertificateId", ["aws:apigateway/clientCertificate:ClientCertificate"])) fail("does not authenticate to its backend with a client certificate", "set `clientCertificateId` to the `id` of an aws.apigateway.ClientCertificate");
  },
);

export const apigatewayXray = resourcePolicy(
  {
    name: "apigateway-stage-xray-tracing",
    description: "API Gateway REST API stages must have AWS X-Ray tracing enabled.",
    severity: "low",
    controls: ["APIGateway.3"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `xrayTracingEnabled: true` on the aws.apigateway.Stage.",
    resourceTypes: TE.restStage,
  },
  ({ props, fail }) => {
    if (props.xrayTracingEnabled !== true) fail("has X-Ray tracing off", "set `xrayTracingEnabled: true`");
  },
);

export const apigatewayWafAssociation = stackPolicy(
  {
    name: "apigateway-stage-waf-association",
    description: "API Gateway REST API stages must be associated with an AWS WAF web ACL (APIGateway.4; for a stage of a non-private API also BP.Edge.1: a web ACL in front of everything internet-facing).",
    severity: "high",
    controls: ["APIGateway.4", "BP.Edge.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS", "Blueprints"],
    remediationSteps: "Add an aws.wafv2.WebAclAssociation with `resourceArn` = the stage's `arn` and `webAclArn` = a REGIONAL aws.wafv2.WebAcl's `arn`.",
  },
  ({ forEach, ofType, attached, fail }) => {
    const apis = ofType(TE.restApi);
    forEach(TE.restStage, (stage) => {
      if (attached(stage, TE.anyWebAclAssociation, "resourceArn").length > 0) return;
      const types = parentsOf(stage, "restApi", apis).flatMap((a) => asArray<string>(known(a, "endpointConfiguration.types")));
      // A private API is reachable only through VPC endpoints: APIGateway.4 still asks for a web ACL.
      const exposure = types.includes("PRIVATE") ? "a private" : types.includes("REGIONAL") ? "an internet-facing regional" : "an internet-facing edge-optimized";
      fail(
        stage,
        `${stageLabel(stage)} of ${exposure} REST API has no web ACL`,
        "add an aws.wafv2.WebAclAssociation with `resourceArn: stage.arn` and `webAclArn` of a REGIONAL aws.wafv2.WebAcl",
        types.includes("PRIVATE") ? ["APIGateway.4"] : ["APIGateway.4", "BP.Edge.1"],
      );
    });
  },
);

export const apigatewayCacheEncrypted = resourcePolicy(
  {
    name: "apigateway-cache-encrypted",
    description: "API Gateway REST API method settings that enable caching must encrypt the cache data.",
    severity: "medium",
    controls: ["APIGateway.5"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `settings.cacheDataEncrypted: true` on every aws.apigateway.MethodSettings with `settings.cachingEnabled: true`.",
    resourceTypes: TE.methodSettings,
  },
  ({ props, fail }) => {
    const s = props.settings;
    if (s?.cachingEnabled === true && s.cacheDataEncrypted !== true) {
      fail(`caches responses for ${String(get(props, "methodPath") ?? "its methods")} without encrypting the cache`, "set `settings.cacheDataEncrypted: true`");
    }
  },
);

export const apigatewayV2RouteAuthorization = stackPolicy(
  {
    name: "apigateway-v2-route-authorization",
    description: "API Gateway v2 routes must specify an authorization type (not NONE).",
    severity: "medium",
    controls: ["APIGateway.8"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `authorizationType` to \"AWS_IAM\", \"JWT\" or \"CUSTOM\" (with `authorizerId`) on the aws.apigatewayv2.Route; on WebSocket APIs, on the `$connect` route.",
    config: {
      authorizationTypes: {
        type: "array",
        items: { type: "string", enum: ["NONE", "AWS_IAM", "CUSTOM", "JWT"] },
        description: "Authorization types a route may use.",
        default: ["AWS_IAM", "CUSTOM", "JWT"],
      },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const allowed: string[] = config.authorizationTypes ?? ["AWS_IAM", "CUSTOM", "JWT"];
    const apis = ofType(TE.httpApi);
    forEach(TE.v2Route, (route) => {
      const key = known(route, "routeKey");
      const api = parentsOf(route, "apiId", apis)[0];
      const protocol = api ? known(api, "protocolType") : undefined;
      // WebSocket APIs authorize on `$connect` only; other routes cannot carry an authorizer.
      if (protocol === "WEBSOCKET" && key !== "$connect") return;
      if (protocol === undefined && key === "$disconnect") return;
      const t = known(route, "authorizationType") ?? "NONE"; // the provider's default
      if (!allowed.includes(t)) {
        fail(route, `route "${String(key)}" has authorizationType ${t}`, `set \`authorizationType\` to one of ${allowed.join(", ")} (with \`authorizerId\` for JWT/CUSTOM)`);
      }
    });
  },
);

/** Where API Gateway access logs may go: a log group (its `arn`) or a Firehose stream (REST APIs). */
const ACCESS_LOG_SOURCES = [...SOURCES.logGroup, ...SOURCES.firehose];

export const apigatewayV2AccessLogging = referencePolicy(
  {
    name: "apigateway-v2-stage-access-logging",
    description: "API Gateway v2 (HTTP and WebSocket) stages must have access logging.",
    severity: "medium",
    controls: ["APIGateway.9"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `accessLogSettings: { destinationArn: <CloudWatch log group ARN>, format: <JSON format> }` on the aws.apigatewayv2.Stage.",
    resourceTypes: TE.v2Stage,
  },
  ({ ref, fail }) => {
    if (!ref("accessLogSettings.destinationArn", ACCESS_LOG_SOURCES)) fail("has no access logging", "set `accessLogSettings.destinationArn` to a CloudWatch log group ARN (and a JSON `format`)");
  },
);

export const apigatewayRestAccessLogging = referencePolicy(
  {
    name: "apigateway-rest-stage-access-logging",
    description: "API Gateway REST API stages must have access logging.",
    severity: "medium",
    controls: ["BP.Api.1"],
    frameworks: ["Blueprints"],
    remediationSteps: "Set `accessLogSettings: { destinationArn: <CloudWatch log group or Firehose ARN>, format: <JSON format> }` on the aws.apigateway.Stage.",
    resourceTypes: TE.restStage,
  },
  ({ ref, fail }) => {
    if (!ref("accessLogSettings.destinationArn", ACCESS_LOG_SOURCES)) fail("has no access logging", "set `accessLogSettings.destinationArn` to a CloudWatch log group ARN (and a JSON `format`)");
  },
);

// ---------------------------------------------------------------- The seed's edge rules

/** Internet-facing ALB/NLB test: `internal` not true; `undecidable` when unknown. */
function internetFacing(lb: PolicyResource, types: string[]): boolean {
  const type = known(lb, "loadBalancerType") ?? "application"; // the provider's default
  if (!types.includes(type)) return false;
  return known(lb, "internal") !== true;
}

const SHIELD_KINDS = ["cloudfront", "alb", "nlb", "eip", "route53"];

export const shieldAdvancedProtection = stackPolicy(
  {
    name: "shield-advanced-protection",
    description: "Where the account subscribes to Shield Advanced, every CloudFront distribution, internet-facing ALB/NLB, Elastic IP and public Route 53 hosted zone must have a Shield Advanced protection.",
    severity: "high",
    controls: ["BP.Edge.2"],
    frameworks: ["Blueprints"],
    remediationSteps: "Add an aws.shield.Protection with `resourceArn` = the resource's ARN (distribution, load balancer, `arn:aws:ec2:<region>:<account>:eip-allocation/<allocation id>`, hosted zone).",
    config: {
      shieldAdvancedSubscribed: {
        type: "boolean",
        description: "The account subscribes to Shield Advanced (an aws.shield.Subscription in the stack also says so). Without it the policy does not apply.",
        default: false,
      },
      resourceKinds: {
        type: "array",
        items: { type: "string", enum: SHIELD_KINDS },
        description: "Which kinds of resources must be protected.",
        default: SHIELD_KINDS,
      },
    },
  },
  ({ args, forEach, ofType, attached, fail, config }) => {
    if (!truthy(config.shieldAdvancedSubscribed) && ofType(TE.shieldSubscription).length === 0) {
      args.notApplicable("the account does not subscribe to Shield Advanced (config shieldAdvancedSubscribed is false)");
    }
    const kinds = new Set<string>(config.resourceKinds ?? SHIELD_KINDS);
    const check = (r: PolicyResource, what: string) => {
      if (attached(r, TE.shieldProtection, "resourceArn").length === 0) fail(r, `${what} has no Shield Advanced protection`, "add an aws.shield.Protection with `resourceArn` = its ARN");
    };
    if (kinds.has("cloudfront")) forEach(TE.distribution, (d) => check(d, "the CloudFront distribution"));
    const lbKinds = [...(kinds.has("alb") ? ["application"] : []), ...(kinds.has("nlb") ? ["network"] : [])];
    if (lbKinds.length > 0) {
      forEach(T.loadBalancer, (lb) => {
        if (internetFacing(lb, lbKinds)) check(lb, "the internet-facing load balancer");
      });
    }
    if (kinds.has("eip")) forEach(TE.eip, (eip) => check(eip, "the Elastic IP"));
    if (kinds.has("route53")) {
      forEach(TE.hostedZone, (z) => {
        if (asArray(known(z, "vpcs")).length > 0) return; // private hosted zone
        check(z, "the public hosted zone");
      });
    }
  },
);

export const policies = [
  wafClassicGlobalWebAclLogging,
  wafClassicDeprecated,
  wafv2WebAclNotEmpty,
  wafv2WebAclLogging,
  wafv2CloudwatchMetrics,
  wafv2RuleGroupNotEmpty,
  apigatewayRestExecutionLogging,
  apigatewayWebsocketExecutionLogging,
  apigatewayClientCertificate,
  apigatewayXray,
  apigatewayWafAssociation,
  apigatewayCacheEncrypted,
  apigatewayV2RouteAuthorization,
  apigatewayV2AccessLogging,
  apigatewayRestAccessLogging,
  shieldAdvancedProtection,
];

/** WAF and API Gateway controls of the catalog that cannot be decided at preview: none. */
export const notDecidable: Record<string, string> = {};
