import { expect } from "chai";
import type { PlannedResource } from "../../tools/policy/harness";
import type { Policy } from "@pulumi/policy";
import { replacedPolicies } from "../../policy-packs/aws-compliance/lib/policy";
import { allPolicies } from "../../policy-packs/aws-compliance/policies";
import { cloudfrontWaf } from "../../policy-packs/aws-compliance/policies/edge-cloudfront";
import * as edge from "../../policy-packs/aws-compliance/policies/edge-waf-api";
import { elbAlbWaf } from "../../policy-packs/aws-compliance/policies/network-elb";
import { evaluate, findings, res, UNKNOWN, unknowns } from "../helpers/policy";

const vc = { cloudwatchMetricsEnabled: true, metricName: "m", sampledRequestsEnabled: true };
const managedRule = { name: "common", priority: 1, overrideAction: { none: {} }, statement: { managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" } }, visibilityConfig: vc };

async function only(policy: Policy, resources: Parameters<typeof evaluate>[1], config?: Record<string, unknown>) {
  const vs = findings(await evaluate(policy, resources, config));
  expect(vs, JSON.stringify(vs, null, 1)).to.have.length(1);
  return vs[0]!.message;
}

async function undecided(policy: Policy, resources: Parameters<typeof evaluate>[1]) {
  const vs = await evaluate(policy, resources);
  expect(findings(vs), JSON.stringify(vs, null, 1)).to.deep.equal([]);
  expect(unknowns(vs)).to.have.length(1);
  expect(unknowns(vs)[0]!.enforcementLevel).to.equal("advisory");
}

describe("WAF Classic policies (WAF.1-8, BP.Edge.3)", () => {
  // WAF.2-4 and WAF.6-8 within the Classic ban: an empty Classic rule, group or ACL is one finding with both controls.
  const table: { control: string; type: string; prop: string; good: unknown }[] = [
    { control: "WAF.2", type: "aws:wafregional/rule:Rule", prop: "predicates", good: [{ dataId: "ipset-1", negated: false, type: "IPMatch" }] },
    { control: "WAF.3", type: "aws:wafregional/ruleGroup:RuleGroup", prop: "activatedRules", good: [{ action: { type: "BLOCK" }, priority: 1, ruleId: "r" }] },
    { control: "WAF.4", type: "aws:wafregional/webAcl:WebAcl", prop: "rules", good: [{ action: { type: "BLOCK" }, priority: 1, ruleId: "r" }] },
    { control: "WAF.6", type: "aws:waf/rule:Rule", prop: "predicates", good: [{ dataId: "ipset-1", negated: false, type: "IPMatch" }] },
    { control: "WAF.7", type: "aws:waf/ruleGroup:RuleGroup", prop: "activatedRules", good: [{ action: { type: "BLOCK" }, priority: 1, ruleId: "r" }] },
    { control: "WAF.8", type: "aws:waf/webAcl:WebAcl", prop: "rules", good: [{ action: { type: "BLOCK" }, priority: 1, ruleId: "r" }] },
  ];
  for (const t of table) {
    describe(`policy waf-classic-deprecated on ${t.type} (${t.control})`, () => {
      it("a non-empty one is banned as Classic only (BP.Edge.3)", async () => {
        const m = await only(edge.wafClassicDeprecated, res(t.type, { metricName: "m", [t.prop]: t.good }, { name: "classic" }));
        expect(m).to.include(`[BP.Edge.3] classic (${t.type}): is an AWS WAF Classic resource`).and.not.include("inspects nothing");
      });
      it(`an empty one is one finding carrying ${t.control} too`, async () => {
        const m = await only(edge.wafClassicDeprecated, res(t.type, { metricName: "m", [t.prop]: [] }, { name: "classic" }));
        expect(m).to.include(`[BP.Edge.3, ${t.control}] classic (${t.type}): is an AWS WAF Classic resource`);
        expect(m).to.include(`\`${t.prop}\`), so it inspects nothing`);
      });
      it("an unknown list leaves the emptiness open, not the ban", async () => {
        const m = await only(edge.wafClassicDeprecated, res(t.type, { metricName: "m", [t.prop]: UNKNOWN }, { name: "classic" }));
        expect(m).to.include(`[BP.Edge.3] classic`).and.not.include("inspects nothing");
      });
    });
  }

  describe("policy waf-classic-global-web-acl-logging (WAF.1)", () => {
    const type = "aws:waf/webAcl:WebAcl";
    it("passes a web ACL with a log destination (also unknown at preview, from a Firehose stream)", async () => {
      expect(await evaluate(edge.wafClassicGlobalWebAclLogging, res(type, { loggingConfiguration: { logDestination: "arn:aws:firehose:us-east-1:1:deliverystream/aws-waf-logs-x" } }))).to.deep.equal([]);
      const stream = res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", { name: "aws-waf-logs-x", destination: "extended_s3" }, { name: "waf-logs" });
      expect(await evaluate(edge.wafClassicGlobalWebAclLogging, [stream, res(type, { loggingConfiguration: { logDestination: UNKNOWN } }, { deps: { loggingConfiguration: [stream] } })])).to.deep.equal([]);
    });
    it("cannot decide a log destination unknown at preview that comes from something else", async () => {
      await undecided(edge.wafClassicGlobalWebAclLogging, res(type, { loggingConfiguration: { logDestination: UNKNOWN } }));
    });
    it("fails one without logging", async () => {
      expect(await only(edge.wafClassicGlobalWebAclLogging, res(type, {}, { name: "old" }))).to.include("[WAF.1] old (aws:waf/webAcl:WebAcl): has no logging. Fix: set `loggingConfiguration.logDestination`");
    });
  });

  describe("policy waf-classic-deprecated (BP.Edge.3)", () => {
    it("fails every WAF Classic token, naming its v2 replacement", async () => {
      expect(await only(edge.wafClassicDeprecated, res("aws:wafregional/webAclAssociation:WebAclAssociation", {}, { name: "assoc" }))).to.include("[BP.Edge.3] assoc (aws:wafregional/webAclAssociation:WebAclAssociation): is an AWS WAF Classic resource");
      expect(await only(edge.wafClassicDeprecated, res("aws:waf/ipSet:IpSet", {}))).to.include("aws.wafv2.IpSet");
      expect(await only(edge.wafClassicDeprecated, res("aws:waf/sqlInjectionMatchSet:SqlInjectionMatchSet", {}))).to.include("sqliMatchStatement");
    });
    it("leaves WAF v2 alone", async () => {
      expect(await evaluate(edge.wafClassicDeprecated, res("aws:wafv2/webAcl:WebAcl", {}))).to.deep.equal([]);
    });
  });
});

describe("WAF v2 policies", () => {
  const ACL = "aws:wafv2/webAcl:WebAcl";
  const acl = (over: Record<string, unknown> = {}) => res(ACL, { scope: "REGIONAL", defaultAction: { allow: {} }, visibilityConfig: vc, rules: [managedRule], ...over }, { name: "edge" });

  describe("policy wafv2-web-acl-not-empty (WAF.10)", () => {
    it("passes inline rules, rule JSON (string), and side WebAclRule / WebAclRuleGroupAssociation resources", async () => {
      expect(await evaluate(edge.wafv2WebAclNotEmpty, acl())).to.deep.equal([]);
      expect(await evaluate(edge.wafv2WebAclNotEmpty, acl({ rules: undefined, ruleJson: JSON.stringify([{ Name: "r", Priority: 1 }]) }))).to.deep.equal([]);
      for (const side of ["aws:wafv2/webAclRule:WebAclRule", "aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation"]) {
        const a = acl({ rules: [] });
        const r = res(side, { webAclArn: UNKNOWN, priority: 1, ruleName: "x" }, { deps: { webAclArn: [a] } });
        expect(await evaluate(edge.wafv2WebAclNotEmpty, [a, r]), side).to.deep.equal([]);
      }
    });
    it("fails an empty web ACL", async () => {
      const m = await only(edge.wafv2WebAclNotEmpty, acl({ rules: [] }));
      expect(m).to.include("[WAF.10] edge (aws:wafv2/webAcl:WebAcl): has no rules");
      expect(m).to.include("managedRuleGroupStatement");
    });
    it("cannot decide unknown rules or rule JSON", async () => {
      await undecided(edge.wafv2WebAclNotEmpty, acl({ rules: UNKNOWN }));
      await undecided(edge.wafv2WebAclNotEmpty, acl({ rules: undefined, ruleJson: UNKNOWN }));
    });
  });

  describe("policy wafv2-web-acl-logging (WAF.11)", () => {
    it("passes a web ACL with a logging configuration (dependency or ARN)", async () => {
      const a = acl();
      const log = res("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", { resourceArn: UNKNOWN, logDestinationConfigs: [UNKNOWN] }, { deps: { resourceArn: [a] } });
      expect(await evaluate(edge.wafv2WebAclLogging, [a, log])).to.deep.equal([]);
    });
    it("fails one without", async () => {
      const m = await only(edge.wafv2WebAclLogging, [acl(), res("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", { resourceArn: "arn:other", logDestinationConfigs: ["x"] })]);
      expect(m).to.include("[WAF.11] edge (aws:wafv2/webAcl:WebAcl): has no logging configuration. Fix: add an aws.wafv2.WebAclLoggingConfiguration");
    });
  });

  describe("policy wafv2-cloudwatch-metrics-enabled (WAF.12)", () => {
    it("passes web ACLs, rule groups and standalone rules with metrics", async () => {
      expect(await evaluate(edge.wafv2CloudwatchMetrics, acl())).to.deep.equal([]);
      expect(await evaluate(edge.wafv2CloudwatchMetrics, res("aws:wafv2/ruleGroup:RuleGroup", { capacity: 10, scope: "REGIONAL", visibilityConfig: vc, rules: [managedRule] }))).to.deep.equal([]);
      expect(await evaluate(edge.wafv2CloudwatchMetrics, res("aws:wafv2/webAclRule:WebAclRule", { webAclArn: "a", priority: 1, visibilityConfig: vc }))).to.deep.equal([]);
      const json = JSON.stringify([{ Name: "r", VisibilityConfig: { CloudWatchMetricsEnabled: true, MetricName: "r", SampledRequestsEnabled: true } }]);
      expect(await evaluate(edge.wafv2CloudwatchMetrics, acl({ rules: undefined, ruleJson: json }))).to.deep.equal([]);
    });
    it("fails the ACL itself, an inline rule, a rule in rule JSON and a standalone association without metrics", async () => {
      expect(await only(edge.wafv2CloudwatchMetrics, acl({ visibilityConfig: { ...vc, cloudwatchMetricsEnabled: false } }))).to.include("the web ACL has cloudwatchMetricsEnabled false");
      expect(await only(edge.wafv2CloudwatchMetrics, acl({ rules: [{ ...managedRule, visibilityConfig: { ...vc, cloudwatchMetricsEnabled: false } }] }))).to.include("rule \"common\" has cloudwatchMetricsEnabled false");
      const json = JSON.stringify([{ Name: "geo", VisibilityConfig: { CloudWatchMetricsEnabled: false } }]);
      expect(await only(edge.wafv2CloudwatchMetrics, acl({ rules: undefined, ruleJson: json }))).to.include("ruleJson rule \"geo\"");
      const m = await only(edge.wafv2CloudwatchMetrics, res("aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation", { webAclArn: "a", ruleName: "x", priority: 1 }, { name: "assoc" }));
      expect(m).to.include("[WAF.12] assoc (aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation): does not send CloudWatch metrics: the rule has no visibilityConfig. Fix: set `visibilityConfig.cloudwatchMetricsEnabled: true`");
    });
    it("cannot decide an unknown flag", async () => {
      await undecided(edge.wafv2CloudwatchMetrics, acl({ visibilityConfig: { ...vc, cloudwatchMetricsEnabled: UNKNOWN } }));
    });
  });

  describe("policy wafv2-rule-group-not-empty (BP.Edge.4)", () => {
    const RG = "aws:wafv2/ruleGroup:RuleGroup";
    it("passes a group with rules (inline or JSON) and fails an empty one", async () => {
      expect(await evaluate(edge.wafv2RuleGroupNotEmpty, res(RG, { rules: [managedRule] }))).to.deep.equal([]);
      expect(await evaluate(edge.wafv2RuleGroupNotEmpty, res(RG, { rulesJson: "[{\"Name\":\"r\"}]" }))).to.deep.equal([]);
      expect(await only(edge.wafv2RuleGroupNotEmpty, res(RG, { rules: [] }, { name: "rg" }))).to.include("[BP.Edge.4] rg (aws:wafv2/ruleGroup:RuleGroup): has no rules");
    });
    it("cannot decide unknown rule JSON", async () => {
      await undecided(edge.wafv2RuleGroupNotEmpty, res(RG, { rulesJson: UNKNOWN }));
    });
  });
});

describe("API Gateway policies", () => {
  const STAGE = "aws:apigateway/stage:Stage";
  const MS = "aws:apigateway/methodSettings:MethodSettings";
  const api = (over: Record<string, unknown> = {}, name = "orders-api") => res("aws:apigateway/restApi:RestApi", { name: "orders", ...over }, { name });
  const stageOf = (restApi: ReturnType<typeof api>, over: Record<string, unknown> = {}, name = "prod-stage") =>
    res(STAGE, { restApi: UNKNOWN, deployment: UNKNOWN, stageName: "prod", xrayTracingEnabled: true, clientCertificateId: UNKNOWN, accessLogSettings: { destinationArn: UNKNOWN, format: "{}" }, ...over }, { name, deps: { restApi: [restApi] } });
  const settingsFor = (restApi: ReturnType<typeof api>, stage: ReturnType<typeof stageOf> | undefined, settings: Record<string, unknown>, over: Record<string, unknown> = {}) =>
    res(MS, { restApi: UNKNOWN, stageName: stage ? UNKNOWN : "prod", methodPath: "*/*", settings, ...over }, { deps: { restApi: [restApi], ...(stage ? { stageName: [stage] } : {}) } });

  describe("policy apigateway-rest-stage-execution-logging (APIGateway.1)", () => {
    it("passes a stage with */* logging joined by dependency, and by stage name on the same API", async () => {
      const a = api();
      const s = stageOf(a);
      expect(await evaluate(edge.apigatewayRestExecutionLogging, [a, s, settingsFor(a, s, { loggingLevel: "INFO" })])).to.deep.equal([]);
      expect(await evaluate(edge.apigatewayRestExecutionLogging, [a, s, settingsFor(a, undefined, { loggingLevel: "ERROR" })])).to.deep.equal([]);
    });
    it("fails a stage without method settings, one logging OFF, and an OFF override", async () => {
      const a = api();
      const s = stageOf(a);
      expect(await only(edge.apigatewayRestExecutionLogging, [a, s])).to.include("[APIGateway.1] prod-stage (aws:apigateway/stage:Stage): stage \"prod\" has no execution logging");
      expect(await only(edge.apigatewayRestExecutionLogging, [a, s, settingsFor(a, s, { loggingLevel: "OFF" })])).to.include("logs at level OFF for */*");
      const other = api({}, "other-api");
      const elsewhere = settingsFor(other, undefined, { loggingLevel: "INFO" }); // same stage name, other API
      expect(await only(edge.apigatewayRestExecutionLogging, [a, s, other, elsewhere])).to.include("has no execution logging");
      const override = settingsFor(a, s, { loggingLevel: "OFF" }, { methodPath: "health/GET" });
      expect(await only(edge.apigatewayRestExecutionLogging, [a, s, settingsFor(a, s, { loggingLevel: "ERROR" }), override])).to.include("turn execution logging OFF");
    });
    it("reads the accepted levels from config", async () => {
      const a = api();
      const s = stageOf(a);
      expect(findings(await evaluate(edge.apigatewayRestExecutionLogging, [a, s, settingsFor(a, s, { loggingLevel: "ERROR" })], { loggingLevels: ["INFO"] }))).to.have.length(1);
    });
    it("cannot decide an unknown level, or method settings whose stage is unknown", async () => {
      const a = api();
      const s = stageOf(a);
      await undecided(edge.apigatewayRestExecutionLogging, [a, s, settingsFor(a, s, { loggingLevel: UNKNOWN })]);
      await undecided(edge.apigatewayRestExecutionLogging, [a, s, res(MS, { restApi: UNKNOWN, stageName: UNKNOWN, methodPath: "*/*", settings: { loggingLevel: "INFO" } })]);
    });
  });

  describe("policy apigateway-websocket-stage-execution-logging (APIGateway.1)", () => {
    const V2STAGE = "aws:apigatewayv2/stage:Stage";
    const wsApi = (protocolType: string) => res("aws:apigatewayv2/api:Api", { protocolType, routeSelectionExpression: "$request.body.action" }, { name: "chat" });
    it("passes a WebSocket stage with a logging level, and ignores HTTP API stages", async () => {
      const ws = wsApi("WEBSOCKET");
      expect(await evaluate(edge.apigatewayWebsocketExecutionLogging, [ws, res(V2STAGE, { apiId: UNKNOWN, defaultRouteSettings: { loggingLevel: "INFO" } }, { deps: { apiId: [ws] } })])).to.deep.equal([]);
      const http = wsApi("HTTP");
      expect(await evaluate(edge.apigatewayWebsocketExecutionLogging, [http, res(V2STAGE, { apiId: UNKNOWN }, { deps: { apiId: [http] } })])).to.deep.equal([]);
    });
    it("fails a WebSocket stage without logging", async () => {
      const ws = wsApi("WEBSOCKET");
      const m = await only(edge.apigatewayWebsocketExecutionLogging, [ws, res(V2STAGE, { apiId: UNKNOWN, name: "live" }, { name: "live", deps: { apiId: [ws] } })]);
      expect(m).to.include("[APIGateway.1] live (aws:apigatewayv2/stage:Stage): WebSocket stage \"live\" logs at level OFF (unset). Fix: set `defaultRouteSettings.loggingLevel: \"ERROR\"`");
    });
    it("reads the accepted levels from config", async () => {
      const ws = wsApi("WEBSOCKET");
      const s = res(V2STAGE, { apiId: UNKNOWN, defaultRouteSettings: { loggingLevel: "ERROR" } }, { deps: { apiId: [ws] } });
      expect(await evaluate(edge.apigatewayWebsocketExecutionLogging, [ws, s])).to.deep.equal([]);
      expect(await only(edge.apigatewayWebsocketExecutionLogging, [ws, s], { loggingLevels: ["INFO"] })).to.include("logs at level \"ERROR\"");
    });
    it("cannot decide an unknown protocol type", async () => {
      const ws = wsApi(UNKNOWN);
      await undecided(edge.apigatewayWebsocketExecutionLogging, [ws, res(V2STAGE, { apiId: UNKNOWN }, { deps: { apiId: [ws] } })]);
    });
  });

  describe("resource policies on REST stages (APIGateway.2, APIGateway.3, BP.Api.1) and v2 stages (APIGateway.9)", () => {
    const group = res("aws:cloudwatch/logGroup:LogGroup", {}, { name: "access-logs" });
    const cert = res("aws:apigateway/clientCertificate:ClientCertificate", {}, { name: "backend-cert" });
    const table: {
      policy: Policy;
      control: string;
      type: string;
      good: Record<string, unknown>;
      bad: Record<string, unknown>;
      expect: string;
      unknown?: Record<string, unknown>;
      /** A reference: unknown and from the right resource (passes), unknown and from anything else (undecidable). */
      ref?: { inputs: Record<string, unknown>; from: PlannedResource; prop: string };
    }[] = [
      { policy: edge.apigatewayClientCertificate, control: "APIGateway.2", type: STAGE, good: { clientCertificateId: "abc123" }, bad: {}, expect: "does not authenticate to its backend with a client certificate. Fix: set `clientCertificateId`", ref: { inputs: { clientCertificateId: UNKNOWN }, from: cert, prop: "clientCertificateId" } },
      { policy: edge.apigatewayXray, control: "APIGateway.3", type: STAGE, good: { xrayTracingEnabled: true }, bad: { xrayTracingEnabled: false }, expect: "has X-Ray tracing off. Fix: set `xrayTracingEnabled: true`", unknown: { xrayTracingEnabled: UNKNOWN } },
      { policy: edge.apigatewayRestAccessLogging, control: "BP.Api.1", type: STAGE, good: { accessLogSettings: { destinationArn: "arn:aws:logs:x", format: "{}" } }, bad: {}, expect: "has no access logging. Fix: set `accessLogSettings.destinationArn`", ref: { inputs: { accessLogSettings: { destinationArn: UNKNOWN, format: "{}" } }, from: group, prop: "accessLogSettings" } },
      { policy: edge.apigatewayV2AccessLogging, control: "APIGateway.9", type: "aws:apigatewayv2/stage:Stage", good: { accessLogSettings: { destinationArn: "arn:aws:logs:us-east-1:1:log-group:api", format: "{}" } }, bad: { accessLogSettings: undefined }, expect: "has no access logging", ref: { inputs: { accessLogSettings: { destinationArn: UNKNOWN, format: "{}" } }, from: group, prop: "accessLogSettings" } },
    ];
    for (const t of table) {
      it(`${t.policy.name} (${t.control}): compliant, non-compliant${t.unknown ? ", unknown" : ""}${t.ref ? ", typed reference" : ""}`, async () => {
        expect(await evaluate(t.policy, res(t.type, { stageName: "prod", ...t.good }))).to.deep.equal([]);
        const m = await only(t.policy, res(t.type, { stageName: "prod", ...t.bad }, { name: "st" }));
        expect(m).to.include(`[${t.control}] st (${t.type}): ${t.expect}`);
        if (t.unknown) await undecided(t.policy, res(t.type, { stageName: "prod", ...t.unknown }));
        if (t.ref) {
          expect(await evaluate(t.policy, [t.ref.from, res(t.type, { stageName: "prod", ...t.ref.inputs }, { deps: { [t.ref.prop]: [t.ref.from] } })])).to.deep.equal([]);
          await undecided(t.policy, res(t.type, { stageName: "prod", ...t.ref.inputs }));
        }
      });
    }
  });

  describe("policy apigateway-stage-waf-association (APIGateway.4)", () => {
    for (const assocType of ["aws:wafv2/webAclAssociation:WebAclAssociation", "aws:wafregional/webAclAssociation:WebAclAssociation"]) {
      it(`passes a stage that is the resourceArn of an ${assocType}`, async () => {
        const a = api();
        const s = stageOf(a);
        const assoc = res(assocType, { resourceArn: UNKNOWN, webAclArn: UNKNOWN }, { deps: { resourceArn: [s] } });
        expect(await evaluate(edge.apigatewayWafAssociation, [a, s, assoc])).to.deep.equal([]);
      });
    }
    it("fails a stage without one", async () => {
      const a = api();
      expect(await only(edge.apigatewayWafAssociation, [a, stageOf(a)])).to.include("[APIGateway.4, BP.Edge.1] prod-stage (aws:apigateway/stage:Stage): stage \"prod\" of an internet-facing");
      expect(await only(edge.apigatewayWafAssociation, [a, stageOf(a)])).to.include("has no web ACL. Fix: add an aws.wafv2.WebAclAssociation");
    });
  });

  describe("policy apigateway-cache-encrypted (APIGateway.5)", () => {
    it("passes encrypted or disabled caches, fails an unencrypted cache, and cannot decide an unknown flag", async () => {
      expect(await evaluate(edge.apigatewayCacheEncrypted, res(MS, { methodPath: "*/*", settings: { cachingEnabled: true, cacheDataEncrypted: true } }))).to.deep.equal([]);
      expect(await evaluate(edge.apigatewayCacheEncrypted, res(MS, { methodPath: "*/*", settings: { loggingLevel: "INFO" } }))).to.deep.equal([]);
      const m = await only(edge.apigatewayCacheEncrypted, res(MS, { methodPath: "items/GET", settings: { cachingEnabled: true } }, { name: "cache" }));
      expect(m).to.include("[APIGateway.5] cache (aws:apigateway/methodSettings:MethodSettings): caches responses for items/GET without encrypting the cache. Fix: set `settings.cacheDataEncrypted: true`");
      await undecided(edge.apigatewayCacheEncrypted, res(MS, { methodPath: "*/*", settings: { cachingEnabled: UNKNOWN } }));
    });
  });

  describe("policy apigateway-v2-route-authorization (APIGateway.8)", () => {
    const ROUTE = "aws:apigatewayv2/route:Route";
    const httpApi = () => res("aws:apigatewayv2/api:Api", { protocolType: "HTTP" }, { name: "http" });
    const wsApi = () => res("aws:apigatewayv2/api:Api", { protocolType: "WEBSOCKET" }, { name: "ws" });
    const route = (a: ReturnType<typeof httpApi>, routeKey: string, over: Record<string, unknown> = {}) => res(ROUTE, { apiId: UNKNOWN, routeKey, ...over }, { name: `route-${routeKey}`, deps: { apiId: [a] } });
    it("passes authorized routes and WebSocket routes other than $connect", async () => {
      const h = httpApi();
      expect(await evaluate(edge.apigatewayV2RouteAuthorization, [h, route(h, "GET /orders", { authorizationType: "JWT", authorizerId: "a" })])).to.deep.equal([]);
      const w = wsApi();
      expect(await evaluate(edge.apigatewayV2RouteAuthorization, [w, route(w, "sendMessage")])).to.deep.equal([]);
    });
    it("fails a route without authorization (the default NONE), and a WebSocket $connect without it", async () => {
      const h = httpApi();
      expect(await only(edge.apigatewayV2RouteAuthorization, [h, route(h, "GET /orders")])).to.include("[APIGateway.8] route-GET /orders (aws:apigatewayv2/route:Route): route \"GET /orders\" has authorizationType NONE");
      const w = wsApi();
      expect(await only(edge.apigatewayV2RouteAuthorization, [w, route(w, "$connect")])).to.include("route \"$connect\" has authorizationType NONE");
    });
    it("reads the allowed types from config", async () => {
      const h = httpApi();
      const r = route(h, "GET /x", { authorizationType: "CUSTOM", authorizerId: "a" });
      expect(findings(await evaluate(edge.apigatewayV2RouteAuthorization, [h, r], { authorizationTypes: ["AWS_IAM", "JWT"] }))).to.have.length(1);
    });
    it("cannot decide an unknown authorization type", async () => {
      const h = httpApi();
      await undecided(edge.apigatewayV2RouteAuthorization, [h, route(h, "GET /x", { authorizationType: UNKNOWN })]);
    });
  });
});

describe("a web ACL in front of everything internet-facing (BP.Edge.1, carried by CloudFront.6, ELB.16 and APIGateway.4)", () => {
  const ASSOC = "aws:wafv2/webAclAssociation:WebAclAssociation";
  const dist = (webAclId?: unknown) => res("aws:cloudfront/distribution:Distribution", { webAclId }, { name: "cdn" });
  const lb = (type: string, over: Record<string, unknown> = {}) => res(type, { loadBalancerType: "application", internal: false, ...over }, { name: "web-alb" });
  const restApi = (types?: unknown) => res("aws:apigateway/restApi:RestApi", types === undefined ? {} : { endpointConfiguration: { types } }, { name: "api" });
  const stage = (a: ReturnType<typeof restApi>) => res("aws:apigateway/stage:Stage", { restApi: UNKNOWN, stageName: "prod" }, { name: "api-prod", deps: { restApi: [a] } });
  const assocTo = (r: ReturnType<typeof lb>) => res(ASSOC, { resourceArn: UNKNOWN, webAclArn: UNKNOWN }, { deps: { resourceArn: [r] } });
  const three = [cloudfrontWaf, elbAlbWaf, edge.apigatewayWafAssociation];
  const all = async (resources: PlannedResource[]) => (await Promise.all(three.map((p) => evaluate(p, resources)))).flat();

  it("the union rule is gone: its three parts carry BP.Edge.1, and its old name is refused naming them", () => {
    expect(allPolicies.map((p) => p.name)).to.not.include("waf-in-front-of-internet-facing");
    expect(replacedPolicies["waf-in-front-of-internet-facing"]).to.deep.equal(["cloudfront-waf-enabled", "elb-alb-waf", "apigateway-stage-waf-association"]);
  });

  it("passes protected distributions, ALBs (both token aliases) and stages", async () => {
    for (const t of ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]) {
      const l = lb(t);
      const a = restApi("REGIONAL");
      const s = stage(a);
      const acl = res("aws:wafv2/webAcl:WebAcl", { scope: "CLOUDFRONT" }, { name: "edge-acl" });
      const d = res("aws:cloudfront/distribution:Distribution", { webAclId: UNKNOWN }, { name: "cdn", deps: { webAclId: [acl] } });
      expect(await all([acl, d, l, assocTo(l), a, s, assocTo(s)]), t).to.deep.equal([]);
    }
  });

  it("cannot decide a distribution whose webAclId is unknown and comes from no web ACL", async () => {
    await undecided(cloudfrontWaf, [dist(UNKNOWN)]);
  });

  it("one finding per unprotected internet-facing resource, carrying the service control and BP.Edge.1", async () => {
    const a = restApi(undefined);
    const vs = findings(await all([dist(undefined), lb("aws:alb/loadBalancer:LoadBalancer", { loadBalancerType: undefined }), a, stage(a)]));
    expect(vs.map((v) => v.message.split("\n")[1]!.split(". Fix")[0])).to.deep.equal([
      "[CloudFront.6, BP.Edge.1] cdn (aws:cloudfront/distribution:Distribution): is an internet-facing distribution without a web ACL",
      "[ELB.16, BP.Edge.1] web-alb (aws:alb/loadBalancer:LoadBalancer): is an internet-facing Application Load Balancer and no aws.wafv2.WebAclAssociation puts a web ACL in front of it",
      "[APIGateway.4, BP.Edge.1] api-prod (aws:apigateway/stage:Stage): stage \"prod\" of an internet-facing edge-optimized REST API has no web ACL",
    ]);
  });

  it("internal ALBs and private APIs break only their service control; NLBs none", async () => {
    const a = restApi("PRIVATE");
    const vs = findings(await all([lb("aws:lb/loadBalancer:LoadBalancer", { internal: true }), res("aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "network" }), a, stage(a)]));
    expect(vs.map((v) => v.message.split("\n")[1]!.split(":")[0])).to.deep.equal(["[ELB.16] web-alb (aws", "[APIGateway.4] api-prod (aws"]);
  });

  it("cannot decide an ALB whose scheme is unknown", async () => {
    const vs = await all([lb("aws:lb/loadBalancer:LoadBalancer", { internal: UNKNOWN })]);
    expect(findings(vs)).to.deep.equal([]);
    expect(unknowns(vs)).to.have.length(1);
  });
});

describe("policy shield-advanced-protection (BP.Edge.2)", () => {
  const PROT = "aws:shield/protection:Protection";
  const protect = (r: ReturnType<typeof res>) => res(PROT, { resourceArn: UNKNOWN }, { deps: { resourceArn: [r] } });
  const resources = () => {
    const d = res("aws:cloudfront/distribution:Distribution", {}, { name: "cdn" });
    const nlb = res("aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "network", internal: false }, { name: "nlb" });
    const eip = res("aws:ec2/eip:Eip", { domain: "vpc" }, { name: "ip" });
    const zone = res("aws:route53/zone:Zone", { name: "example.com" }, { name: "zone" });
    const privateZone = res("aws:route53/zone:Zone", { name: "internal.example", vpcs: [{ vpcId: "vpc-1" }] }, { name: "private" });
    return { d, nlb, eip, zone, privateZone };
  };

  it("does not apply unless the account subscribes (config)", async () => {
    const { d } = resources();
    expect(await evaluate(edge.shieldAdvancedProtection, [d])).to.deep.equal([]);
  });

  it("passes when every resource is protected", async () => {
    const { d, nlb, eip, zone, privateZone } = resources();
    const all = [d, nlb, eip, zone, privateZone, protect(d), protect(nlb), protect(eip), protect(zone)];
    expect(await evaluate(edge.shieldAdvancedProtection, all, { shieldAdvancedSubscribed: true })).to.deep.equal([]);
  });

  it("fails unprotected resources when subscribed by config or by an aws.shield.Subscription in the stack", async () => {
    const { d, nlb, eip, zone, privateZone } = resources();
    const vs = findings(await evaluate(edge.shieldAdvancedProtection, [d, nlb, eip, zone, privateZone], { shieldAdvancedSubscribed: true }));
    expect(vs.map((v) => v.message.split("\n")[1]!.split(":")[0])).to.deep.equal([
      "[BP.Edge.2] cdn (aws",
      "[BP.Edge.2] nlb (aws",
      "[BP.Edge.2] ip (aws",
      "[BP.Edge.2] zone (aws",
    ]);
    expect(vs[3]!.message).to.include("the public hosted zone has no Shield Advanced protection. Fix: add an aws.shield.Protection");
    const sub = res("aws:shield/subscription:Subscription", { autoRenew: "ENABLED" });
    expect(findings(await evaluate(edge.shieldAdvancedProtection, [d, sub]))).to.have.length(1);
  });

  it("limits the kinds by config", async () => {
    const { d, eip } = resources();
    expect(await evaluate(edge.shieldAdvancedProtection, [d, eip], { shieldAdvancedSubscribed: true, resourceKinds: ["alb"] })).to.deep.equal([]);
  });

  it("cannot decide a hosted zone whose VPCs are unknown", async () => {
    const vs = await evaluate(edge.shieldAdvancedProtection, [res("aws:route53/zone:Zone", { vpcs: UNKNOWN })], { shieldAdvancedSubscribed: true });
    expect(findings(vs)).to.deep.equal([]);
    expect(unknowns(vs)).to.have.length(1);
  });
});

describe("edge-waf-api.ts exports", () => {
  it("exports unique names and has no undecidable WAF/API Gateway controls", () => {
    expect(new Set(edge.policies.map((p) => p.name)).size).to.equal(edge.policies.length);
    expect(edge.notDecidable).to.deep.equal({});
  });
});
