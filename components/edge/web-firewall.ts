/**
 * An AWS WAF (v2) web ACL with AWS managed rule groups and a per-client rate limit, logging to an
 * encrypted `aws-waf-logs-` log group with credentials redacted, and CloudWatch metrics on every
 * rule. Count mode in dev (observe, tune), block in prod: the profile's `wafAction`.
 *
 * | rule (priority)                            | what                                      | WCU | dev   | prod  |
 * |--------------------------------------------|-------------------------------------------|-----|-------|-------|
 * | `RateLimitPerClient` (0)                   | requests per 5 min per client IP          | 2   | count | block |
 * | `AWSManagedRulesAmazonIpReputationList` (10)| known malicious IPs                       | 25  | count | block |
 * | `AWSManagedRulesCommonRuleSet` (20)        | OWASP-style core rules                    | 700 | count | block |
 * | `AWSManagedRulesKnownBadInputsRuleSet` (30)| exploit patterns (Log4j, ...)             | 200 | count | block |
 * | `AWSManagedRulesSQLiRuleSet` (40)          | SQL injection                             | 200 | count | block |
 * | `additionalManagedRuleGroups` (50+)        | what the workload adds (e.g. AnonymousIpList) |  | count | block |
 * | `AWSManagedRulesBotControlRuleSet`         | bots; prod only by default (extra cost)   | 50  | off   | block |
 * | `AWSManagedRulesATPRuleSet` (`accountTakeover`) | credential stuffing on the login path  | 50  | count | block |
 * | `AWSManagedRulesACFPRuleSet` (`accountCreation`) | fake accounts on the sign-up path     | 50  | count | block |
 *
 * About 1,180 WCU with Bot Control: inside the 1,500 WCU of the base price. WAF.10 (rules), WAF.11
 * (logging), WAF.12 (metrics).
 *
 * ## Scope and region
 * `CLOUDFRONT` web ACLs live in us-east-1 (set on the ACL and its logging configuration here);
 * their log group and its key must be in us-east-1 too. A stack in another region passes a
 * us-east-1 provider in the component options (`{ providers: { aws: usEast1 } }`) and a us-east-1
 * key; the component refuses to build otherwise. `REGIONAL` ACLs live in the stack's region.
 *
 * ## Shield Advanced
 * `shieldAdvanced` is a plain boolean on purpose: whether a resource exists must be known when the
 * program runs, and an `Output<boolean>` (a StackReference output) is not. Resolve it first, from
 * the stack's config or by awaiting the platform's output, e.g.
 * `const active = (await platform.stack.getOutputDetails("shieldAdvancedActive")).value === true`.
 * With it false, `protect()` creates nothing (the subscription is a platform-level purchase).
 *
 * ## Logging
 * WAF writes to CloudWatch Logs through the log group's resource policy, which WAF adds itself
 * when logging is enabled by a caller allowed `logs:PutResourcePolicy` and
 * `logs:DescribeResourcePolicies` (the deploy role).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { EncryptedLogGroup } from "../observability/log-group";
import { KeyReference } from "../security/encryption-key";
import { throwIfProblems } from "../security/policy-document";

export const WebAclScopes = ["CLOUDFRONT", "REGIONAL"] as const;
export type WebAclScope = (typeof WebAclScopes)[number];

/** Bot Control: off, `COMMON` (self-identifying bots) or `TARGETED` (evasive bots, ML; more cost). */
export const BotControlLevels = ["off", "COMMON", "TARGETED"] as const;
export type BotControlLevel = (typeof BotControlLevels)[number];

/** What the rate rule counts requests by: the connecting IP, or the first `X-Forwarded-For` address (behind a proxy). */
export const RateLimitKeys = ["IP", "FORWARDED_IP"] as const;
export type RateLimitKey = (typeof RateLimitKeys)[number];

/** The managed rule groups every web ACL runs, in priority order. */
export const BaselineManagedRuleGroups = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
] as const;

/** Requests by URI path: ends with one of `endsWith` or starts with one of `startsWith` (case-insensitive). */
export interface PathMatch {
  endsWith?: readonly string[];
  startsWith?: readonly string[];
}

