/**
 * A private, encrypted Direct Connect link from a VPC to partner data centres, over connections
 * ordered outside code (a dedicated port's LOA-CFA goes to the colocation provider, or a partner
 * provisions a hosted connection: see the README). This component builds what runs on them:
 *
 * | piece                 | what it is                                                                        |
 * |-----------------------|-----------------------------------------------------------------------------------|
 * | Direct Connect gateway| global, free; the VIFs land on it, the VPC side is associated with it             |
 * | virtual interfaces    | one per connection, VLAN and BGP settings from config (the BGP MD5 key is left    |
 * |                       | for AWS to generate: it never passes through config)                              |
 * | encryption `macsec`   | private VIFs to a virtual private gateway of the VPC; a MACsec key (CKN/CAK in a  |
 * |                       | Secrets Manager secret) on every connection: layer-2 encryption on the port      |
 * |                       | (dedicated 10/100/400 Gbps ports ordered with MACsec only)                        |
 * | encryption `ipsec`    | transit VIFs to a transit gateway attached to the VPC; an AWS Site-to-Site VPN    |
 * |                       | with private outside addresses runs over the Direct Connect attachment, to the    |
 * |                       | partner's router (for ports without MACsec, e.g. hosted connections)              |
 * | routes                | VPC side advertises only `allowedPrefixes`; partner routes propagate into the     |
 * |                       | route tables given                                                                |
 *
 * Direct Connect is not encrypted by default, so there is no unencrypted mode. Two connections at
 * one location may share a device, so they are not redundant: connections must be at distinct
 * locations when there is more than one (AWS's "High" resiliency: one at each of two locations).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BlueprintContext } from "../../shared/context";
import { physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { EncryptedLogGroup } from "../observability/log-group";
import { KeyReference } from "../security/encryption-key";
import { throwIfProblems } from "../security/policy-document";

export const LinkEncryptions = ["macsec", "ipsec"] as const;
export type LinkEncryption = (typeof LinkEncryptions)[number];

/** One Direct Connect connection (ordered outside code) and the virtual interface on it. */
export interface DirectConnectConnection {
  /** The connection (`dxcon-...`) or link aggregation group (`dxlag-...`) id. Required. */
  connectionId: string;
  /** The Direct Connect location code of the connection (e.g. `EqDC2`), to check redundancy. Required. */
  location: string;
  /** 802.1Q VLAN of the virtual interface, 1 to 4094 (agreed with the provider). Required. */
  vlan: number;
  /** The partner router's BGP ASN (private 64512-65534 or 4200000000-4294967294, or public). Required. */
  customerAsn: number;
  /** Amazon's and the partner's BGP peer addresses (CIDR, /30 or /31); both or neither (AWS assigns them). Default: AWS assigns. */
  amazonAddress?: string;
  customerAddress?: string;
  /** ipsec: the partner VPN router's private IP address, reachable over this connection. Required with `ipsec`. */
  vpnPeerAddress?: string;
}

