/**
 * The web/app servers' first-boot script (cloud-init, bash):
 *
 * 1. A placeholder answers the load balancer's health check on the application port until the
 *    storefront application is deployed onto the instances (it replaces the placeholder's unit):
 *    without it every instance would fail its ELB health check after the grace period and the
 *    group would replace instances for ever.
 * 2. The shared file system is mounted through its access point, over TLS with IAM authorization
 *    (amazon-efs-utils), at every boot (fstab).
 *
 * The file system and access point ids are read at boot from SSM parameters the program writes:
 * the launch template's user data is plain text fixed at construction, and the ids exist only once
 * the file system does. The instance role reads parameters through its Session Manager policy.
 * On a first deployment the first instances may boot before the parameters and mount targets
 * exist, so the script waits for them (up to 15 minutes) instead of failing once and for good.
 */
import * as path from "node:path";

export interface FleetBootParameters {
  /** The stack's region (the CLI on the instance has no default region). */
  region: string;
  /** The port the application listens on (the load balancer's target port). */
  appPort: number;
  /** The path the load balancer's health check requests. */
  healthCheckPath: string;
  /** SSM parameter holding the file system id. */
  fileSystemIdParameter: string;
  /** SSM parameter holding the access point id. */
  accessPointIdParameter: string;
  /** Where the application finds the shared files. */
  mountPath: string;
}

/** The cloud-init script. */
export function fleetUserData(p: FleetBootParameters): string {
  const placeholderRoot = "/srv/placeholder";
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    // 1. The health-check placeholder, as an unprivileged systemd service.
    `mkdir -p ${path.posix.join(placeholderRoot, path.posix.dirname(p.healthCheckPath))}`,
    `echo ok > ${placeholderRoot}${p.healthCheckPath}`,
    "cat > /etc/systemd/system/storefront-placeholder.service <<'UNIT'",
    "[Unit]",
    "Description=Answers the load balancer's health checks until the storefront is deployed",
    "After=network-online.target",
    "[Service]",
    `ExecStart=/usr/bin/python3 -m http.server ${p.appPort} --bind 0.0.0.0 --directory ${placeholderRoot}`,
    "DynamicUser=yes",
    "Restart=always",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now storefront-placeholder.service",
    // 2. The shared file system.
    "dnf install -y amazon-efs-utils",
    `param() { aws ssm get-parameter --region ${p.region} --name "$1" --query Parameter.Value --output text; }`,
    "for _ in $(seq 1 90); do",
    `  FILE_SYSTEM_ID="$(param ${p.fileSystemIdParameter})" && ACCESS_POINT_ID="$(param ${p.accessPointIdParameter})" && break`,
    "  sleep 10",
    "done",
    `mkdir -p ${p.mountPath}`,
    `echo "$FILE_SYSTEM_ID:/ ${p.mountPath} efs _netdev,noresvport,tls,iam,accesspoint=$ACCESS_POINT_ID 0 0" >> /etc/fstab`,
    `for _ in $(seq 1 90); do mount ${p.mountPath} && break; sleep 10; done`,
    "",
  ].join("\n");
}