/** Request headers whose values never reach the WAF logs (credentials and sessions). */
export const RedactedHeaders = ["authorization", "cookie"] as const;

export interface WebFirewallArgs {
  /** The stack's context (tags, profile, region). Required. */
  context: BlueprintContext;
  /** `CLOUDFRONT` (for a distribution's `webAclId`; us-east-1) or `REGIONAL` (ALBs, API Gateway stages). Required. */
  scope: WebAclScope;
  /** KMS key for the log group, in the ACL's region, whose policy allows the `logs` service principal. Required. */
  kmsKey: KeyReference;
  /** The platform subscribes to Shield Advanced, so `protect()` creates protections: a plain boolean (see the file's doc). Default: false. */
  shieldAdvanced?: boolean;
  /** Requests per 5 minutes per client before the rate rule acts, 100 or more. Default: the profile's `wafRateLimit`. */
  rateLimit?: number;
  /** What the rate rule keys on: `IP`, or `FORWARDED_IP` (first `X-Forwarded-For` address) for an ACL behind a proxy or CDN. Default: `IP`. */
  rateLimitKey?: RateLimitKey;
  /**
   * The header whose address the rate rule counts with `rateLimitKey: FORWARDED_IP`. The first
   * `X-Forwarded-For` address is whatever the client wrote; behind CloudFront, use a header the edge
   * sets itself, such as CdnSite's `ViewerAddressHeader`. Default: `X-Forwarded-For`.
   */
  forwardedIpHeader?: string;
  /** Bot Control level. Default: `COMMON` in prod, `off` in dev (it costs per request). */
  botControl?: BotControlLevel;
  /**
   * Account takeover prevention (AWS WAF Fraud Control ATP) on the login endpoint: the path and
   * where the username and password are in its POST body (JSON pointers such as `/email` for
   * `JSON`, field names for `FORM_ENCODED`). CLOUDFRONT ACLs also inspect the response (2xx
   * success, 401/403 failure). Default: none (priced per request to the path).
   */
  accountTakeover?: { loginPath: string; payloadType: "JSON" | "FORM_ENCODED"; usernameField: string; passwordField: string };
  /**
   * Account creation fraud prevention (ACFP) on sign-up: the registration page viewers load, the
   * path its form posts to, and where the fields are (as for `accountTakeover`). Default: none.
   */
  accountCreation?: { registrationPagePath: string; creationPath: string; payloadType: "JSON" | "FORM_ENCODED"; usernameField: string; passwordField: string; emailField: string };
  /** Only these requests count toward the rate limit (e.g. video manifests, not cached segments). Default: every request. */
  rateLimitOnly?: PathMatch;
  /** Requests Bot Control does not inspect (e.g. video segments: many per viewer, cached, and billed per request). Default: none. */
  botControlSkips?: PathMatch;
  /** More AWS managed rule groups by name (e.g. `AWSManagedRulesAnonymousIpList`), after the baseline. Default: none. */
  additionalManagedRuleGroups?: readonly string[];
  /** Days to keep WAF logs. Default: the profile's `logRetentionDays`. */
  logRetentionInDays?: number;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

export class WebFirewall extends pulumi.ComponentResource {
  /** The web ACL. */
  readonly webAcl: aws.wafv2.WebAcl;
  /** Its ARN (what a CloudFront distribution's `webAclId` and an association take). */
  readonly webAclArn: pulumi.Output<string>;
  /** Its id. */
  readonly webAclId: pulumi.Output<string>;
  /** The `aws-waf-logs-` log group's ARN. */
  readonly logGroupArn: pulumi.Output<string>;
  /** The ACL's scope. */
  readonly scope: WebAclScope;
  /** Whether `protect()` creates Shield Advanced protections. */
  readonly shieldAdvanced: boolean;

  private readonly componentName: string;
  private readonly context: BlueprintContext;

