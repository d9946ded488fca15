import { expect } from "chai";
import { DirectConnectLink, DirectConnectLinkArgs, directConnectProblems } from "../../components/network/direct-connect-link";
import { MockRecorder, setupMocks, testContext } from "../helpers/mocks";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dx-macsec-AbCdEf";
const two = [
  { connectionId: "dxcon-aaaa1111", location: "EqDC2", vlan: 101, customerAsn: 65010 },
  { connectionId: "dxcon-bbbb2222", location: "CSVA1", vlan: 102, customerAsn: 65010 },
];

describe("DirectConnectLink", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  const base = (over: Partial<DirectConnectLinkArgs> = {}): DirectConnectLinkArgs => ({
    context: testContext("prod"),
    vpcId: "vpc-0123",
    routeTables: { ids: ["rtb-1", "rtb-2", "rtb-3"], count: 3 },
    connections: two,
    encryption: "macsec",
    macsecSecretArn: SECRET,
    allowedPrefixes: ["10.40.0.0/16"],
    ...over,
  });

  it("macsec: a gateway, a private VIF and a MACsec key per connection, a virtual private gateway advertising only the allowed prefixes, routes propagated", async () => {
    new DirectConnectLink("partners", base());
    await mocks.settle();
    const vifs = mocks.ofType("aws:directconnect/privateVirtualInterface:PrivateVirtualInterface").map((r) => r.inputs);
    expect(vifs.map((v) => [v.connectionId, v.vlan, v.bgpAsn, v.addressFamily])).to.deep.equal([
      ["dxcon-aaaa1111", 101, 65010, "ipv4"],
      ["dxcon-bbbb2222", 102, 65010, "ipv4"],
    ]);
    // The BGP key is AWS's to generate: never in config or state inputs.
    for (const v of vifs) expect(v.bgpAuthKey).to.equal(undefined);
    expect(mocks.ofType("aws:directconnect/macsecKeyAssociation:MacsecKeyAssociation").map((r) => r.inputs)).to.deep.equal(two.map((c) => ({ connectionId: c.connectionId, secretArn: SECRET })));
    expect(mocks.one("aws:directconnect/gatewayAssociation:GatewayAssociation").inputs.allowedPrefixes).to.deep.equal(["10.40.0.0/16"]);
    expect(mocks.ofType("aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation").map((r) => r.inputs.routeTableId)).to.deep.equal(["rtb-1", "rtb-2", "rtb-3"]);
    expect(mocks.ofType("aws:ec2/vpnConnection:VpnConnection")).to.deep.equal([]);
  });

  it("ipsec: transit VIFs to a transit gateway, and per connection a Site-to-Site VPN with private outside addresses and IKEv2/AES-GCM only", async () => {
    const connections = two.map((c, i) => ({ ...c, vpnPeerAddress: `172.20.0.${i + 1}` }));
    new DirectConnectLink("partners", base({ encryption: "ipsec", macsecSecretArn: undefined, connections, attachmentSubnetIds: ["subnet-1", "subnet-2"], partnerCidrs: ["172.20.0.0/16"], logsKmsKey: "arn:aws:kms:us-east-1:123456789012:key/logs" }));
    await mocks.settle();
    expect(mocks.ofType("aws:directconnect/transitVirtualInterface:TransitVirtualInterface")).to.have.length(2);
    expect(mocks.ofType("aws:directconnect/privateVirtualInterface:PrivateVirtualInterface")).to.deep.equal([]);
    const vpns = mocks.ofType("aws:ec2/vpnConnection:VpnConnection").map((r) => r.inputs);
    expect(vpns).to.have.length(2);
    for (const v of vpns) expect(v).to.deep.include({ outsideIpAddressType: "PrivateIpv4", tunnel1IkeVersions: ["ikev2"], tunnel1Phase1EncryptionAlgorithms: ["AES256-GCM-16"] });
    // Both tunnels of each VPN log (EC2.171) to one log group encrypted with the logs key.
    const logGroup = mocks.one("aws:cloudwatch/logGroup:LogGroup");
    expect(logGroup.inputs).to.deep.include({ kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/logs", name: "/aws/vpn/test-prod-partners" });
    for (const v of vpns) {
      for (const t of [v.tunnel1LogOptions, v.tunnel2LogOptions]) expect(t.cloudwatchLogOptions).to.deep.include({ logEnabled: true, logOutputFormat: "json" });
      expect(v.tunnel1LogOptions.cloudwatchLogOptions.logGroupArn).to.match(/^arn:aws:logs:us-east-1:123456789012:log-group:\/aws\/vpn\/test-prod-partners/);
    }
    expect(mocks.ofType("aws:ec2/customerGateway:CustomerGateway").map((r) => r.inputs.ipAddress)).to.deep.equal(["172.20.0.1", "172.20.0.2"]);
    expect(mocks.ofType("aws:ec2/route:Route").map((r) => [r.inputs.routeTableId, r.inputs.destinationCidrBlock])).to.deep.equal([
      ["rtb-1", "172.20.0.0/16"],
      ["rtb-2", "172.20.0.0/16"],
      ["rtb-3", "172.20.0.0/16"],
    ]);
  });

  it("refuses what would not be redundant or not encrypted, naming every problem", () => {
    const problems = directConnectProblems({
      connections: [two[0]!, { ...two[1]!, location: "EqDC2" }, { ...two[0]!, vlan: 5000 }],
      encryption: "none" as never,
      routeTables: { ids: [], count: 0 },
      amazonAsn: 7224,
    });
    expect(problems.join("\n")).to.match(/encryption = "none": must be macsec or ipsec \(Direct Connect is not encrypted by default\)/);
    expect(problems.join("\n")).to.match(/connections are all at EqDC2: two connections at one location may share a device and are not redundant/);
    expect(problems.join("\n")).to.match(/connections\[2\]\.connectionId = "dxcon-aaaa1111": listed twice/);
    expect(problems.join("\n")).to.match(/connections\[2\]\.vlan = 5000: must be 1 to 4094/);
    expect(problems.join("\n")).to.match(/amazonAsn = 7224: must be a private ASN/);
    expect(problems.join("\n")).to.match(/routeTables\.count = 0/);
    expect(directConnectProblems({ connections: two, encryption: "macsec", routeTables: { ids: [], count: 1 } })).to.deep.equal(["macsecSecretArn: required with macsec encryption (the Secrets Manager secret with the CKN/CAK pair)"]);
    expect(directConnectProblems({ connections: two, encryption: "ipsec", attachmentSubnetIds: ["s"], routeTables: { ids: [], count: 1 } })).to.deep.equal([
      "connections[0].vpnPeerAddress: required with ipsec encryption (the partner VPN router's private IP)",
      "connections[1].vpnPeerAddress: required with ipsec encryption (the partner VPN router's private IP)",
      "logsKmsKey: required with ipsec encryption (the VPN tunnels log to an encrypted log group, EC2.171)",
    ]);
    expect(() => new DirectConnectLink("bad", base({ connections: [] }))).to.throw(/connections is empty/);
  });
});
