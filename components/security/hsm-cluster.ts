/**
 * Key custody in HSMs: a CloudHSM v2 cluster across isolated subnets of two or more AZs, its HSMs,
 * access for clients, and (once the cluster is initialised) a KMS custom key store backed by it, in
 * which keys are created whose material never leaves the HSMs (FIPS 140-3 level 3 in `FIPS` mode).
 *
 * | setting              | default                                                                 | control         |
 * |----------------------|-------------------------------------------------------------------------|-----------------|
 * | HSM type and mode    | `hsm2m.medium`, `FIPS`                                                  |                 |
 * | HSMs                 | `hsmCount` (at least 2), spread over the subnets' AZs round-robin       | BP.CloudHSM.1   |
 * | network              | the subnets given (isolated: no route to the internet); the cluster's  |                 |
 * |                      | own security group (CloudHSM creates it) opens 2223-2225 only to the    |                 |
 * |                      | clients' group; KMS reaches it through the key store                    |                 |
 * | protection           | cluster and HSMs protected and retained in prod (CloudHSM keeps its     |                 |
 * |                      | own backups; deleting the last HSM of a cluster loses nothing but time) |                 |
 * | custom key store     | only with `keyStore` (the trust anchor and kmsuser's password exist    |                 |
 * |                      | only after the manual initialisation)                                   |                 |
 *
 * Why the key store waits: initialising a cluster is an offline certificate ceremony (sign the
 * cluster's CSR with your CA, `InitializeCluster`, activate, create the `kmsuser` crypto user) that
 * Pulumi cannot do unattended, and KMS creates keys only in a store that is *connected*
 * (`aws kms connect-custom-key-store`, up to 20 minutes). `status` says which step is due:
 * `initialise-cluster` (no `keyStore` yet), `connect-key-store` (store created, `connected` not
 * confirmed), `ready`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName, statefulOptions } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { throwIfProblems } from "./policy-document";

export const HsmTypes = ["hsm2m.medium", "hsm1.medium"] as const;
export type HsmType = (typeof HsmTypes)[number];
/** CloudHSM's client ports (2223-2225). */
export const HsmClientPorts = { from: 2223, to: 2225 } as const;
export type HsmCustodyStatus = "initialise-cluster" | "connect-key-store" | "ready";

export interface HsmKeyStore {
  /** The PEM certificate of the CA that signed the cluster's certificate (`customerCA.crt` of the initialisation). Required. */
  trustAnchorCertificate: string;
  /** The password of the `kmsuser` crypto user (7 to 32 characters), a secret. Required. */
  kmsUserPassword: pulumi.Input<string>;
  /** Confirms the store is connected (`aws kms describe-custom-key-stores` shows CONNECTED): keys may be created in it. Default: false. */
  connected?: boolean;
}

export interface HsmClusterArgs {
  /** The stack's context (tags, profile). Required. */
  context: BlueprintContext;
  /** The VPC of the subnets. Required. */
  vpcId: pulumi.Input<string>;
  /** Isolated subnets, one per AZ (CloudHSM takes at most one per AZ). Required. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** How many subnets `subnetIds` has (known when the program runs), at least 2. Required. */
  subnetCount: number;
  /** HSMs in the cluster, at least 2 (a custom key store needs two in different AZs), at most 28. Required. */
  hsmCount: number;
  /** HSM type. Default: `hsm2m.medium` (`hsm1.medium` is being retired by AWS). */
  hsmType?: HsmType;
  /** `FIPS` or `NON_FIPS` (hsm2m only; a cluster's mode cannot change). Default: `FIPS`. */
  mode?: "FIPS" | "NON_FIPS";
  /** The custom key store, once the cluster is initialised. Default: none. */
  keyStore?: HsmKeyStore;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

export class HsmCluster extends pulumi.ComponentResource {
  readonly cluster: aws.cloudhsmv2.Cluster;
  readonly clusterId: pulumi.Output<string>;
  /** The security group CloudHSM created for the cluster's HSMs. */
  readonly securityGroupId: pulumi.Output<string>;
  /** The group of the cluster's clients: members may reach the HSMs on 2223-2225. */
  readonly clientSecurityGroupId: pulumi.Output<string>;
  readonly hsms: aws.cloudhsmv2.Hsm[] = [];
  readonly customKeyStore: aws.kms.CustomKeyStore | undefined;
  /** The store's id, once `keyStore` is given. */
  readonly customKeyStoreId: pulumi.Output<string> | undefined;
  /** Which manual step is due (see the header). */
  readonly status: HsmCustodyStatus;