  constructor(name: string, args: WebFirewallArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:edge:WebFirewall", name, {}, opts);
    const { context } = args;
    const profile = context.profile;
    const rateLimit = args.rateLimit ?? profile.wafRateLimit;
    const rateLimitKey = args.rateLimitKey ?? "IP";
    const botControl = args.botControl ?? (profile.environment === "prod" ? "COMMON" : "off");
    const extraGroups = [...(args.additionalManagedRuleGroups ?? [])];
    const forwardedIpHeader = args.forwardedIpHeader ?? "X-Forwarded-For";

    const problems: string[] = [];
    if (!(WebAclScopes as readonly string[]).includes(args.scope)) problems.push(`scope = "${args.scope}": must be one of ${WebAclScopes.join(", ")}`);
    if (!Number.isInteger(rateLimit) || rateLimit < 100 || rateLimit > 2_000_000_000) problems.push(`rateLimit = ${rateLimit}: must be a whole number from 100 to 2,000,000,000 requests per 5 minutes`);
    if (!(RateLimitKeys as readonly string[]).includes(rateLimitKey)) problems.push(`rateLimitKey = "${rateLimitKey}": must be one of ${RateLimitKeys.join(", ")}`);
    if (!(BotControlLevels as readonly string[]).includes(botControl)) problems.push(`botControl = "${botControl}": must be one of ${BotControlLevels.join(", ")}`);
    for (const g of extraGroups) {
      if (!/^AWSManagedRules[A-Za-z0-9]+$/.test(g)) problems.push(`additionalManagedRuleGroups: "${g}" is not an AWS managed rule group name (AWSManagedRules...)`);
      else if ((BaselineManagedRuleGroups as readonly string[]).includes(g) || g === "AWSManagedRulesBotControlRuleSet") {
        problems.push(`additionalManagedRuleGroups: "${g}" is already part of the web ACL${g === "AWSManagedRulesBotControlRuleSet" ? " (use botControl)" : ""}`);
      }
    }
    if (new Set(extraGroups).size !== extraGroups.length) problems.push("additionalManagedRuleGroups lists a group twice");
    for (const g of ["AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet"]) if (extraGroups.includes(g)) problems.push(`additionalManagedRuleGroups: "${g}" needs its configuration: use accountTakeover / accountCreation`);
    if (args.forwardedIpHeader !== undefined && rateLimitKey !== "FORWARDED_IP") problems.push(`forwardedIpHeader = "${args.forwardedIpHeader}" needs rateLimitKey FORWARDED_IP`);
    if (!/^[A-Za-z0-9-]{1,255}$/.test(forwardedIpHeader)) problems.push(`forwardedIpHeader = "${forwardedIpHeader}": must be an HTTP header name`);
    const paths: [string, string | undefined][] = [
      ["accountTakeover.loginPath", args.accountTakeover?.loginPath],
      ["accountCreation.registrationPagePath", args.accountCreation?.registrationPagePath],
      ["accountCreation.creationPath", args.accountCreation?.creationPath],
    ];
    for (const [k, v] of paths) if (v !== undefined && !/^\/[^\s*]*$/.test(v)) problems.push(`${k} = "${v}": must be a URI path starting with / (no wildcards)`);
    for (const [k, c] of [["accountTakeover", args.accountTakeover], ["accountCreation", args.accountCreation]] as const) {
      if (c && c.payloadType !== "JSON" && c.payloadType !== "FORM_ENCODED") problems.push(`${k}.payloadType = "${c.payloadType}": must be JSON or FORM_ENCODED`);
      if (c?.payloadType === "JSON") {
        for (const [f, v] of Object.entries(c).filter(([f]) => f.endsWith("Field"))) if (!String(v).startsWith("/")) problems.push(`${k}.${f} = "${v}": a JSON payload's field is a JSON pointer such as /${v}`);
      }
    }
    for (const [arg, m] of [["rateLimitOnly", args.rateLimitOnly], ["botControlSkips", args.botControlSkips]] as const) {
      if (m === undefined) continue;
      const all = [...(m.endsWith ?? []), ...(m.startsWith ?? [])];
      if (all.length === 0) problems.push(`${arg} matches nothing: give endsWith or startsWith values, or leave it out`);
      for (const v of all) if (v.length === 0 || v.length > 200 || v !== v.toLowerCase()) problems.push(`${arg}: "${v}" must be 1 to 200 lower-case characters (paths are compared lower-cased)`);
    }
    if (args.scope === "CLOUDFRONT" && context.region !== "us-east-1" && opts.provider === undefined && opts.providers === undefined) {
      problems.push(
        `scope CLOUDFRONT in a ${context.region} stack: CloudFront web ACLs and their aws-waf-logs- log group live in us-east-1; pass a us-east-1 provider in the options ({ providers: { aws: usEast1 } }) and a us-east-1 kmsKey`,
      );
    }
    throwIfProblems(`WebFirewall ${name}`, problems);

    this.componentName = name;
    this.context = context;
    this.scope = args.scope;
    this.shieldAdvanced = args.shieldAdvanced ?? false;
    const physical = physicalName(context, name);
    const metric = (suffix: string) => `${physical}-${suffix}`.slice(0, 128);
    const visibility = (suffix: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: metric(suffix) });
    const count = profile.wafAction === "count";
    // Managed groups: `count` overrides every rule's action to count; `none` keeps the group's own (block).
    const overrideAction = count ? { count: {} } : { none: {} };
    const region = args.scope === "CLOUDFRONT" ? { region: "us-east-1" } : {};
    const tags = withTags(context.tags, args.tags ?? {}, physical);