export interface DirectConnectLinkArgs {
  /** The stack's context (tags). Required. */
  context: BlueprintContext;
  /** The VPC the link reaches. Required. */
  vpcId: pulumi.Input<string>;
  /** ipsec: subnets of the transit gateway's VPC attachment (one per AZ; private). Required with `ipsec`. */
  attachmentSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Route tables that learn the partners' routes: the ids and how many (resources are created per table). Required. */
  routeTables: { ids: pulumi.Input<pulumi.Input<string>[]>; count: number };
  /** The connections, one virtual interface each. Required (one or more). */
  connections: DirectConnectConnection[];
  /** `macsec` or `ipsec` (see the table above). Required. */
  encryption: LinkEncryption;
  /** macsec: the Secrets Manager secret holding the MACsec CKN/CAK pair (created as Direct Connect documents). Required with `macsec`. */
  macsecSecretArn?: pulumi.Input<string>;
  /** The Amazon side's private BGP ASN. Default: 64512. */
  amazonAsn?: number;
  /** Prefixes of the VPC advertised to the partners (e.g. the VPC's CIDR). Required. */
  allowedPrefixes: pulumi.Input<pulumi.Input<string>[]>;
  /** Partner networks (CIDRs): with `ipsec` the route tables send them to the transit gateway; with `macsec` they are learned by BGP. Default: none. */
  partnerCidrs?: string[];
  /** ipsec: the KMS key of the VPN tunnels' log group (tunnel state changes and IKE negotiation, EC2.171); its policy must allow the `logs` service principal. Required with `ipsec`. */
  logsKmsKey?: KeyReference;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

const PRIVATE_ASN = (n: number) => (n >= 64512 && n <= 65534) || (n >= 4_200_000_000 && n <= 4_294_967_294);

/** Problems with the connections and the encryption settings (all at once). */
export function directConnectProblems(args: Pick<DirectConnectLinkArgs, "connections" | "encryption" | "macsecSecretArn" | "attachmentSubnetIds" | "amazonAsn" | "routeTables" | "logsKmsKey">): string[] {
  const problems: string[] = [];
  if (!(LinkEncryptions as readonly string[]).includes(args.encryption)) problems.push(`encryption = "${args.encryption}": must be macsec or ipsec (Direct Connect is not encrypted by default)`);
  if (!args.connections || args.connections.length === 0) problems.push("connections is empty: give at least one Direct Connect connection");
  const seen = new Set<string>();
  for (const [i, c] of (args.connections ?? []).entries()) {
    const at = `connections[${i}]`;
    if (!/^dx(con|lag)-[a-z0-9]{8,}$/.test(c.connectionId)) problems.push(`${at}.connectionId = "${c.connectionId}": must be a connection (dxcon-...) or LAG (dxlag-...) id`);
    if (seen.has(c.connectionId)) problems.push(`${at}.connectionId = "${c.connectionId}": listed twice`);
    seen.add(c.connectionId);
    if (!Number.isInteger(c.vlan) || c.vlan < 1 || c.vlan > 4094) problems.push(`${at}.vlan = ${c.vlan}: must be 1 to 4094`);
    if (!Number.isInteger(c.customerAsn) || c.customerAsn < 1 || c.customerAsn > 4_294_967_294) problems.push(`${at}.customerAsn = ${c.customerAsn}: must be a BGP ASN (1 to 4294967294)`);
    if ((c.amazonAddress === undefined) !== (c.customerAddress === undefined)) problems.push(`${at}: give both amazonAddress and customerAddress, or neither (AWS assigns both)`);
    if (args.encryption === "ipsec" && !c.vpnPeerAddress) problems.push(`${at}.vpnPeerAddress: required with ipsec encryption (the partner VPN router's private IP)`);
  }
  const locations = new Set((args.connections ?? []).map((c) => c.location));
  if ((args.connections ?? []).length > 1 && locations.size < 2) {
    problems.push(`connections are all at ${[...locations].join(", ")}: two connections at one location may share a device and are not redundant; order them at distinct locations`);
  }
  if (args.encryption === "macsec" && !args.macsecSecretArn) problems.push("macsecSecretArn: required with macsec encryption (the Secrets Manager secret with the CKN/CAK pair)");
  if (args.encryption === "ipsec" && !args.attachmentSubnetIds) problems.push("attachmentSubnetIds: required with ipsec encryption (the transit gateway's VPC attachment)");
  if (args.encryption === "ipsec" && !args.logsKmsKey) problems.push("logsKmsKey: required with ipsec encryption (the VPN tunnels log to an encrypted log group, EC2.171)");
  const asn = args.amazonAsn ?? 64512;
  if (!PRIVATE_ASN(asn)) problems.push(`amazonAsn = ${asn}: must be a private ASN (64512-65534 or 4200000000-4294967294)`);
  if (!Number.isInteger(args.routeTables?.count) || args.routeTables.count < 1) problems.push(`routeTables.count = ${args.routeTables?.count}: must be how many route tables routeTables.ids holds (1 or more)`);
  return problems;
}

export class DirectConnectLink extends pulumi.ComponentResource {
  readonly gateway: aws.directconnect.Gateway;
  readonly gatewayId: pulumi.Output<string>;
  /** Virtual interface ids, by connection id. */
  readonly virtualInterfaceIds: pulumi.Output<Record<string, string>>;
  /** The VPC side: the virtual private gateway (macsec) or transit gateway (ipsec) id. */
  readonly vpcGatewayId: pulumi.Output<string>;
  readonly encryption: LinkEncryption;

