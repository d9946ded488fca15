import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { HsmCluster, type HsmClusterArgs } from "../../components/security/hsm-cluster";
import { EncryptionKey } from "../../components/security/encryption-key";
import { MockRecorder, setupMocks, testContext } from "../helpers/mocks";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUexample0123456789abcdefABCDEF==\n-----END CERTIFICATE-----\n";

describe("HsmCluster", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  const base = (over: Partial<HsmClusterArgs> = {}): HsmClusterArgs => ({
    context: testContext("prod"),
    vpcId: "vpc-0123",
    subnetIds: ["subnet-iso-a", "subnet-iso-b", "subnet-iso-c"],
    subnetCount: 3,
    hsmCount: 2,
    ...over,
  });

  it("secure defaults: hsm2m.medium in FIPS mode over the isolated subnets, HSMs spread over AZs, protected in prod, client ports only from the clients' group", async () => {
    const c = new HsmCluster("custody", base({ hsmCount: 4 }));
    await mocks.settle();
    const cluster = mocks.one("aws:cloudhsmv2/cluster:Cluster");
    expect(cluster.inputs).to.deep.include({ hsmType: "hsm2m.medium", mode: "FIPS", subnetIds: ["subnet-iso-a", "subnet-iso-b", "subnet-iso-c"] });
    expect(cluster.protect).to.equal(true);
    const hsms = mocks.ofType("aws:cloudhsmv2/hsm:Hsm");
    expect(hsms.map((h) => h.inputs.subnetId)).to.deep.equal(["subnet-iso-a", "subnet-iso-b", "subnet-iso-c", "subnet-iso-a"]);
    for (const h of hsms) expect(h.protect).to.equal(true);
    const ingress = mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs;
    expect(ingress).to.deep.include({ ipProtocol: "tcp", fromPort: 2223, toPort: 2225 });
    expect(ingress.cidrIpv4).to.equal(undefined);
    const egress = mocks.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").inputs;
    expect(egress).to.deep.include({ ipProtocol: "tcp", fromPort: 2223, toPort: 2225 });
    expect(egress.referencedSecurityGroupId).to.equal(ingress.securityGroupId);
    expect(mocks.ofType("aws:kms/customKeyStore:CustomKeyStore")).to.deep.equal([]);
    expect(c.status).to.equal("initialise-cluster");
  });

  it("dev: nothing protected (a dev cluster must be destroyable)", async () => {
    new HsmCluster("custody", base({ context: testContext("dev") }));
    await mocks.settle();
    expect(mocks.one("aws:cloudhsmv2/cluster:Cluster").protect).to.equal(false);
    for (const h of mocks.ofType("aws:cloudhsmv2/hsm:Hsm")) expect(h.protect).to.equal(false);
  });

  it("with the key store: a CloudHSM custom key store on the cluster with the trust anchor and kmsuser's password (secret); status says to connect it, then ready", async () => {
    const c = new HsmCluster("custody", base({ keyStore: { trustAnchorCertificate: CA, kmsUserPassword: pulumi.secret("correct-horse-9") } }));
    await mocks.settle();
    const store = mocks.one("aws:kms/customKeyStore:CustomKeyStore");
    expect(store.inputs).to.deep.include({ customKeyStoreType: "AWS_CLOUDHSM", trustAnchorCertificate: CA, customKeyStoreName: "test-prod-custody" });
    // Kept secret in state: the engine receives it as a secret value.
    expect(store.inputs.keyStorePassword).to.deep.equal({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "correct-horse-9" });
    expect(store.inputs.cloudHsmClusterId).to.be.a("string").and.not.equal("");
    expect(store.protect).to.equal(true);
    expect(c.status).to.equal("connect-key-store");
    expect(new HsmCluster("again", base({ keyStore: { trustAnchorCertificate: CA, kmsUserPassword: "correct-horse-9", connected: true } })).status).to.equal("ready");
  });

  it("a key in the store: customKeyStoreId set, no automatic rotation (KMS cannot rotate such keys)", async () => {
    const c = new HsmCluster("custody", base({ keyStore: { trustAnchorCertificate: CA, kmsUserPassword: "correct-horse-9", connected: true } }));
    new EncryptionKey("patient-data", { context: testContext("prod"), description: "PHI", customKeyStoreId: c.customKeyStoreId! });
    await mocks.settle();
    const key = mocks.one("aws:kms/key:Key").inputs;
    expect(key.customKeyStoreId).to.be.a("string").and.not.equal("");
    expect(key.enableKeyRotation).to.equal(undefined);
    expect(key.rotationPeriodInDays).to.equal(undefined);
    expect(() => new EncryptionKey("bad", { context: testContext("prod"), description: "PHI", customKeyStoreId: "cks-1", rotationPeriodInDays: 365 })).to.throw(/rotationPeriodInDays = 365: keys in a custom key store cannot rotate automatically/);
  });

  it("bad input: every problem named with the value and what is allowed, nothing created", async () => {
    expect(() => new HsmCluster("bad", base({ hsmCount: 1, subnetCount: 1, hsmType: "hsm9.huge" as never, keyStore: { trustAnchorCertificate: "not a cert", kmsUserPassword: "x" } }))).to.throw(
      /hsmCount = 1: must be a whole number from 2 to 28[\s\S]*subnetCount = 1: needs subnets in at least 2[\s\S]*hsmType = "hsm9.huge": must be one of hsm2m.medium, hsm1.medium[\s\S]*keyStore.trustAnchorCertificate: must be one PEM certificate/,
    );
    await mocks.settle();
    expect(mocks.ofType("aws:cloudhsmv2/cluster:Cluster")).to.deep.equal([]);
  });
});
