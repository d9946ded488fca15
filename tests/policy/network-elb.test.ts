import { expect } from "chai";
import * as elb from "../../policy-packs/aws-compliance/policies/network-elb";
import { res, UNKNOWN } from "../helpers/policy";
import { describePolicy, head } from "./network-cases";

const T = {
  lb: "aws:lb/loadBalancer:LoadBalancer",
  alb: "aws:alb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  albListener: "aws:alb/listener:Listener",
  listenerCert: "aws:lb/listenerCertificate:ListenerCertificate",
  clb: "aws:elb/loadBalancer:LoadBalancer",
  clbPolicy: "aws:elb/loadBalancerPolicy:LoadBalancerPolicy",
  clbListenerPolicy: "aws:elb/listenerPolicy:ListenerPolicy",
  sslNegotiation: "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy",
  subnet: "aws:ec2/subnet:Subnet",
  awsxVpc: "awsx:ec2:Vpc",
  waf: "aws:wafv2/webAclAssociation:WebAclAssociation",
  acmCert: "aws:acm/certificate:Certificate",
  iamCert: "aws:iam/serverCertificate:ServerCertificate",
};
const ACM = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
const IAM = "arn:aws:iam::123456789012:server-certificate/legacy";
const httpsListener = { lbPort: 443, lbProtocol: "https", instancePort: 8080, instanceProtocol: "http", sslCertificateId: ACM };

// ---------------------------------------------------------------------------------------------
// Load balancer attributes
// ---------------------------------------------------------------------------------------------