  constructor(name: string, args: DirectConnectLinkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:network:DirectConnectLink", name, {}, opts);
    throwIfProblems(`DirectConnectLink ${name}`, directConnectProblems(args));
    const { context } = args;
    const tags = withTags(context.tags, args.tags ?? {});
    const amazonAsn = args.amazonAsn ?? 64512;
    this.encryption = args.encryption;

    this.gateway = new aws.directconnect.Gateway(name, { name: physicalName(context, name, 100), amazonSideAsn: String(amazonAsn), tags }, { parent: this });
    const vifIds: Record<string, pulumi.Output<string>> = {};

    if (args.encryption === "macsec") {
      const vgw = new aws.ec2.VpnGateway(`${name}-vgw`, { vpcId: args.vpcId, amazonSideAsn: String(amazonAsn), tags: withTags(context.tags, { ...args.tags, Name: physicalName(context, `${name}-vgw`, 255) }) }, { parent: this });
      const association = new aws.directconnect.GatewayAssociation(`${name}-vgw`, { dxGatewayId: this.gateway.id, associatedGatewayId: vgw.id, allowedPrefixes: args.allowedPrefixes }, { parent: this });
      for (const [i, c] of args.connections.entries()) {
        // The port's traffic is encrypted at layer 2 with this key (the connection's encryption mode must be must_encrypt: README).
        new aws.directconnect.MacsecKeyAssociation(`${name}-macsec-${i}`, { connectionId: c.connectionId, secretArn: args.macsecSecretArn! }, { parent: this });
        const vif = new aws.directconnect.PrivateVirtualInterface(
          `${name}-vif-${i}`,
          {
            connectionId: c.connectionId,
            name: physicalName(context, `${name}-${c.location}-${i}`, 100),
            vlan: c.vlan,
            addressFamily: "ipv4",
            bgpAsn: c.customerAsn,
            ...(c.amazonAddress ? { amazonAddress: c.amazonAddress, customerAddress: c.customerAddress } : {}),
            dxGatewayId: this.gateway.id,
            mtu: 1500,
            tags,
          },
          { parent: this, dependsOn: [association] },
        );
        vifIds[c.connectionId] = vif.id;
      }
      for (let i = 0; i < args.routeTables.count; i++) {
        new aws.ec2.VpnGatewayRoutePropagation(`${name}-propagate-${i}`, { vpnGatewayId: vgw.id, routeTableId: pulumi.output(args.routeTables.ids).apply((ids) => ids[i]!) }, { parent: this });
      }
      this.vpcGatewayId = vgw.id;
    } else {
      const tgw = new aws.ec2transitgateway.TransitGateway(
        `${name}-tgw`,
        {
          description: `Partner links of ${context.project}-${context.stack}`,
          amazonSideAsn: amazonAsn,
          autoAcceptSharedAttachments: "disable",
          defaultRouteTableAssociation: "enable",
          defaultRouteTablePropagation: "enable",
          vpnEcmpSupport: "enable",
          tags,
        },
        { parent: this },
      );
      new aws.ec2transitgateway.VpcAttachment(`${name}-vpc`, { transitGatewayId: tgw.id, vpcId: args.vpcId, subnetIds: args.attachmentSubnetIds!, tags }, { parent: this });
      const association = new aws.directconnect.GatewayAssociation(`${name}-tgw`, { dxGatewayId: this.gateway.id, associatedGatewayId: tgw.id, allowedPrefixes: args.allowedPrefixes }, { parent: this });
      // The VPN's transport: the transit gateway's attachment to the Direct Connect gateway.
      const transport = aws.ec2transitgateway.getDirectConnectGatewayAttachmentOutput({ transitGatewayId: tgw.id, dxGatewayId: association.dxGatewayId }, { parent: this });
      // Tunnel logs (state changes, IKE and DPD events) for every tunnel of every VPN.
      const tunnelLogs = new EncryptedLogGroup(`${name}-vpn-logs`, { context, kmsKey: args.logsKmsKey!, logGroupName: `/aws/vpn/${physicalName(context, name)}` }, { parent: this });
      const tunnelLogOptions = { cloudwatchLogOptions: { logEnabled: true, logGroupArn: tunnelLogs.arn, logOutputFormat: "json" } };
      for (const [i, c] of args.connections.entries()) {
        const vif = new aws.directconnect.TransitVirtualInterface(
          `${name}-vif-${i}`,
          {
            connectionId: c.connectionId,
            name: physicalName(context, `${name}-${c.location}-${i}`, 100),
            vlan: c.vlan,
            addressFamily: "ipv4",
            bgpAsn: c.customerAsn,
            ...(c.amazonAddress ? { amazonAddress: c.amazonAddress, customerAddress: c.customerAddress } : {}),
            dxGatewayId: this.gateway.id,
            mtu: 1500,
            tags,
          },
          { parent: this, dependsOn: [association] },
        );
        vifIds[c.connectionId] = vif.id;
        const peer = new aws.ec2.CustomerGateway(`${name}-peer-${i}`, { bgpAsn: String(c.customerAsn), ipAddress: c.vpnPeerAddress!, type: "ipsec.1", tags }, { parent: this });
        new aws.ec2.VpnConnection(
          `${name}-vpn-${i}`,
          {
            customerGatewayId: peer.id,
            transitGatewayId: tgw.id,
            type: "ipsec.1",
            outsideIpAddressType: "PrivateIpv4",
            transportTransitGatewayAttachmentId: transport.id,
            // IKEv2 with AES-256-GCM and SHA-384 / DH group 20 only: no legacy proposals.
            tunnel1IkeVersions: ["ikev2"],
            tunnel2IkeVersions: ["ikev2"],
            tunnel1Phase1EncryptionAlgorithms: ["AES256-GCM-16"],
            tunnel2Phase1EncryptionAlgorithms: ["AES256-GCM-16"],
            tunnel1Phase2EncryptionAlgorithms: ["AES256-GCM-16"],
            tunnel2Phase2EncryptionAlgorithms: ["AES256-GCM-16"],
            tunnel1Phase1IntegrityAlgorithms: ["SHA2-384"],
            tunnel2Phase1IntegrityAlgorithms: ["SHA2-384"],
            tunnel1Phase2IntegrityAlgorithms: ["SHA2-384"],
            tunnel2Phase2IntegrityAlgorithms: ["SHA2-384"],
            tunnel1Phase1DhGroupNumbers: [20],
            tunnel2Phase1DhGroupNumbers: [20],
            tunnel1Phase2DhGroupNumbers: [20],
            tunnel2Phase2DhGroupNumbers: [20],
            tunnel1LogOptions: tunnelLogOptions,
            tunnel2LogOptions: tunnelLogOptions,
            tags,
          },
          { parent: this },
        );
      }
      for (let i = 0; i < args.routeTables.count; i++) {
        for (const [j, cidr] of (args.partnerCidrs ?? []).entries()) {
          new aws.ec2.Route(`${name}-route-${i}-${j}`, { routeTableId: pulumi.output(args.routeTables.ids).apply((ids) => ids[i]!), destinationCidrBlock: cidr, transitGatewayId: tgw.id }, { parent: this });
        }
      }
      this.vpcGatewayId = tgw.id;
    }

    this.gatewayId = this.gateway.id;
    this.virtualInterfaceIds = pulumi.output(vifIds);
    this.registerOutputs({ gatewayId: this.gatewayId, virtualInterfaceIds: this.virtualInterfaceIds, vpcGatewayId: this.vpcGatewayId });
  }
}
