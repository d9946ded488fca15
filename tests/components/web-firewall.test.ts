import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { BaselineManagedRuleGroups, WebFirewall, WebFirewallArgs } from "../../components/edge/web-firewall";
import { ComponentArgsError } from "../../components/security/policy-document";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef";
const DIST_ARN = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEFGHIJKL";
const T = {
  acl: "aws:wafv2/webAcl:WebAcl",
  logging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  association: "aws:wafv2/webAclAssociation:WebAclAssociation",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  protection: "aws:shield/protection:Protection",
};

describe("WebFirewall", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(env: "dev" | "prod" = "dev", args: Partial<WebFirewallArgs> = {}, name = "waf") {
    const waf = new WebFirewall(name, { context: testContext(env), scope: "REGIONAL", kmsKey: KEY_ARN, ...args });
    await mocks.settle();
    return waf;
  }
  const rules = () => mocks.one(T.acl).inputs.rules as any[];
  const rule = (name: string) => rules().find((r) => r.name === name);

  describe("secure defaults", () => {
    it("allows by default and runs the rate rule, then the four baseline managed groups, in that order", async () => {
      await build();
      const acl = mocks.one(T.acl).inputs;
      expect(acl.scope).to.equal("REGIONAL");
      expect(acl.defaultAction).to.deep.equal({ allow: {} });
      expect(rules().map((r) => [r.name, r.priority])).to.deep.equal([
        ["RateLimitPerClient", 0],
        ["AWSManagedRulesAmazonIpReputationList", 10],
        ["AWSManagedRulesCommonRuleSet", 20],
        ["AWSManagedRulesKnownBadInputsRuleSet", 30],
        ["AWSManagedRulesSQLiRuleSet", 40],
      ]);
      for (const g of BaselineManagedRuleGroups) expect(rule(g).statement.managedRuleGroupStatement).to.deep.equal({ vendorName: "AWS", name: g });
    });

    it("limits each client IP to the profile's rate over 5 minutes", async () => {
      await build();
      expect(rule("RateLimitPerClient").statement.rateBasedStatement).to.deep.equal({ limit: 2000, evaluationWindowSec: 300, aggregateKeyType: "IP" });
    });

    it("sends CloudWatch metrics and samples for the web ACL and every rule (WAF.12)", async () => {
      await build("prod");
      const acl = mocks.one(T.acl).inputs;
      for (const v of [acl.visibilityConfig, ...rules().map((r) => r.visibilityConfig)]) {
        expect(v).to.include({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true });
        expect(v.metricName).to.match(/^[A-Za-z0-9_-]{1,128}$/);
      }
      expect(new Set(rules().map((r) => r.visibilityConfig.metricName)).size).to.equal(rules().length);
    });

    it("logs to a KMS-encrypted log group named aws-waf-logs-..., redacting credentials (WAF.11)", async () => {
      const waf = await build();
      const group = mocks.one(T.logGroup).inputs;
      expect(group.name).to.equal("aws-waf-logs-test-dev-waf");
      expect(group.kmsKeyId).to.equal(KEY_ARN);
      const logging = mocks.one(T.logging).inputs;
      expect(logging.resourceArn).to.equal(await promiseOf(waf.webAclArn));
      expect(logging.logDestinationConfigs).to.deep.equal([await promiseOf(waf.logGroupArn)]);
      expect(logging.redactedFields).to.deep.equal([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }]);
    });

    it("tags the web ACL and its log group", async () => {
      await build();
      expect(mocks.one(T.acl).inputs.tags).to.include.keys(...RequiredTagKeys);
      expect(mocks.one(T.logGroup).inputs.tags).to.include.keys(...RequiredTagKeys);
    });

    it("exposes the ACL's ARN, id and log group ARN", async () => {
      const waf = await build();
      expect(await promiseOf(waf.webAclArn)).to.match(/^arn:aws:wafv2:us-east-1:123456789012:regional\/webacl\//);
      expect(await promiseOf(waf.webAclId)).to.be.a("string").with.length.greaterThan(0);
      expect(await promiseOf(waf.logGroupArn)).to.match(/^arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-/);
    });
  });

  describe("dev and prod", () => {
    it("dev: every managed group and the rate rule only count, and Bot Control is off (cost)", async () => {
      await build("dev");
      expect(rule("RateLimitPerClient").action).to.deep.equal({ count: {} });
      for (const g of BaselineManagedRuleGroups) expect(rule(g).overrideAction).to.deep.equal({ count: {} });
      expect(rule("AWSManagedRulesBotControlRuleSet")).to.equal(undefined);
      expect(mocks.one(T.logGroup).inputs.retentionInDays).to.equal(30);
    });

    it("prod: the managed groups keep their own block actions, the rate rule blocks, Bot Control (common) runs last", async () => {
      await build("prod");
      expect(rule("RateLimitPerClient").action).to.deep.equal({ block: {} });
      for (const g of BaselineManagedRuleGroups) expect(rule(g).overrideAction).to.deep.equal({ none: {} });
      const bot = rule("AWSManagedRulesBotControlRuleSet");
      expect(bot.priority).to.equal(Math.max(...rules().map((r) => r.priority)));
      expect(bot.overrideAction).to.deep.equal({ none: {} });
      expect(bot.statement.managedRuleGroupStatement.managedRuleGroupConfigs).to.deep.equal([
        { awsManagedRulesBotControlRuleSet: { inspectionLevel: "COMMON", enableMachineLearning: false } },
      ]);
      expect(mocks.one(T.logGroup).inputs.retentionInDays).to.equal(365);
    });

    it("runs targeted Bot Control with machine learning when asked, in dev too", async () => {
      await build("dev", { botControl: "TARGETED" });
      const bot = rule("AWSManagedRulesBotControlRuleSet");
      expect(bot.overrideAction).to.deep.equal({ count: {} });
      expect(bot.statement.managedRuleGroupStatement.managedRuleGroupConfigs[0].awsManagedRulesBotControlRuleSet).to.deep.equal({ inspectionLevel: "TARGETED", enableMachineLearning: true });
    });

    it("turns Bot Control off in prod when asked", async () => {
      await build("prod", { botControl: "off" });
      expect(rule("AWSManagedRulesBotControlRuleSet")).to.equal(undefined);
    });
  });

  describe("options", () => {
    it("adds the workload's managed groups after the baseline and before Bot Control", async () => {
      await build("prod", { additionalManagedRuleGroups: ["AWSManagedRulesAnonymousIpList"] });
      const anon = rule("AWSManagedRulesAnonymousIpList");
      expect(anon.priority).to.equal(50);
      expect(anon.overrideAction).to.deep.equal({ none: {} });
      expect(rule("AWSManagedRulesBotControlRuleSet").priority).to.equal(60);
    });

    it("keys the rate rule on X-Forwarded-For behind a proxy", async () => {
      await build("dev", { rateLimitKey: "FORWARDED_IP", rateLimit: 500 });
      expect(rule("RateLimitPerClient").statement.rateBasedStatement).to.deep.equal({
        limit: 500,
        evaluationWindowSec: 300,
        aggregateKeyType: "FORWARDED_IP",
        forwardedIpConfig: { headerName: "X-Forwarded-For", fallbackBehavior: "MATCH" },
      });
    });

    it("keys the rate rule on a header the edge sets (e.g. CdnSite's viewer address) instead of the client-written X-Forwarded-For", async () => {
      await build("prod", { rateLimitKey: "FORWARDED_IP", forwardedIpHeader: "x-viewer-address" });
      expect(rule("RateLimitPerClient").statement.rateBasedStatement.forwardedIpConfig).to.deep.equal({ headerName: "x-viewer-address", fallbackBehavior: "MATCH" });
    });

    it("fraud control: ATP on the login path and ACFP on sign-up, after Bot Control, with request and (CLOUDFRONT) response inspection", async () => {
      await build("prod", {
        scope: "CLOUDFRONT",
        botControl: "TARGETED",
        accountTakeover: { loginPath: "/api/account/login", payloadType: "JSON", usernameField: "/email", passwordField: "/password" },
        accountCreation: { registrationPagePath: "/account/sign-up", creationPath: "/api/account/sign-up", payloadType: "JSON", usernameField: "/email", passwordField: "/password", emailField: "/email" },
      });
      expect(rules().slice(-3).map((r) => [r.name, r.priority])).to.deep.equal([
        ["AWSManagedRulesBotControlRuleSet", 50],
        ["AWSManagedRulesATPRuleSet", 60],
        ["AWSManagedRulesACFPRuleSet", 70],
      ]);
      const atp = rule("AWSManagedRulesATPRuleSet").statement.managedRuleGroupStatement.managedRuleGroupConfigs[0].awsManagedRulesAtpRuleSet;
      expect(atp).to.deep.equal({
        loginPath: "/api/account/login",
        requestInspection: { payloadType: "JSON", usernameField: { identifier: "/email" }, passwordField: { identifier: "/password" } },
        responseInspection: { statusCode: { successCodes: [200, 201, 204], failureCodes: [400, 401, 403] } },
      });
      const acfp = rule("AWSManagedRulesACFPRuleSet").statement.managedRuleGroupStatement.managedRuleGroupConfigs[0].awsManagedRulesAcfpRuleSet;
      expect(acfp).to.deep.include({ registrationPagePath: "/account/sign-up", creationPath: "/api/account/sign-up" });
      expect(acfp.requestInspection.emailField).to.deep.equal({ identifier: "/email" });
      expect(rule("AWSManagedRulesATPRuleSet").overrideAction).to.deep.equal({ none: {} });
    });

    it("REGIONAL fraud control inspects requests only (response inspection is CloudFront-only)", async () => {
      await build("prod", { accountTakeover: { loginPath: "/login", payloadType: "FORM_ENCODED", usernameField: "user", passwordField: "pass" } });
      const atp = rule("AWSManagedRulesATPRuleSet").statement.managedRuleGroupStatement.managedRuleGroupConfigs[0].awsManagedRulesAtpRuleSet;
      expect(atp.responseInspection).to.equal(undefined);
      expect(atp.requestInspection).to.deep.equal({ payloadType: "FORM_ENCODED", usernameField: { identifier: "user" }, passwordField: { identifier: "pass" } });
    });

    it("rateLimitOnly: only matching paths count toward the limit (one match alone, several ORed), lower-cased", async () => {
      await build("prod", { rateLimitOnly: { endsWith: [".m3u8", ".mpd"], startsWith: ["/api/"] } });
      const byteMatch = (searchString: string, positionalConstraint: string) => ({
        byteMatchStatement: { searchString, positionalConstraint, fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "LOWERCASE" }] },
      });
      expect(rule("RateLimitPerClient").statement.rateBasedStatement.scopeDownStatement).to.deep.equal({
        orStatement: { statements: [byteMatch(".m3u8", "ENDS_WITH"), byteMatch(".mpd", "ENDS_WITH"), byteMatch("/api/", "STARTS_WITH")] },
      });
      mocks.reset();
      await build("prod", { rateLimitOnly: { endsWith: [".m3u8"] } });
      expect(rule("RateLimitPerClient").statement.rateBasedStatement.scopeDownStatement).to.deep.equal(byteMatch(".m3u8", "ENDS_WITH"));
    });

    it("botControlSkips: Bot Control inspects everything but the matching paths; without it, everything", async () => {
      await build("prod", { botControlSkips: { endsWith: [".ts", ".m4s"] } });
      const bot = rule("AWSManagedRulesBotControlRuleSet").statement.managedRuleGroupStatement;
      expect(bot.scopeDownStatement.notStatement.statements[0].orStatement.statements.map((x: any) => x.byteMatchStatement.searchString)).to.deep.equal([".ts", ".m4s"]);
      expect(bot.managedRuleGroupConfigs).to.have.length(1);
      mocks.reset();
      await build("prod");
      expect(rule("AWSManagedRulesBotControlRuleSet").statement.managedRuleGroupStatement.scopeDownStatement).to.equal(undefined);
      expect(rule("RateLimitPerClient").statement.rateBasedStatement.scopeDownStatement).to.equal(undefined);
    });

    it("refuses empty or upper-case path matches, naming the argument", () => {
      expect(() => new WebFirewall("bad", { context: testContext("dev"), scope: "REGIONAL", kmsKey: KEY_ARN, rateLimitOnly: {}, botControlSkips: { endsWith: [".TS"] } })).to.throw(
        /rateLimitOnly matches nothing[\s\S]*botControlSkips: ".TS" must be 1 to 200 lower-case characters/,
      );
    });

    it("CLOUDFRONT scope: the ACL and its logging configuration are pinned to us-east-1", async () => {
      await build("prod", { scope: "CLOUDFRONT" });
      expect(mocks.one(T.acl).inputs).to.include({ scope: "CLOUDFRONT", region: "us-east-1" });
      expect(mocks.one(T.logging).inputs.region).to.equal("us-east-1");
    });

    it("CLOUDFRONT scope from another region's stack: accepted with a provider in the options", async () => {
      const provider = new aws.Provider("use1", { region: "us-east-1" });
      const waf = new WebFirewall("edge", { context: testContext("prod", { region: "eu-west-1" }), scope: "CLOUDFRONT", kmsKey: KEY_ARN }, { providers: { aws: provider } });
      await mocks.settle();
      expect(waf.scope).to.equal("CLOUDFRONT");
      expect(mocks.one(T.acl).inputs.region).to.equal("us-east-1");
    });
  });

  describe("associate", () => {
    it("associates a REGIONAL web ACL with a load balancer", async () => {
      const waf = await build();
      waf.associate("alb", ALB_ARN);
      await mocks.settle();
      const assoc = mocks.one(T.association);
      expect(assoc.name).to.equal("waf-alb");
      expect(assoc.inputs).to.deep.include({ resourceArn: ALB_ARN, webAclArn: await promiseOf(waf.webAclArn) });
    });

    it("refuses to associate a CLOUDFRONT web ACL, pointing at webAclId", async () => {
      const waf = await build("dev", { scope: "CLOUDFRONT" });
      expect(() => waf.associate("site", DIST_ARN)).to.throw(/CLOUDFRONT web ACL: CloudFront distributions are not associated; set the distribution's webAclId/);
      await mocks.settle();
      expect(mocks.ofType(T.association)).to.have.length(0);
    });
  });

  describe("protect", () => {
    it("creates no Shield protection when the platform has no Shield Advanced (the default)", async () => {
      const waf = await build("prod", { scope: "CLOUDFRONT" });
      expect(waf.protect("site", DIST_ARN)).to.equal(undefined);
      await mocks.settle();
      expect(mocks.ofType(T.protection)).to.have.length(0);
    });

    it("protects the resource with Shield Advanced when the platform subscribes", async () => {
      const waf = await build("prod", { scope: "CLOUDFRONT", shieldAdvanced: true });
      expect(waf.protect("site", DIST_ARN)).to.be.instanceOf(aws.shield.Protection);
      await mocks.settle();
      const p = mocks.one(T.protection);
      expect(p.inputs.resourceArn).to.equal(DIST_ARN);
      expect(p.inputs.name).to.equal("test-prod-waf-site");
      expect(p.inputs.tags).to.include.keys(...RequiredTagKeys);
    });
  });

  describe("validation", () => {
    const fails = (args: Partial<WebFirewallArgs>, ...messages: string[]) => {
      try {
        new WebFirewall("bad", { context: testContext("dev"), scope: "REGIONAL", kmsKey: KEY_ARN, ...args });
      } catch (e) {
        expect(e).to.be.instanceOf(ComponentArgsError);
        for (const m of messages) expect((e as Error).message).to.include(m);
        return;
      }
      expect.fail("expected the constructor to throw");
    };

    it("rejects an unknown scope, rate limits below 100, unknown keys and Bot Control levels", () => {
      fails({ scope: "GLOBAL" as never }, 'scope = "GLOBAL": must be one of CLOUDFRONT, REGIONAL');
      fails({ rateLimit: 50 }, "rateLimit = 50: must be a whole number from 100");
      fails({ rateLimitKey: "COOKIE" as never }, 'rateLimitKey = "COOKIE"');
      fails({ botControl: "ON" as never }, 'botControl = "ON": must be one of off, COMMON, TARGETED');
    });

    it("rejects non-AWS, baseline and duplicate additional rule groups", () => {
      fails({ additionalManagedRuleGroups: ["MyRules"] }, '"MyRules" is not an AWS managed rule group name');
      fails({ additionalManagedRuleGroups: ["AWSManagedRulesSQLiRuleSet"] }, '"AWSManagedRulesSQLiRuleSet" is already part of the web ACL');
      fails({ additionalManagedRuleGroups: ["AWSManagedRulesBotControlRuleSet"] }, "(use botControl)");
      fails({ additionalManagedRuleGroups: ["AWSManagedRulesLinuxRuleSet", "AWSManagedRulesLinuxRuleSet"] }, "lists a group twice");
    });

    it("rejects a CLOUDFRONT web ACL from another region's stack without a us-east-1 provider", () => {
      try {
        new WebFirewall("edge", { context: testContext("dev", { region: "eu-west-1" }), scope: "CLOUDFRONT", kmsKey: KEY_ARN });
        expect.fail("expected the constructor to throw");
      } catch (e) {
        expect((e as Error).message).to.include("scope CLOUDFRONT in a eu-west-1 stack: CloudFront web ACLs and their aws-waf-logs- log group live in us-east-1");
      }
    });

    it("rejects fraud-control groups without their configuration, JSON fields that are not pointers, bad paths, and a forwarded header without FORWARDED_IP", () => {
      fails({ additionalManagedRuleGroups: ["AWSManagedRulesATPRuleSet"] }, 'additionalManagedRuleGroups: "AWSManagedRulesATPRuleSet" needs its configuration: use accountTakeover');
      fails({ accountTakeover: { loginPath: "login*", payloadType: "JSON", usernameField: "email", passwordField: "/password" } }, 'accountTakeover.loginPath = "login*": must be a URI path', 'accountTakeover.usernameField = "email": a JSON payload\'s field is a JSON pointer such as /email');
      fails({ forwardedIpHeader: "x-viewer-address" }, 'forwardedIpHeader = "x-viewer-address" needs rateLimitKey FORWARDED_IP');
    });

    it("reports every problem at once", () => {
      fails({ rateLimit: 1, botControl: "x" as never }, "invalid arguments (2)");
    });
  });
});