  constructor(name: string, args: HsmClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:security:HsmCluster", name, {}, opts);
    const { context } = args;
    const hsmType = args.hsmType ?? "hsm2m.medium";
    const mode = args.mode ?? "FIPS";
    const problems: string[] = [];
    if (!Number.isInteger(args.hsmCount) || args.hsmCount < 2 || args.hsmCount > 28) {
      problems.push(`hsmCount = ${args.hsmCount}: must be a whole number from 2 to 28 (one HSM has no failover, and a KMS custom key store needs two in different AZs)`);
    }
    if (!Number.isInteger(args.subnetCount) || args.subnetCount < 2) problems.push(`subnetCount = ${args.subnetCount}: needs subnets in at least 2 Availability Zones`);
    if (!(HsmTypes as readonly string[]).includes(hsmType)) problems.push(`hsmType = "${hsmType}": must be one of ${HsmTypes.join(", ")}`);
    if (mode !== "FIPS" && mode !== "NON_FIPS") problems.push(`mode = "${mode}": must be FIPS or NON_FIPS`);
    if (hsmType === "hsm1.medium" && args.mode !== undefined) problems.push(`mode = "${mode}": only hsm2m.medium clusters take a mode (hsm1.medium is always FIPS)`);
    if (args.keyStore && !PEM_CERTIFICATE.test(args.keyStore.trustAnchorCertificate)) {
      problems.push("keyStore.trustAnchorCertificate: must be one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----), the CA certificate used to sign the cluster's CSR");
    }
    throwIfProblems(`HsmCluster ${name}`, problems);

    const tags = (suffix: string) => withTags(context.tags, args.tags ?? {}, physicalName(context, `${name}-${suffix}`));
    this.cluster = new aws.cloudhsmv2.Cluster(
      name,
      { hsmType, ...(hsmType === "hsm2m.medium" ? { mode } : {}), subnetIds: args.subnetIds, tags: tags("cluster") },
      statefulOptions(context, { parent: this }),
    );
    this.clusterId = this.cluster.clusterId;
    this.securityGroupId = this.cluster.securityGroupId;

    const subnets = pulumi.output(args.subnetIds);
    for (let i = 0; i < args.hsmCount; i++) {
      this.hsms.push(new aws.cloudhsmv2.Hsm(`${name}-hsm-${i + 1}`, { clusterId: this.cluster.clusterId, subnetId: subnets.apply((ids) => ids[i % ids.length]!) }, statefulOptions(context, { parent: this })));
    }

    const clients = new aws.ec2.SecurityGroup(
      `${name}-clients`,
      { vpcId: args.vpcId, description: `Clients of the ${physicalName(context, name)} CloudHSM cluster (PKCS#11, JCE, CloudHSM CLI): 2223-2225 to its HSMs only`, tags: tags("clients") },
      { parent: this },
    );
    this.clientSecurityGroupId = clients.id;
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-clients-to-hsms`,
      { securityGroupId: clients.id, referencedSecurityGroupId: this.cluster.securityGroupId, ipProtocol: "tcp", fromPort: HsmClientPorts.from, toPort: HsmClientPorts.to, description: "CloudHSM client ports to the cluster's HSMs", tags: tags("clients-to-hsms") },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-hsms-from-clients`,
      { securityGroupId: this.cluster.securityGroupId, referencedSecurityGroupId: clients.id, ipProtocol: "tcp", fromPort: HsmClientPorts.from, toPort: HsmClientPorts.to, description: "CloudHSM client ports from the cluster's clients", tags: tags("hsms-from-clients") },
      { parent: this },
    );

    if (args.keyStore) {
      const password = pulumi.secret(
        pulumi.output(args.keyStore.kmsUserPassword).apply((p) => {
          if (p.length < 7 || p.length > 32) throw new Error(`HsmCluster ${name}: keyStore.kmsUserPassword must be 7 to 32 characters (the kmsuser crypto user's password), got ${p.length}`);
          return p;
        }),
      );
      this.customKeyStore = new aws.kms.CustomKeyStore(
        name,
        {
          customKeyStoreName: physicalName(context, name, 256),
          customKeyStoreType: "AWS_CLOUDHSM",
          cloudHsmClusterId: this.cluster.clusterId,
          trustAnchorCertificate: args.keyStore.trustAnchorCertificate,
          keyStorePassword: password,
        },
        // The store must exist while keys in it exist; KMS refuses to delete a store with keys.
        statefulOptions(context, { parent: this, dependsOn: this.hsms }),
      );
      this.customKeyStoreId = this.customKeyStore.id;
    }
    this.status = !args.keyStore ? "initialise-cluster" : args.keyStore.connected ? "ready" : "connect-key-store";
    this.registerOutputs({ clusterId: this.clusterId, securityGroupId: this.securityGroupId, customKeyStoreId: this.customKeyStoreId, status: this.status });
  }
}