{
  const p = elb.elbAlbDropInvalidHeaders;
  const bare = res(T.lb, {}, { name: "web" });
  const aliased = res(T.alb, { loadBalancerType: "application", dropInvalidHeaderFields: false }, { name: "web-alb" });
  describePolicy(p, [
    { it: "passes dropInvalidHeaderFields: true", resources: [res(T.lb, { dropInvalidHeaderFields: true })], expect: "pass" },
    { it: "ignores network load balancers", resources: [res(T.lb, { loadBalancerType: "network" })], expect: "pass" },
    { it: "fails the default (aws:lb token)", resources: [bare], expect: [[head(p, bare), "dropInvalidHeaderFields: true"]] },
    { it: "fails false (aws:alb alias token)", resources: [aliased], expect: [[head(p, aliased)]] },
    { it: "is undecidable when it is unknown", resources: [res(T.lb, { dropInvalidHeaderFields: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbAlbDesyncMitigation;
  const monitor = res(T.lb, { desyncMitigationMode: "monitor" }, { name: "web" });
  const dflt = res(T.alb, {}, { name: "default" });
  describePolicy(p, [
    { it: "passes the default (defensive) and strictest", resources: [dflt, res(T.lb, { desyncMitigationMode: "strictest" })], expect: "pass" },
    { it: "fails monitor", resources: [monitor], expect: [[head(p, monitor), '"monitor"', 'desyncMitigationMode: "defensive"']] },
    { it: "reads the accepted modes from config", resources: [dflt], config: { allowedModes: ["strictest"] }, expect: [[head(p, dflt), '"defensive"', '"strictest"']] },
    { it: "is undecidable when it is unknown", resources: [res(T.lb, { desyncMitigationMode: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbClassicDesyncMitigation;
  const monitor = res(T.clb, { listeners: [httpsListener], desyncMitigationMode: "monitor" }, { name: "classic" });
  describePolicy(p, [
    { it: "passes the default", resources: [res(T.clb, { listeners: [httpsListener] })], expect: "pass" },
    { it: "fails monitor", resources: [monitor], expect: [[head(p, monitor), '"monitor"']] },
    { it: "reads the accepted modes from config", resources: [monitor], config: { allowedModes: ["monitor", "defensive"] }, expect: "pass" },
    { it: "is undecidable when it is unknown", resources: [res(T.clb, { listeners: [], desyncMitigationMode: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbDeletionProtection;
  const alb = res(T.lb, {}, { name: "web" });
  const nlb = res(T.lb, { loadBalancerType: "network" }, { name: "tcp" });
  describePolicy(p, [
    { it: "passes deletion protection on", resources: [res(T.lb, { enableDeletionProtection: true })], expect: "pass" },
    { it: "fails ALBs and NLBs without it", resources: [alb, nlb], expect: [[head(p, alb), "enableDeletionProtection: true"], [head(p, nlb)]] },
    { it: "reads the load balancer types from config", resources: [nlb], config: { loadBalancerTypes: ["application"] }, expect: "pass" },
    { it: "is undecidable when it is unknown", resources: [res(T.lb, { enableDeletionProtection: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbAccessLogs;
  const bucketOnly = res(T.lb, { accessLogs: { bucket: "logs" } }, { name: "web" });
  const none = res(T.clb, { listeners: [httpsListener] }, { name: "classic" });
  const nlb = res(T.lb, { loadBalancerType: "network" }, { name: "tcp" });
  const logBucket = res("aws:s3/bucket:Bucket", {}, { name: "lb-logs" });
  describePolicy(p, [
    { it: "passes an ALB logging to a bucket of the stack (unknown at preview)", resources: [logBucket, res(T.lb, { accessLogs: { bucket: UNKNOWN, enabled: true } }, { deps: { accessLogs: [logBucket] } })], expect: "pass" },
    { it: "is undecidable when the bucket is unknown and comes from no bucket", resources: [res(T.lb, { accessLogs: { bucket: UNKNOWN, enabled: true } })], expect: "unknown" },
    { it: "passes a classic LB with a bucket (enabled by default)", resources: [res(T.clb, { listeners: [httpsListener], accessLogs: { bucket: "logs" } })], expect: "pass" },
    { it: "skips network load balancers by default", resources: [nlb], expect: "pass" },
    { it: "fails an ALB with a bucket but enabled left false", resources: [bucketOnly], expect: [[head(p, bucketOnly), "`accessLogs.enabled` is not true", "accessLogs.enabled: true"]] },
    { it: "fails a classic LB without access logs", resources: [none], expect: [[head(p, none), "no `accessLogs`"]] },
    { it: "covers network load balancers when config lists them", resources: [nlb], config: { loadBalancerTypes: ["application", "network"] }, expect: [[head(p, nlb)]] },
    { it: "is undecidable when enabled is unknown", resources: [res(T.lb, { accessLogs: { bucket: "b", enabled: UNKNOWN } })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbClassicConnectionDraining;
  const off = res(T.clb, { listeners: [httpsListener] }, { name: "classic" });
  describePolicy(p, [
    { it: "passes connection draining on", resources: [res(T.clb, { listeners: [httpsListener], connectionDraining: true })], expect: "pass" },
    { it: "fails the default (off)", resources: [off], expect: [[head(p, off), "connectionDraining: true"]] },
    { it: "cannot run during preview when it is unknown", resources: [res(T.clb, { listeners: [], connectionDraining: UNKNOWN })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbClassicCrossZone;
  const off = res(T.clb, { listeners: [httpsListener], crossZoneLoadBalancing: false }, { name: "classic" });
  describePolicy(p, [
    { it: "passes the default (on)", resources: [res(T.clb, { listeners: [httpsListener] })], expect: "pass" },
    { it: "fails crossZoneLoadBalancing: false", resources: [off], expect: [[head(p, off), "crossZoneLoadBalancing: true"]] },
    { it: "cannot run during preview when it is unknown", resources: [res(T.clb, { listeners: [], crossZoneLoadBalancing: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Multiple AZs
// ---------------------------------------------------------------------------------------------

{
  const p = elb.elbClassicMultiAz;
  const one = res(T.clb, { listeners: [httpsListener], availabilityZones: ["us-east-1a"] }, { name: "classic" });
  const a = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1a" }, { name: "a" });
  const b = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1b" }, { name: "b" });
  const u = res(T.subnet, { vpcId: "v", availabilityZoneId: UNKNOWN }, { name: "u" });
  describePolicy(p, [
    { it: "passes two AZs", resources: [res(T.clb, { listeners: [httpsListener], availabilityZones: ["us-east-1a", "us-east-1b"] })], expect: "pass" },
    { it: "passes subnets in two AZs", resources: [a, b, res(T.clb, { listeners: [], subnets: [UNKNOWN, UNKNOWN] }, { deps: { subnets: [a, b] } })], expect: "pass" },
    { it: "fails one AZ", resources: [one], expect: [[head(p, one), "spans 1 Availability Zone", "availabilityZones"]] },
    { it: "reads the minimum from config", resources: [one], config: { minAzs: 1 }, expect: "pass" },
    { it: "is undecidable when a subnet's AZ is unknown", resources: [a, u, res(T.clb, { listeners: [], subnets: [UNKNOWN, UNKNOWN] }, { deps: { subnets: [a, u] } })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbMultiAz;
  const a = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1a" }, { name: "a" });
  const b = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1b" }, { name: "b" });
  const a2 = res(T.subnet, { vpcId: "v", availabilityZone: "us-east-1a" }, { name: "a2" });
  const awsx = res(T.awsxVpc, { availabilityZoneNames: ["eu-west-1a", "eu-west-1b"] }, { name: "net" });
  const sameAz = res(T.lb, { subnetMappings: [{ subnetId: UNKNOWN }, { subnetId: UNKNOWN }] }, { name: "nlb", deps: { subnetMappings: [a, a2] } });
  describePolicy(p, [
    { it: "passes subnets in two AZs", resources: [a, b, res(T.lb, { subnets: [UNKNOWN, UNKNOWN] }, { deps: { subnets: [a, b] } })], expect: "pass" },
    { it: "passes an awsx VPC's public subnets", resources: [awsx, res(T.alb, { subnets: UNKNOWN }, { deps: { subnets: [awsx] } })], expect: "pass" },
    { it: "fails subnet mappings in one AZ", resources: [a, a2, sameAz], expect: [[head(p, sameAz), "spans 1 Availability Zone", "subnetMappings"]] },
    { it: "reads the minimum from config", resources: [a, b, res(T.lb, { subnets: [UNKNOWN, UNKNOWN] }, { name: "two", deps: { subnets: [a, b] } })], config: { minAzs: 3 }, expect: [["[ELB.13] two", "at least 3"]] },
    { it: "is undecidable when the subnets are unknown and untraceable", resources: [res(T.lb, { subnets: UNKNOWN })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// ELB.16 WAF
// ---------------------------------------------------------------------------------------------

{
  const p = elb.elbAlbWaf;
  const alb = res(T.lb, {}, { name: "web" });
  const internal = res(T.lb, { internal: true }, { name: "internal" });
  describePolicy(p, [
    { it: "passes an ALB with a web ACL association", resources: [alb, res(T.waf, { resourceArn: UNKNOWN, webAclArn: UNKNOWN }, { deps: { resourceArn: [alb] } })], expect: "pass" },
    { it: "ignores network load balancers", resources: [res(T.lb, { loadBalancerType: "network" })], expect: "pass" },
    { it: "fails an internet-facing ALB without a web ACL, carrying BP.Edge.1", resources: [alb], expect: [[`[ELB.16, BP.Edge.1] web (${T.lb}): is an internet-facing Application Load Balancer and no aws.wafv2.WebAclAssociation`, "resourceArn: alb.arn"]] },
    { it: "fails an internal ALB by default, on ELB.16 alone", resources: [internal], expect: [[`[ELB.16] internal (${T.lb}): is an internal Application Load Balancer`]] },
    { it: "is undecidable when the scheme is unknown", resources: [res(T.lb, { internal: UNKNOWN }, { name: "x" })], expect: "unknown" },
    { it: "skips internal ALBs when config says internet-facing only", resources: [internal], config: { internetFacingOnly: true }, expect: "pass" },
    { it: "is undecidable when an association's target cannot be traced", resources: [alb, res(T.waf, { resourceArn: UNKNOWN, webAclArn: "arn" })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Listeners
// ---------------------------------------------------------------------------------------------

const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];
const forward = [{ type: "forward", targetGroupArn: "arn:tg" }];

{
  const p = elb.elbAlbHttpToHttpsRedirect;
  const alb = res(T.lb, {}, { name: "web" });
  const nlb = res(T.lb, { loadBalancerType: "network" }, { name: "tcp" });
  const plain = res(T.listener, { loadBalancerArn: UNKNOWN, port: 80, protocol: "HTTP", defaultActions: forward }, { name: "http", deps: { loadBalancerArn: [alb] } });
  const defaulted = res(T.albListener, { loadBalancerArn: UNKNOWN, port: 80, defaultActions: forward }, { name: "http-default", deps: { loadBalancerArn: [alb] } });
  describePolicy(p, [
    { it: "passes an HTTP listener that redirects to HTTPS", resources: [alb, res(T.listener, { loadBalancerArn: UNKNOWN, port: 80, protocol: "HTTP", defaultActions: redirect }, { deps: { loadBalancerArn: [alb] } })], expect: "pass" },
    { it: "passes an HTTPS listener", resources: [alb, res(T.listener, { loadBalancerArn: UNKNOWN, protocol: "HTTPS", defaultActions: forward }, { deps: { loadBalancerArn: [alb] } })], expect: "pass" },
    { it: "ignores NLB listeners", resources: [nlb, res(T.listener, { loadBalancerArn: UNKNOWN, protocol: "TCP", defaultActions: forward }, { deps: { loadBalancerArn: [nlb] } })], expect: "pass" },
    { it: "fails an HTTP listener that forwards", resources: [alb, plain], expect: [[head(p, plain), "clear text", 'type: "redirect"']] },
    { it: "fails a listener whose protocol defaults to HTTP (aws:alb alias)", resources: [alb, defaulted], expect: [[head(p, defaulted)]] },
    { it: "is undecidable when the default actions are unknown", resources: [alb, res(T.listener, { loadBalancerArn: UNKNOWN, protocol: "HTTP", defaultActions: UNKNOWN }, { deps: { loadBalancerArn: [alb] } })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbListenerSecureProtocol;
  const alb = res(T.lb, {}, { name: "web" });
  const gwlb = res(T.lb, { loadBalancerType: "gateway" }, { name: "inspect" });
  const plain = res(T.listener, { loadBalancerArn: UNKNOWN, protocol: "HTTP", defaultActions: forward }, { name: "http", deps: { loadBalancerArn: [alb] } });
  const redirecting = res(T.listener, { loadBalancerArn: UNKNOWN, protocol: "HTTP", defaultActions: redirect }, { name: "http-redirect", deps: { loadBalancerArn: [alb] } });
  const tcp = res(T.listener, { loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/x/1", protocol: "TCP", defaultActions: forward }, { name: "tcp" });
  describePolicy(p, [
    { it: "passes HTTPS and an HTTP redirect to HTTPS", resources: [alb, redirecting, res(T.listener, { loadBalancerArn: UNKNOWN, protocol: "HTTPS", defaultActions: forward }, { deps: { loadBalancerArn: [alb] } })], expect: "pass" },
    { it: "passes a GENEVE listener of a gateway load balancer", resources: [gwlb, res(T.listener, { loadBalancerArn: UNKNOWN, defaultActions: forward }, { deps: { loadBalancerArn: [gwlb] } })], expect: "pass" },
    { it: "fails an HTTP listener that forwards", resources: [alb, plain], expect: [[head(p, plain), "uses HTTP", 'protocol: "HTTPS"']] },
    { it: "fails a TCP listener", resources: [tcp], expect: [[head(p, tcp), "uses TCP"]] },
    { it: "fails the redirect too when config forbids HTTP listeners", resources: [alb, redirecting], config: { allowHttpRedirect: false }, expect: [[head(p, redirecting)]] },
    { it: "is undecidable when the protocol is unknown", resources: [res(T.listener, { loadBalancerArn: "arn", protocol: UNKNOWN, defaultActions: forward })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbListenerTlsPolicy;
  const dflt = res(T.listener, { loadBalancerArn: "arn", protocol: "HTTPS", certificateArn: ACM, defaultActions: forward }, { name: "https" });
  const old = res(T.albListener, { loadBalancerArn: "arn", protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01", defaultActions: forward }, { name: "tls" });
  describePolicy(p, [
    { it: "passes TLS 1.3 families, FIPS and post-quantum variants", resources: ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "ELBSecurityPolicy-TLS-1-2-2017-01"].map((sslPolicy) => res(T.listener, { loadBalancerArn: "arn", protocol: "HTTPS", sslPolicy, defaultActions: forward })), expect: "pass" },
    { it: "ignores HTTP listeners", resources: [res(T.listener, { loadBalancerArn: "arn", protocol: "HTTP", defaultActions: redirect })], expect: "pass" },
    { it: "fails the provider default policy", resources: [dflt], expect: [[head(p, dflt), "ELBSecurityPolicy-2016-08", 'sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06"']] },
    { it: "fails a TLS 1.1 policy (aws:alb alias)", resources: [old], expect: [[head(p, old), "ELBSecurityPolicy-TLS-1-1-2017-01"]] },
    { it: "reads the accepted policies from config", resources: [old], config: { allowedSslPolicies: ["ELBSecurityPolicy-TLS-1-1-2017-01"] }, expect: "pass" },
    { it: "cannot run during preview when the policy is unknown", resources: [res(T.listener, { loadBalancerArn: "arn", protocol: "HTTPS", sslPolicy: UNKNOWN, defaultActions: forward })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbListenerAcmCertificate;
  const acm = res(T.acmCert, { domainName: "shop.example.com" }, { name: "cert" });
  const iamCert = res(T.iamCert, { certificateBody: "x", privateKey: "y" }, { name: "legacy" });
  const viaIam = res(T.listener, { loadBalancerArn: "arn", protocol: "HTTPS", certificateArn: UNKNOWN, defaultActions: forward }, { name: "https", deps: { certificateArn: [iamCert] } });
  const extra = res(T.listenerCert, { listenerArn: "arn", certificateArn: IAM }, { name: "extra" });
  describePolicy(p, [
    { it: "passes a literal ACM ARN and an ACM certificate output", resources: [acm, res(T.listener, { protocol: "HTTPS", certificateArn: ACM, defaultActions: forward }), res(T.listener, { protocol: "TLS", certificateArn: UNKNOWN, defaultActions: forward }, { deps: { certificateArn: [acm] } })], expect: "pass" },
    { it: "fails an IAM server certificate output", resources: [iamCert, viaIam], expect: [[head(p, viaIam), "IAM server certificate", "aws.acm.Certificate"]] },
    { it: "fails an additional listener certificate from IAM", resources: [extra], expect: [[head(p, extra), "IAM server certificate"]] },
    { it: "is undecidable when the certificate ARN is unknown and untraceable", resources: [res(T.listener, { protocol: "HTTPS", certificateArn: UNKNOWN, defaultActions: forward })], expect: "unknown" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Classic listeners
// ---------------------------------------------------------------------------------------------

{
  const p = elb.elbClassicSecureListeners;
  const http = res(T.clb, { listeners: [httpsListener, { lbPort: 80, lbProtocol: "http", instancePort: 8080, instanceProtocol: "http" }] }, { name: "classic" });
  describePolicy(p, [
    { it: "passes HTTPS and SSL listeners", resources: [res(T.clb, { listeners: [httpsListener, { ...httpsListener, lbPort: 8443, lbProtocol: "ssl", instanceProtocol: "tcp" }] })], expect: "pass" },
    { it: "fails an HTTP listener", resources: [http], expect: [[head(p, http), "listeners[1] (HTTP 80)", 'lbProtocol: "https"']] },
    { it: "is undecidable when a protocol is unknown", resources: [res(T.clb, { listeners: [{ ...httpsListener, lbProtocol: UNKNOWN }] })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbClassicAcmCertificate;
  const iam = res(T.clb, { listeners: [{ ...httpsListener, sslCertificateId: IAM }] }, { name: "classic" });
  const acm = res(T.acmCert, { domainName: "x" }, { name: "cert" });
  describePolicy(p, [
    { it: "passes an ACM certificate (literal or from aws.acm.Certificate)", resources: [acm, res(T.clb, { listeners: [httpsListener] }), res(T.clb, { listeners: [{ ...httpsListener, sslCertificateId: UNKNOWN }] }, { deps: { listeners: [acm] } })], expect: "pass" },
    { it: "fails an IAM server certificate", resources: [iam], expect: [[head(p, iam), "IAM server certificate", "aws.acm.Certificate ARN"]] },
    { it: "is undecidable when the certificate is unknown and untraceable", resources: [res(T.clb, { listeners: [{ ...httpsListener, sslCertificateId: UNKNOWN }] })], expect: "unknown" },
  ]);
}

{
  const p = elb.elbClassicSslPolicy;
  const strongAttrs = [{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-TLS-1-2-2017-01" }];
  const clb = res(T.clb, { name: "shop", listeners: [httpsListener] }, { name: "shop" });
  const policy = (attrs: unknown) => res(T.clbPolicy, { loadBalancerName: "shop", policyName: "tls12", policyTypeName: "SSLNegotiationPolicyType", policyAttributes: attrs }, { name: "tls12" });
  const listenerPolicy = (port: unknown) => res(T.clbListenerPolicy, { loadBalancerName: UNKNOWN, loadBalancerPort: port, policyNames: ["tls12"] }, { deps: { loadBalancerName: [clb] } });
  describePolicy(p, [
    { it: "passes a predefined TLS 1.2 policy set on the port", resources: [clb, policy(strongAttrs), listenerPolicy(443)], expect: "pass" },
    { it: "passes an SslNegotiationPolicy referencing the predefined policy", resources: [clb, res(T.sslNegotiation, { loadBalancer: "shop", lbPort: 443, attributes: strongAttrs })], expect: "pass" },
    { it: "fails a listener with no policy (the TLS 1.0 default)", resources: [clb], expect: [[head(p, clb), "port 443 uses the default policy", "Reference-Security-Policy"]] },
    { it: "fails a weak predefined policy", resources: [clb, policy([{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-2016-08" }]), listenerPolicy(443)], expect: [[head(p, clb), '"ELBSecurityPolicy-2016-08"']] },
    { it: "fails a policy set on another port", resources: [clb, policy(strongAttrs), listenerPolicy(8443)], expect: [[head(p, clb)]] },
    { it: "reads the accepted policies from config", resources: [clb, policy([{ name: "Reference-Security-Policy", value: "ELBSecurityPolicy-2016-08" }]), listenerPolicy(443)], config: { allowedPolicies: ["ELBSecurityPolicy-2016-08"] }, expect: "pass" },
    { it: "is undecidable when the listener policy's port is unknown", resources: [clb, policy(strongAttrs), listenerPolicy(UNKNOWN)], expect: "unknown" },
  ]);
}

describe("network-elb policies", () => {
  it("have unique names prefixed elb-", () => {
    const names = elb.policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const n of names) expect(n).to.match(/^elb-[a-z0-9-]+$/);
  });
});
