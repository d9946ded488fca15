/**
 * The stack-config shape of a Direct Connect link (`components/network/direct-connect-link.ts`) and
 * its cross-key rules, shared by every project that links its VPC to partner sites (the bank's
 * partner banks, the hospital's other hospitals). Connections are ordered outside code (README).
 */
import { z } from "zod";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR block such as 10.20.0.0/16");

const connection = z
  .object({
    /** The Direct Connect connection or LAG id (ordered outside code: README). */
    connectionId: z.string().regex(/^dx(con|lag)-[a-z0-9]{8,}$/, "must be a Direct Connect connection (dxcon-...) or LAG (dxlag-...) id"),
    /** Its Direct Connect location code (e.g. EqDC2). */
    location: z.string().regex(/^[A-Za-z0-9-]{2,32}$/, "must be a Direct Connect location code such as EqDC2"),
    vlan: z.number().int().min(1).max(4094),
    customerAsn: z.number().int().min(1).max(4_294_967_294),
    amazonAddress: cidr.optional(),
    customerAddress: cidr.optional(),
    vpnPeerAddress: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, "must be an IPv4 address").optional(),
  })
  .strict();

/**
 * `encryption`: `macsec` (dedicated ports ordered with MACsec; `macsecSecretArn` holds the CKN/CAK)
 * or `ipsec` (a Site-to-Site VPN over transit VIFs; `vpnPeerAddress` per connection).
 */
export const directConnectSchema = z
  .object({
    encryption: z.enum(["macsec", "ipsec"]),
    connections: z.array(connection).min(1).max(4),
    macsecSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, "must be a Secrets Manager secret ARN").optional(),
    partnerCidrs: z.array(cidr).min(1).max(50),
  })
  .strict();

export type DirectConnectConfig = z.infer<typeof directConnectSchema>;

/**
 * The rules across the link's keys. `required` names who is on the other side (for the message);
 * `project` is the config namespace of the `pulumi config set` examples.
 */
export function directConnectProblems(dx: DirectConnectConfig | undefined, opts: { prod: boolean; project: string; partners: string; why: string }): { key: string; value: unknown; allowed: string }[] {
  const set = (key: string, example: string) => `\`pulumi config set --path ${opts.project}:${key} ${example}\``;
  const problems: { key: string; value: unknown; allowed: string }[] = [];
  if (opts.prod && dx === undefined) {
    problems.push({
      key: "directConnect",
      value: undefined,
      allowed: `required in prod: the Direct Connect link to ${opts.partners} (encryption, connections with connectionId, location, vlan, customerAsn, and partnerCidrs; README "Direct Connect"). Set it with ${set("directConnect.encryption", "macsec")}, ${set("directConnect.connections[0].connectionId", "dxcon-xxxxxxxx")} ...`,
    });
  }
  if (dx?.encryption === "macsec" && dx.macsecSecretArn === undefined) {
    problems.push({ key: "directConnect.macsecSecretArn", value: undefined, allowed: `required with macsec: the Secrets Manager secret with the connection's CKN/CAK (${set("directConnect.macsecSecretArn", "arn:aws:secretsmanager:...")})` });
  }
  if (dx?.encryption === "ipsec") {
    dx.connections.forEach((c, i) => {
      if (c.vpnPeerAddress === undefined) problems.push({ key: `directConnect.connections[${i}].vpnPeerAddress`, value: undefined, allowed: "required with ipsec: the partner VPN router's private IP address" });
    });
  }
  if (dx && dx.connections.length > 1 && new Set(dx.connections.map((c) => c.location)).size < 2) {
    problems.push({ key: "directConnect.connections", value: dx.connections.map((c) => c.location), allowed: "connections at one location may share a device and are not redundant: order the second at another location" });
  }
  if (opts.prod && dx && dx.connections.length < 2) {
    problems.push({ key: "directConnect.connections", value: dx.connections.map((c) => c.connectionId), allowed: `prod needs two connections at two locations (AWS's High resiliency model; a single connection has no SLA ${opts.why})` });
  }
  return problems;
}