    const managed = (groupName: string, priority: number, config?: aws.types.input.wafv2.WebAclRuleStatementManagedRuleGroupStatementManagedRuleGroupConfig) => ({
      name: groupName,
      priority,
      overrideAction,
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: groupName, ...(config ? { managedRuleGroupConfigs: [config] } : {}) } },
      visibilityConfig: visibility(groupName),
    });

    const lastPriority = 10 * (BaselineManagedRuleGroups.length + 1 + extraGroups.length);
    const rules: aws.types.input.wafv2.WebAclRule[] = [
      {
        name: "RateLimitPerClient",
        priority: 0,
        action: count ? { count: {} } : { block: {} },
        statement: {
          rateBasedStatement: {
            limit: rateLimit,
            evaluationWindowSec: 300,
            aggregateKeyType: rateLimitKey,
            // No valid address in the header: counted (and limited) together, never waved through.
            ...(rateLimitKey === "FORWARDED_IP" ? { forwardedIpConfig: { headerName: forwardedIpHeader, fallbackBehavior: "MATCH" } } : {}),
            ...(args.rateLimitOnly ? { scopeDownStatement: pathMatchStatement(args.rateLimitOnly) } : {}),
          },
        },
        visibilityConfig: visibility("RateLimitPerClient"),
      },
      ...BaselineManagedRuleGroups.map((g, i) => managed(g, 10 * (i + 1))),
      ...extraGroups.map((g, i) => managed(g, 10 * (BaselineManagedRuleGroups.length + 1 + i))),
      ...(botControl === "off"
        ? []
        : [
            // Last: requests the cheaper rules already blocked are not billed for Bot Control.
            ((rule) =>
              args.botControlSkips
                ? { ...rule, statement: { managedRuleGroupStatement: { ...rule.statement.managedRuleGroupStatement, scopeDownStatement: { notStatement: { statements: [pathMatchStatement(args.botControlSkips)] } } } } }
                : rule)(
              managed("AWSManagedRulesBotControlRuleSet", lastPriority, {
                awsManagedRulesBotControlRuleSet: { inspectionLevel: botControl, enableMachineLearning: botControl === "TARGETED" },
              }),
            ),
          ]),
      ...(args.accountTakeover
        ? [
            managed("AWSManagedRulesATPRuleSet", lastPriority + 10, {
              awsManagedRulesAtpRuleSet: {
                loginPath: args.accountTakeover.loginPath,
                requestInspection: {
                  payloadType: args.accountTakeover.payloadType,
                  usernameField: { identifier: args.accountTakeover.usernameField },
                  passwordField: { identifier: args.accountTakeover.passwordField },
                },
                ...(args.scope === "CLOUDFRONT" ? { responseInspection: { statusCode: { successCodes: [200, 201, 204], failureCodes: [400, 401, 403] } } } : {}),
              },
            }),
          ]
        : []),
      ...(args.accountCreation
        ? [
            managed("AWSManagedRulesACFPRuleSet", lastPriority + 20, {
              awsManagedRulesAcfpRuleSet: {
                registrationPagePath: args.accountCreation.registrationPagePath,
                creationPath: args.accountCreation.creationPath,
                requestInspection: {
                  payloadType: args.accountCreation.payloadType,
                  usernameField: { identifier: args.accountCreation.usernameField },
                  passwordField: { identifier: args.accountCreation.passwordField },
                  emailField: { identifier: args.accountCreation.emailField },
                },
                ...(args.scope === "CLOUDFRONT" ? { responseInspection: { statusCode: { successCodes: [200, 201], failureCodes: [400, 403, 409] } } } : {}),
              },
            }),
          ]
        : []),
    ];

    this.webAcl = new aws.wafv2.WebAcl(
      name,
      {
        ...region,
        scope: args.scope,
        description: `${physical}: AWS managed rules and a rate limit (${count ? "count" : "block"} mode)`,
        defaultAction: { allow: {} },
        rules,
        visibilityConfig: visibility("web-acl"),
        tags,
      },
      { parent: this },
    );

    const logGroup = new EncryptedLogGroup(
      `${name}-logs`,
      {
        context,
        kmsKey: args.kmsKey,
        // WAF only delivers to log groups whose name starts with aws-waf-logs-.
        logGroupName: `aws-waf-logs-${physical}`,
        ...(args.logRetentionInDays !== undefined ? { retentionInDays: args.logRetentionInDays } : {}),
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      name,
      {
        ...region,
        resourceArn: this.webAcl.arn,
        logDestinationConfigs: [logGroup.arn],
        redactedFields: RedactedHeaders.map((h) => ({ singleHeader: { name: h } })),
      },
      { parent: this },
    );

    this.webAclArn = this.webAcl.arn;
    this.webAclId = this.webAcl.id;
    this.logGroupArn = logGroup.arn;
    this.registerOutputs({ webAclArn: this.webAclArn, webAclId: this.webAclId, logGroupArn: this.logGroupArn });
  }

  /**
   * Put the web ACL in front of a regional resource (an ALB, an API Gateway REST stage, a Cognito
   * user pool) by its ARN. REGIONAL scope only: a CloudFront distribution takes the ACL's ARN in
   * its own `webAclId` instead.
   */
  associate(name: string, resourceArn: pulumi.Input<string>): aws.wafv2.WebAclAssociation {
    if (this.scope === "CLOUDFRONT") {
      throw new Error(
        `WebFirewall ${this.componentName}: associate("${name}") on a CLOUDFRONT web ACL: CloudFront distributions are not associated; set the distribution's webAclId to this firewall's webAclArn (CdnSite's webAcl does it)`,
      );
    }
    return new aws.wafv2.WebAclAssociation(`${this.componentName}-${name}`, { resourceArn, webAclArn: this.webAclArn }, { parent: this });
  }

  /**
   * Shield Advanced protection for a resource (distribution, ALB, Elastic IP, hosted zone) by ARN,
   * when the platform subscribes (`shieldAdvanced`); otherwise nothing, and `undefined`.
   */
  protect(name: string, resourceArn: pulumi.Input<string>): aws.shield.Protection | undefined {
    if (!this.shieldAdvanced) return undefined;
    const physical = physicalName(this.context, `${this.componentName}-${name}`, 128);
    return new aws.shield.Protection(
      `${this.componentName}-${name}`,
      { name: physical, resourceArn, tags: withTags(this.context.tags, {}, physical) },
      { parent: this },
    );
  }
}

/** A WAF statement matching a `PathMatch` (one byte match, or an OR of several), on the lower-cased URI path. */
export function pathMatchStatement(m: PathMatch): aws.types.input.wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatement {
  const one = (positionalConstraint: "ENDS_WITH" | "STARTS_WITH", searchString: string) => ({
    byteMatchStatement: { searchString, positionalConstraint, fieldToMatch: { uriPath: {} }, textTransformations: [{ priority: 0, type: "LOWERCASE" }] },
  });
  const statements = [...(m.endsWith ?? []).map((v) => one("ENDS_WITH", v)), ...(m.startsWith ?? []).map((v) => one("STARTS_WITH", v))];
  return statements.length === 1 ? statements[0]! : { orStatement: { statements } };
}
