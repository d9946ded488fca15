/**
 * The app-server tier the bank and the hospital share: EC2 app servers behind an internal load
 * balancer (its access logs in their own bucket), the software they run (fleet-user-data.ts: the
 * release named by an SSM parameter, fetched from a versioned releases bucket the fleet alone
 * reads), and an EFS file system they mount at boot over TLS with IAM through one access point.
 *
 * A function rather than a component: the resources keep the names (and so the URNs) they had when
 * the bank declared them inline, so existing stacks see no replacement.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { albAccessLogsBucketStatements, EncryptedBucket, EncryptionKey, SecureVpc, SharedFileSystem, WebFleet } from "../components";
import type { RolePlacement } from "../components/security/service-role";
import type { BlueprintContext } from "../shared/context";
import { withTags } from "../shared/tags";
import { fleetUserData } from "./ecommerce/fleet-user-data";

export interface AppServersArgs {
  context: BlueprintContext;
  vpc: SecureVpc;
  /** The key of the servers' volumes, the releases and the shared files. */
  kmsKey: EncryptionKey;
  /** The S3 server access logs target of the buckets. */
  serverAccessLogs: (bucket: string) => { targetBucket: pulumi.Input<string>; prefix: string };
  /** The internal load balancer's certificate (HTTPS); dev may go without (HTTP inside the VPC). */
  certificateArn?: string;
  /** Who reaches the load balancer: the VPC and partner networks. */
  albIngressCidrs: string[];
  /** Where the application is unpacked on the servers, e.g. `/opt/bank-app`. */
  appRoot: string;
  /** The EFS access point's directory and owner. */
  sharedFiles: { path: string; uid: number; gid: number };
  /** Extra plain environment for the application (no secrets). */
  appEnvironment?: Record<string, string>;
  rolePlacement: RolePlacement;
}

export interface AppServers {
  fleet: WebFleet;
  releases: EncryptedBucket;
  sharedFiles: SharedFileSystem;
}

export function appServers(args: AppServersArgs): AppServers {
  const { context, vpc, kmsKey, rolePlacement } = args;
  const { project, stack, region, profile } = context;
  const tags = (name: string) => withTags(context.tags, {}, `${project}-${stack}-${name}`);
  const albLogs = new EncryptedBucket("alb-logs", {
    context,
    encryption: "s3-managed",
    accessLogs: args.serverAccessLogs("alb-logs"),
    lifecycle: { expireAfterDays: profile.logRetentionDays },
    policyStatements: (bucket) => albAccessLogsBucketStatements({ bucketArn: bucket.arn, region }),
  });
  const boot = {
    region,
    appPort: 8443,
    healthCheckPath: "/healthz",
    fileSystemIdParameter: `/${project}/${stack}/shared-files/file-system-id`,
    accessPointIdParameter: `/${project}/${stack}/shared-files/access-point-id`,
    mountPath: "/srv/shared",
    // The app servers' software (fleet-user-data.ts): which release runs, and where its settings are.
    releaseParameter: `/${project}/${stack}/app/release`,
    appRoot: args.appRoot,
    appEnvironment: { AWS_REGION: region, CONFIG_PARAMETER_PATH: `/${project}/${stack}/app/config/`, ...args.appEnvironment },
  };
  const fleet = new WebFleet("app", {
    context,
    network: vpc,
    kmsKey,
    ...(args.certificateArn !== undefined ? { certificateArn: args.certificateArn } : {}),
    accessLogs: { bucket: albLogs },
    internetFacing: false,
    albIngress: { cidrBlocks: args.albIngressCidrs },
    appPort: boot.appPort,
    healthCheckPath: boot.healthCheckPath,
    userData: fleetUserData(boot),
    rolePlacement,
  });

  // App releases (fleet-user-data.ts step 3): versioned, read by the fleet only. The release
  // parameter starts as "none" (the placeholder answers the health check); the application's own
  // pipeline sets it, so the program never overwrites it (ignoreChanges on its value).
  const releases = new EncryptedBucket("releases", { context, kmsKey, accessLogs: args.serverAccessLogs("releases") });
  releases.grantRead(fleet.instanceRole, { prefix: "app/" });
  kmsKey.grantDecrypt(fleet.instanceRole);
  new aws.ssm.Parameter(
    "app-release",
    { name: boot.releaseParameter, description: "The release the app servers run: s3://<releases bucket>/app/<file>.tar.gz <sha256>, or none", type: "String", value: "none", tags: tags("app-release") },
    { ignoreChanges: ["value"] },
  );

  // --- EFS: the file system the app servers share (mounted at boot over TLS with IAM) ---
  const sharedFiles = new SharedFileSystem("shared-files", {
    context,
    kmsKey,
    vpcId: vpc.vpcId,
    subnetIds: vpc.privateSubnetIds,
    subnetCount: vpc.availabilityZoneCount,
    accessPoints: [{ name: "app", path: args.sharedFiles.path, posixUser: { uid: args.sharedFiles.uid, gid: args.sharedFiles.gid } }],
    allowFrom: { "app-fleet": fleet.instanceSecurityGroupId },
  });
  fleet.allowTo("shared-files", sharedFiles.securityGroupId, 2049);
  new aws.ssm.Parameter("shared-files-id", { name: boot.fileSystemIdParameter, description: "The app fleet mounts this EFS file system at boot", type: "String", value: sharedFiles.fileSystemId, tags: tags("shared-files-id") });
  new aws.ssm.Parameter("shared-files-access-point", {
    name: boot.accessPointIdParameter,
    description: "The access point the app fleet mounts the shared file system through",
    type: "String",
    value: sharedFiles.accessPointIds.apply((ids) => ids.app!),
    tags: tags("shared-files-access-point"),
  });
  sharedFiles.grantMount(fleet.instanceRole, "app");
  return { fleet, releases, sharedFiles };
}
