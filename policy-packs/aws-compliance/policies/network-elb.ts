/**
 * Elastic Load Balancing (FSBP ELB.*, NIST ELB.8 / ELB.16): TLS on listeners (secure protocols,
 * recommended security policies, ACM certificates, HTTP to HTTPS redirects), header and desync
 * protection, deletion protection, access logs, multi-AZ, WAF, and Classic Load Balancer settings.
 * ALB/NLB/GWLB rules match `aws:lb/*` and `aws:alb/*`; Classic rules `aws:elb/*`. Listener rules
 * join each listener to its load balancer (by `loadBalancerArn`) to know its type.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { PolicyMeta } from "../lib/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { azSpread, N, pointingAt, referencedBy, untraceable } from "../lib/tokens-network";
import { referencePolicy, SOURCES, undecidableIfUntraced } from "../lib/references";
import { asArray, get, isUnknown, raw, undecidable } from "../lib/values";

/** A value read through `get` that must be known to decide. */
function known<T = any>(obj: unknown, path: string, label = path): T {
  const v = get(obj, path);
  if (isUnknown(v)) undecidable(label);
  return v as T;
}

/** The ALB/NLB/GWLB type of a v2 load balancer (default application). */
function lbType(props: unknown): string {
  const t = known(props, "loadBalancerType");
  return t === undefined ? "application" : String(t);
}

const isAlb = (props: unknown) => lbType(props) === "application";

/** Load balancer types a rule applies to, from its `loadBalancerTypes` config. */
const typesConfig = (def: string[]) => ({
  loadBalancerTypes: { type: "array", items: { type: "string", enum: ["application", "network", "gateway"] }, description: "Load balancer types this policy applies to.", default: def },
});

// ---------------------------------------------------------------------------------------------
// Load balancer attributes
// ---------------------------------------------------------------------------------------------

export const elbAlbDropInvalidHeaders = resourcePolicy(
  {
    name: "elb-alb-drop-invalid-headers",
    description: "Application Load Balancers must drop HTTP headers with invalid header fields.",
    severity: "medium",
    controls: ["ELB.4"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: "Set `dropInvalidHeaderFields: true` on the application aws.lb.LoadBalancer.",
    resourceTypes: N.loadBalancer,
  },
  ({ props, fail }) => {
    if (!isAlb(props)) return;
    // The default is false.
    if (known(props, "dropInvalidHeaderFields") !== true) fail("`dropInvalidHeaderFields` is not true, so malformed headers reach the targets (request smuggling)", "set `dropInvalidHeaderFields: true`");
  },
);

function desyncPolicy(meta: PolicyMeta, types: readonly string[], applies: (props: unknown) => boolean) {
  return resourcePolicy(
    {
      ...meta,
      resourceTypes: types,
      config: { allowedModes: { type: "array", items: { type: "string" }, description: "Accepted desync mitigation modes.", default: ["defensive", "strictest"] } },
    },
    ({ props, config, fail }) => {
      if (!applies(props)) return;
      // The default mode is "defensive".
      const mode = String(known(props, "desyncMitigationMode") ?? "defensive");
      const allowed = (config.allowedModes as string[]).map(String);
      if (!allowed.includes(mode)) fail(`\`desyncMitigationMode\` is "${mode}", which forwards ambiguous (HTTP desync) requests`, `set \`desyncMitigationMode: "${allowed.includes("defensive") ? "defensive" : allowed[0]}"\``);
    },
  );
}

export const elbAlbDesyncMitigation = desyncPolicy(
  {
    name: "elb-alb-desync-mitigation",
    description: "Application Load Balancers must use defensive or strictest HTTP desync mitigation.",
    severity: "medium",
    controls: ["ELB.12"],
    frameworks: ["FSBP", "PCI DSS"],
    remediationSteps: 'Set `desyncMitigationMode: "defensive"` (the default) or "strictest" on the application aws.lb.LoadBalancer.',
  },
  N.loadBalancer,
  isAlb,
);

export const elbClassicDesyncMitigation = desyncPolicy(
  {
    name: "elb-classic-desync-mitigation",
    description: "Classic Load Balancers must use defensive or strictest HTTP desync mitigation.",
    severity: "medium",
    controls: ["ELB.14"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `desyncMitigationMode: "defensive"` (the default) or "strictest" on the aws.elb.LoadBalancer.',
  },
  N.classicLoadBalancer,
  () => true,
);

export const elbDeletionProtection = resourcePolicy(
  {
    name: "elb-deletion-protection",
    description: "Application, Network and Gateway Load Balancers must have deletion protection enabled.",
    severity: "medium",
    controls: ["ELB.6"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps: "Set `enableDeletionProtection: true` on the aws.lb.LoadBalancer.",
    resourceTypes: N.loadBalancer,
    config: typesConfig(["application", "network", "gateway"]),
  },
  ({ props, config, fail }) => {
    if (!(config.loadBalancerTypes as string[]).includes(lbType(props))) return;
    // The default is false.
    if (known(props, "enableDeletionProtection") !== true) fail("deletion protection is off", "set `enableDeletionProtection: true`");
  },
);

export const elbAccessLogs = referencePolicy(
  {
    name: "elb-access-logs",
    description: "Application and Classic Load Balancers must write access logs to S3.",
    severity: "medium",
    controls: ["ELB.5"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Set `accessLogs: { bucket, enabled: true }` on the aws.lb.LoadBalancer (for aws.elb.LoadBalancer: `accessLogs: { bucket }`, enabled by default); the bucket policy must let the ELB service write.",
    resourceTypes: [...N.loadBalancer, ...N.classicLoadBalancer],
    config: typesConfig(["application"]),
  },
  ({ props, type, config, ref, fail }) => {
    const classic = (N.classicLoadBalancer as readonly string[]).includes(type);
    if (!classic && !(config.loadBalancerTypes as string[]).includes(lbType(props))) return;
    const logs = known(props, "accessLogs");
    if (logs === undefined) {
      fail("no `accessLogs`", "set `accessLogs: { bucket: <log bucket>, enabled: true }`");
      return;
    }
    const enabled = known(logs, "enabled", "accessLogs.enabled");
    // aws.lb: enabled defaults to false even with a bucket; aws.elb: it defaults to true.
    const on = classic ? enabled !== false : enabled === true;
    if (!on) fail("`accessLogs.enabled` is not true", "set `accessLogs.enabled: true`");
    // A bucket unknown at preview counts when it comes from a bucket of the stack (lib/references.ts).
    else if (!ref("accessLogs.bucket", SOURCES.bucket)) fail("`accessLogs` names no bucket", "set `accessLogs.bucket` to the log bucket");
  },
);

export const elbClassicConnectionDraining = resourcePolicy(
  {
    name: "elb-classic-connection-draining",
    description: "Classic Load Balancers must have connection draining enabled.",
    severity: "medium",
    controls: ["ELB.7"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `connectionDraining: true` (and `connectionDrainingTimeout`) on the aws.elb.LoadBalancer.",
    resourceTypes: N.classicLoadBalancer,
  },
  ({ props, fail }) => {
    // The default is false.
    if (props.connectionDraining !== true) fail("connection draining is off, so in-flight requests are cut when instances deregister", "set `connectionDraining: true`");
  },
);

export const elbClassicCrossZone = resourcePolicy(
  {
    name: "elb-classic-cross-zone",
    description: "Classic Load Balancers must have cross-zone load balancing enabled.",
    severity: "medium",
    controls: ["ELB.9"],
    frameworks: ["FSBP", "HIPAA"],
    remediationSteps: "Set `crossZoneLoadBalancing: true` (the default) on the aws.elb.LoadBalancer.",
    resourceTypes: N.classicLoadBalancer,
  },
  ({ props, fail }) => {
    // The default is true.
    if (props.crossZoneLoadBalancing === false) fail("cross-zone load balancing is off", "set `crossZoneLoadBalancing: true`");
  },
);

// ---------------------------------------------------------------------------------------------
// Multiple AZs (ELB.10 Classic, ELB.13 v2)
// ---------------------------------------------------------------------------------------------

const minAzsConfig = { minAzs: { type: "integer", minimum: 1, description: "Fewest Availability Zones a load balancer must span.", default: 2 } };

export const elbClassicMultiAz = stackPolicy(
  {
    name: "elb-classic-multi-az",
    description: "Classic Load Balancers must span at least two Availability Zones.",
    severity: "medium",
    controls: ["ELB.10"],
    frameworks: ["FSBP"],
    remediationSteps: "Give the aws.elb.LoadBalancer `subnets` (or `availabilityZones`) in at least two Availability Zones.",
    config: minAzsConfig,
  },
  ({ forEach, resources, fail, config }) => {
    const min = Number(config.minAzs);
    forEach(N.classicLoadBalancer, (lb) => {
      const subnets = get(lb.props, "subnets");
      if (isUnknown(subnets) || asArray(subnets).length > 0) {
        const spread = azSpread(lb, "subnets", isUnknown(subnets) ? "unknown" : asArray(subnets), resources);
        if (spread.count >= min) return;
        if (spread.uncertain) undecidable("subnets (subnet availabilityZone)");
        fail(lb, `it spans ${spread.count} Availability Zone${spread.count === 1 ? "" : "s"} (${spread.basis}); at least ${min} required`, `set \`subnets\` in ${min} or more AZs`);
        return;
      }
      const azs = asArray(known(lb.props, "availabilityZones"));
      if (azs.some(isUnknown)) undecidable("availabilityZones");
      const n = new Set(azs.map(String)).size;
      if (n < min) fail(lb, `it spans ${n} Availability Zone${n === 1 ? "" : "s"}; at least ${min} required`, `set \`subnets\` (or \`availabilityZones\`) covering ${min} or more AZs`);
    });
  },
);

export const elbMultiAz = stackPolicy(
  {
    name: "elb-multi-az",
    description: "Application, Network and Gateway Load Balancers must span at least two Availability Zones.",
    severity: "medium",
    controls: ["ELB.13"],
    frameworks: ["FSBP"],
    remediationSteps: "Give the aws.lb.LoadBalancer `subnets` (or `subnetMappings`) in at least two Availability Zones (awsx: `vpc.publicSubnetIds` / `vpc.privateSubnetIds`).",
    config: minAzsConfig,
  },
  ({ forEach, resources, fail, config }) => {
    const min = Number(config.minAzs);
    forEach(N.loadBalancer, (lb) => {
      let prop = "subnets";
      let values: unknown[] | "unknown";
      const subnets = get(lb.props, "subnets");
      if (isUnknown(subnets) || asArray(subnets).length > 0) values = isUnknown(subnets) ? "unknown" : asArray(subnets);
      else {
        prop = "subnetMappings";
        const mappings = get(lb.props, "subnetMappings");
        values = isUnknown(mappings) ? "unknown" : asArray(mappings).map((m) => get(m, "subnetId"));
      }
      const spread = azSpread(lb, prop, values, resources);
      if (spread.count >= min) return;
      if (spread.uncertain) undecidable(`${prop} (subnet availabilityZone)`);
      fail(lb, `it spans ${spread.count} Availability Zone${spread.count === 1 ? "" : "s"} (${spread.basis}); at least ${min} required`, `set \`${prop}\` in ${min} or more AZs`);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// ELB.16 WAF on ALBs
// ---------------------------------------------------------------------------------------------

export const elbAlbWaf = stackPolicy(
  {
    name: "elb-alb-waf",
    description: "Application Load Balancers must be associated with an AWS WAF (wafv2) web ACL (ELB.16; for an internet-facing one also BP.Edge.1: a web ACL in front of everything internet-facing).",
    severity: "high",
    controls: ["ELB.16", "BP.Edge.1"],
    frameworks: ["NIST 800-53", "HIPAA", "PCI DSS", "Blueprints"],
    remediationSteps: "Add an aws.wafv2.WebAclAssociation with `resourceArn: alb.arn` and the `webAclArn` of a REGIONAL aws.wafv2.WebAcl.",
    config: {
      internetFacingOnly: { type: "boolean", description: "Only require WAF on internet-facing ALBs (`internal` not true).", default: false },
    },
  },
  ({ forEach, ofType, attached, fail, config }) => {
    const assocs = ofType(N.webAclAssociation);
    forEach(N.loadBalancer, (lb) => {
      if (!isAlb(lb.props)) return;
      const internal = get(lb.props, "internal");
      if (isUnknown(internal)) undecidable(`${lb.name}.internal`);
      if (config.internetFacingOnly === true && internal === true) return;
      if (attached(lb, N.webAclAssociation, "resourceArn").length > 0) return;
      undecidableIfUntraced(lb, untraceable(assocs, "resourceArn", N.loadBalancer), "resourceArn");
      fail(
        lb,
        `is ${internal === true ? "an internal" : "an internet-facing"} Application Load Balancer and no aws.wafv2.WebAclAssociation puts a web ACL in front of it`,
        "add an aws.wafv2.WebAclAssociation with `resourceArn: alb.arn` and a REGIONAL web ACL's `webAclArn`",
        internal === true ? ["ELB.16"] : ["ELB.16", "BP.Edge.1"],
      );
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Listeners (ELB.1, ELB.17, ELB.18, BP.ELB.1)
// ---------------------------------------------------------------------------------------------

/** The listener's protocol, with the provider's defaults, and its load balancer's type when known. */
function listenerProtocol(listener: PolicyResource, lbs: PolicyResource[]): { protocol: string | undefined; lbType: string | undefined } {
  const lb = referencedBy(listener, "loadBalancerArn", lbs)[0];
  const type = lb ? lbType(lb.props) : undefined;
  const p = known(listener.props, "protocol");
  if (p !== undefined) return { protocol: String(p).toUpperCase(), lbType: type };
  // No protocol: HTTP on an ALB (the default), GENEVE on a GWLB (the only one).
  if (type === "gateway") return { protocol: undefined, lbType: type };
  return { protocol: "HTTP", lbType: type };
}

/** True if a listener's default actions redirect to HTTPS. */
function redirectsToHttps(listener: PolicyResource): boolean {
  const actions = asArray(known(listener.props, "defaultActions")).map((a) => raw(a));
  return actions.some((a, i) => {
    const type = known(a, "type", `defaultActions.${i}.type`);
    if (type !== "redirect") return false;
    return String(known(a, "redirect.protocol", `defaultActions.${i}.redirect.protocol`) ?? "").toUpperCase() === "HTTPS";
  });
}

export const elbAlbHttpToHttpsRedirect = stackPolicy(
  {
    name: "elb-alb-http-to-https-redirect",
    description: "HTTP listeners of Application Load Balancers must redirect every request to HTTPS.",
    severity: "medium",
    controls: ["ELB.1"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: 'Make the HTTP aws.lb.Listener\'s default action `{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }`.',
  },
  ({ forEach, ofType, fail }) => {
    const lbs = ofType(N.loadBalancer);
    forEach(N.listener, (listener) => {
      const { protocol, lbType: type } = listenerProtocol(listener, lbs);
      if (protocol !== "HTTP" || (type !== undefined && type !== "application")) return;
      if (!redirectsToHttps(listener)) {
        fail(listener, "this HTTP listener serves requests in clear text instead of redirecting them to HTTPS", 'set `defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]`');
      }
    });
  },
);

export const elbListenerSecureProtocol = stackPolicy(
  {
    name: "elb-listener-secure-protocol",
    description: "Application and Network Load Balancer listeners must use a protocol that encrypts data in transit (HTTPS, TLS).",
    severity: "medium",
    controls: ["ELB.18"],
    frameworks: ["FSBP"],
    remediationSteps:
      'Set `protocol: "HTTPS"` (ALB) or `protocol: "TLS"` (NLB) with a `certificateArn` and `sslPolicy` on the aws.lb.Listener; an HTTP listener may stay only as a redirect to HTTPS.',
    config: {
      secureProtocols: { type: "array", items: { type: "string" }, description: "Listener protocols that encrypt in transit.", default: ["HTTPS", "TLS", "QUIC"] },
      allowHttpRedirect: { type: "boolean", description: "Accept an HTTP listener whose every request is redirected to HTTPS (ELB.1's fix).", default: true },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const lbs = ofType(N.loadBalancer);
    const secure = (config.secureProtocols as string[]).map((p) => String(p).toUpperCase());
    forEach(N.listener, (listener) => {
      const { protocol, lbType: type } = listenerProtocol(listener, lbs);
      if (type === "gateway" || protocol === undefined) return; // GENEVE: no client protocol to encrypt
      if (secure.includes(protocol)) return;
      if (protocol === "HTTP" && config.allowHttpRedirect === true && redirectsToHttps(listener)) return;
      fail(listener, `the listener uses ${protocol}, which does not encrypt data in transit`, `set \`protocol: "${type === "network" ? "TLS" : "HTTPS"}"\` with \`certificateArn\` and a TLS 1.2+ \`sslPolicy\``);
    });
  },
);

export const elbListenerTlsPolicy = resourcePolicy(
  {
    name: "elb-listener-tls-policy",
    description: "HTTPS and TLS listeners must use a recommended security policy that allows TLS 1.2 or later only.",
    severity: "medium",
    controls: ["ELB.17"],
    frameworks: ["FSBP"],
    remediationSteps: 'Set `sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or another TLS 1.2+ policy from this policy\'s config) on the aws.lb.Listener.',
    resourceTypes: N.listener,
    config: {
      allowedSslPolicies: {
        type: "array",
        items: { type: "string" },
        description: "Security policies accepted by name (besides the prefixes below).",
        default: ["ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2020-10"],
      },
      allowedSslPolicyPrefixes: {
        type: "array",
        items: { type: "string" },
        description: "Security policy name prefixes accepted (the TLS 1.3 families whose minimum is TLS 1.2 or 1.3, including FIPS and post-quantum variants).",
        default: ["ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-TLS13-1-3-"],
      },
    },
  },
  ({ props, config, fail }) => {
    const protocol = String(props.protocol ?? "").toUpperCase();
    if (protocol !== "HTTPS" && protocol !== "TLS") return;
    // The provider's default policy is ELBSecurityPolicy-2016-08 (TLS 1.0+).
    const policy = String(props.sslPolicy ?? "ELBSecurityPolicy-2016-08");
    const names = (config.allowedSslPolicies as string[]).map(String);
    const prefixes = (config.allowedSslPolicyPrefixes as string[]).map(String);
    if (names.includes(policy) || prefixes.some((p) => policy.startsWith(p))) return;
    fail(`\`sslPolicy\` is ${props.sslPolicy === undefined ? "not set (defaults to ELBSecurityPolicy-2016-08, which allows TLS 1.0)" : `"${policy}", not a recommended TLS 1.2+ policy`}`, 'set `sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"`');
  },
);

/** "acm", "iam" or "other" for a certificate reference, by value or by the resource it came from. */
function certificateSource(owner: PolicyResource, prop: string, value: unknown): "acm" | "iam" | "unknown" | "other" {
  if (typeof value === "string" && !isUnknown(value)) {
    if (/^arn:aws[a-z-]*:acm:/.test(value)) return "acm";
    if (/^arn:aws[a-z-]*:iam::/.test(value)) return "iam";
    return "other";
  }
  const deps = owner.propertyDependencies?.[prop] ?? [];
  if (deps.some((d) => d.type.startsWith("aws:iam/serverCertificate"))) return "iam";
  if (deps.some((d) => d.type.startsWith("aws:acm/") || d.type.startsWith("aws:acmpca/"))) return "acm";
  return "unknown";
}

export const elbListenerAcmCertificate = stackPolicy(
  {
    name: "elb-listener-acm-certificate",
    description: "HTTPS and TLS listeners of Application and Network Load Balancers must use certificates from AWS Certificate Manager.",
    severity: "medium",
    controls: ["BP.ELB.1"],
    frameworks: ["Blueprints", "HIPAA", "PCI DSS"],
    remediationSteps: "Issue the certificate with aws.acm.Certificate (validated by aws.acm.CertificateValidation) and pass its ARN as `certificateArn` of the aws.lb.Listener / aws.lb.ListenerCertificate.",
  },
  ({ forEach, fail }) => {
    forEach([...N.listener, ...N.listenerCertificate], (r) => {
      if ((N.listener as readonly string[]).includes(r.type)) {
        const protocol = String(known(r.props, "protocol") ?? "").toUpperCase();
        if (protocol !== "HTTPS" && protocol !== "TLS") return;
      }
      const arn = get(r.props, "certificateArn");
      if (arn === undefined) return; // HTTPS/TLS listeners cannot deploy without one.
      const src = certificateSource(r, "certificateArn", arn);
      if (src === "acm") return;
      if (src === "unknown") undecidable("certificateArn");
      fail(r, src === "iam" ? "its certificate is an IAM server certificate (no managed renewal)" : `its certificate "${arn}" is not from ACM`, "issue the certificate with aws.acm.Certificate and pass its ARN as `certificateArn`");
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Classic Load Balancer listeners (ELB.2, ELB.3, ELB.8)
// ---------------------------------------------------------------------------------------------

const SECURE_CLB = ["HTTPS", "SSL"];

function classicListeners(lb: PolicyResource): Array<{ i: number; lbProtocol: string; lbPort: unknown; cert: unknown }> {
  return asArray(known(lb.props, "listeners")).map((l, i) => ({
    i,
    lbProtocol: String(known(l, "lbProtocol", `listeners.${i}.lbProtocol`)).toUpperCase(),
    lbPort: get(l, "lbPort"),
    cert: get(l, "sslCertificateId"),
  }));
}

export const elbClassicSecureListeners = stackPolicy(
  {
    name: "elb-classic-secure-listeners",
    description: "Classic Load Balancer listeners must terminate HTTPS or SSL/TLS.",
    severity: "medium",
    controls: ["ELB.3"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: 'Set `lbProtocol: "https"` (or "ssl") with an ACM `sslCertificateId` on every `listeners` entry of the aws.elb.LoadBalancer (better: migrate to an ALB).',
  },
  ({ forEach, fail }) => {
    forEach(N.classicLoadBalancer, (lb) => {
      const bad = classicListeners(lb).filter((l) => !SECURE_CLB.includes(l.lbProtocol));
      if (bad.length > 0) fail(lb, `${bad.map((l) => `listeners[${l.i}] (${l.lbProtocol} ${isUnknown(l.lbPort) ? "?" : l.lbPort})`).join(", ")} do${bad.length > 1 ? "" : "es"} not encrypt in transit`, 'set `lbProtocol: "https"` (or "ssl") with an ACM `sslCertificateId`');
    });
  },
);

export const elbClassicAcmCertificate = stackPolicy(
  {
    name: "elb-classic-acm-certificate",
    description: "Classic Load Balancers with HTTPS/SSL listeners must use certificates from AWS Certificate Manager.",
    severity: "medium",
    controls: ["ELB.2"],
    frameworks: ["FSBP", "HIPAA", "PCI DSS"],
    remediationSteps: "Issue the certificate with aws.acm.Certificate and set its ARN as `sslCertificateId` of every HTTPS/SSL `listeners` entry of the aws.elb.LoadBalancer.",
  },
  ({ forEach, fail }) => {
    forEach(N.classicLoadBalancer, (lb) => {
      const bad: string[] = [];
      let unknown = false;
      for (const l of classicListeners(lb)) {
        if (!SECURE_CLB.includes(l.lbProtocol)) continue;
        const src = certificateSource(lb, "listeners", l.cert);
        if (src === "unknown") unknown = true;
        else if (src !== "acm") bad.push(`listeners[${l.i}] uses ${src === "iam" ? "an IAM server certificate" : `"${l.cert}"`}`);
      }
      if (bad.length > 0) fail(lb, bad.join("; "), "set `sslCertificateId` to an aws.acm.Certificate ARN");
      else if (unknown) undecidable("listeners.sslCertificateId");
    });
  },
);

export const elbClassicSslPolicy = stackPolicy(
  {
    name: "elb-classic-ssl-policy",
    description: "Classic Load Balancer HTTPS/SSL listeners must use a strong predefined security policy.",
    severity: "medium",
    controls: ["ELB.8"],
    frameworks: ["NIST 800-53", "HIPAA"],
    remediationSteps:
      'For each HTTPS/SSL port, add an aws.elb.LoadBalancerPolicy (`policyTypeName: "SSLNegotiationPolicyType"`, `policyAttributes: [{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-TLS-1-2-2017-01" }]`) and an aws.elb.ListenerPolicy that sets it on the port.',
    config: {
      allowedPolicies: { type: "array", items: { type: "string" }, description: "Predefined security policies accepted as Reference-Security-Policy.", default: ["ELBSecurityPolicy-TLS-1-2-2017-01"] },
    },
  },
  ({ forEach, ofType, fail, config }) => {
    const allowed = (config.allowedPolicies as string[]).map(String);
    const listenerPolicies = ofType(N.classicListenerPolicy);
    const lbPolicies = ofType(N.classicLoadBalancerPolicy);
    const sslPolicies = ofType(N.classicSslNegotiationPolicy);
    const reference = (attrs: unknown, path: string): string | undefined => {
      if (isUnknown(attrs)) undecidable(path);
      for (const a of asArray(attrs)) {
        if (get(a, "name") === "Reference-Security-Policy") return String(known(a, "value", `${path}.value`));
      }
      return undefined;
    };
    forEach(N.classicLoadBalancer, (lb) => {
      const problems: string[] = [];
      for (const l of classicListeners(lb)) {
        if (!SECURE_CLB.includes(l.lbProtocol)) continue;
        if (isUnknown(l.lbPort)) undecidable(`listeners.${l.i}.lbPort`);
        const port = Number(l.lbPort);
        const refs: Array<string | undefined> = [];
        for (const lp of pointingAt(listenerPolicies, "loadBalancerName", lb)) {
          if (Number(known(lp.props, "loadBalancerPort", `${lp.name}.loadBalancerPort`)) !== port) continue;
          const names = asArray(known(lp.props, "policyNames", `${lp.name}.policyNames`));
          for (const p of pointingAt(lbPolicies, "loadBalancerName", lb)) {
            const pname = get(p.props, "policyName");
            if (!names.includes(pname) && !(lp.propertyDependencies?.policyNames ?? []).some((d) => d.urn === p.urn)) continue;
            if (known(p.props, "policyTypeName", `${p.name}.policyTypeName`) !== "SSLNegotiationPolicyType") continue;
            refs.push(reference(get(p.props, "policyAttributes"), `${p.name}.policyAttributes`));
          }
        }
        for (const sp of pointingAt(sslPolicies, "loadBalancer", lb)) {
          if (Number(known(sp.props, "lbPort", `${sp.name}.lbPort`)) !== port) continue;
          refs.push(reference(get(sp.props, "attributes"), `${sp.name}.attributes`));
        }
        const strong = refs.find((r) => r !== undefined && allowed.includes(r));
        if (strong) continue;
        const used = refs.find((r) => r !== undefined);
        problems.push(`port ${port} uses ${refs.length === 0 ? "the default policy (ELBSecurityPolicy-2016-08, TLS 1.0+)" : used ? `"${used}"` : "a custom cipher list, not a predefined policy"}`);
      }
      if (problems.length > 0) {
        fail(lb, problems.join("; "), `attach an aws.elb.LoadBalancerPolicy of type SSLNegotiationPolicyType with Reference-Security-Policy "${allowed[0]}" to the port through an aws.elb.ListenerPolicy`);
      }
    });
  },
);

export const policies = [
  elbAlbHttpToHttpsRedirect,
  elbClassicAcmCertificate,
  elbClassicSecureListeners,
  elbAlbDropInvalidHeaders,
  elbAccessLogs,
  elbDeletionProtection,
  elbClassicConnectionDraining,
  elbClassicSslPolicy,
  elbClassicCrossZone,
  elbClassicMultiAz,
  elbAlbDesyncMitigation,
  elbMultiAz,
  elbClassicDesyncMitigation,
  elbAlbWaf,
  elbListenerTlsPolicy,
  elbListenerSecureProtocol,
  elbListenerAcmCertificate,
];

/** Every ELB control of the catalog is decidable from a program's resources. */
export const notDecidable: Record<string, string> = {};
