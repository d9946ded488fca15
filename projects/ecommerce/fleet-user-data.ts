/**
 * The web/app servers' first-boot script (cloud-init, bash):
 *
 * 1. A placeholder answers the load balancer's health check on the application port until the
 *    storefront application is deployed onto the instances (it replaces the placeholder's unit):
 *    without it every instance would fail its ELB health check after the grace period and the
 *    group would replace instances for ever.
 * 2. The shared file system is mounted through its access point, over TLS with IAM authorization
 *    (amazon-efs-utils), at every boot (fstab).
 * 3. The storefront application (how it is delivered): a release is a `.tar.gz` in the releases
 *    bucket whose root holds an executable `start` (it listens on `PORT` and answers
 *    `healthCheckPath`; it reads its settings from the SSM parameters under `CONFIG_PARAMETER_PATH`).
 *    The SSM parameter `releaseParameter` names it as `s3://<bucket>/<key> <sha256>`.
 *    At boot the instance downloads that object, refuses it unless its SHA-256 matches, unpacks it
 *    under `<appRoot>/releases/<sha256>`, points `<appRoot>/current` at it, and runs it as the
 *    unprivileged `storefront.service` (systemd), replacing the placeholder. Rolling out a release:
 *    upload it, put its key and hash in the parameter, and start an instance refresh (README);
 *    new instances boot into it, the ALB health check gates the rollout.
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
  /** SSM parameter naming the release to run: `s3://<bucket>/<key> <sha256>`, or `none`. */
  releaseParameter: string;
  /** Where releases are unpacked (`releases/<sha256>`, `current`). */
  appRoot: string;
  /** Environment the application gets (database endpoint, table names...): plain values only, no secrets. */
  appEnvironment: Record<string, string>;
}

/**
 * Step 3 on its own (a bash fragment): fetch, verify, unpack and start the release the parameter
 * names; with none, leave the placeholder running. Exits non-zero on a bad download or hash, so a
 * broken release never replaces the placeholder (the instance then fails its health check and the
 * instance refresh stops).
 */
export function releaseScript(
  p: Pick<FleetBootParameters, "region" | "appPort" | "releaseParameter" | "appRoot" | "appEnvironment">,
  unitDirectory = "/etc/systemd/system",
): string {
  const env = Object.entries(p.appEnvironment).map(([k, v]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(k) || /[\n"\\$`]/.test(v)) throw new Error(`appEnvironment ${k}: names are upper-case identifiers and values plain text (no quotes, $, backslash or newline)`);
    return `Environment="${k}=${v}"`;
  });
  return [
    `RELEASE="$(aws ssm get-parameter --region ${p.region} --name ${p.releaseParameter} --query Parameter.Value --output text 2>/dev/null || echo none)"`,
    'if [ "$RELEASE" != "none" ] && [ -n "$RELEASE" ]; then',
    '  read -r RELEASE_KEY RELEASE_SHA256 <<< "$RELEASE"',
    '  case "$RELEASE_KEY" in (s3://*/*) ;; (*) echo "the release parameter must be: s3://<bucket>/<key> <sha256>" >&2; exit 1;; esac',
    '  case "$RELEASE_SHA256" in ([0-9a-f][0-9a-f]*) ;; (*) echo "the release parameter must be: s3://<bucket>/<key> <sha256>" >&2; exit 1;; esac',
    `  RELEASE_DIR="${p.appRoot}/releases/$RELEASE_SHA256"`,
    `  mkdir -p "$RELEASE_DIR" "${p.appRoot}/downloads"`,
    `  ARCHIVE="${p.appRoot}/downloads/$RELEASE_SHA256.tar.gz"`,
    `  aws s3 cp --region ${p.region} --only-show-errors "$RELEASE_KEY" "$ARCHIVE"`,
    '  echo "$RELEASE_SHA256  $ARCHIVE" | sha256sum --check --status || { echo "release $RELEASE_KEY does not match its sha256" >&2; rm -f "$ARCHIVE"; exit 1; }',
    '  tar -xzf "$ARCHIVE" -C "$RELEASE_DIR"',
    '  [ -x "$RELEASE_DIR/start" ] || { echo "release $RELEASE_KEY has no executable start" >&2; exit 1; }',
    `  ln -sfn "$RELEASE_DIR" "${p.appRoot}/current"`,
    `  cat > ${unitDirectory}/storefront.service <<UNIT`,
    "[Unit]",
    "Description=The storefront application",
    "After=network-online.target",
    "[Service]",
    `ExecStart=${p.appRoot}/current/start`,
    `WorkingDirectory=${p.appRoot}/current`,
    `Environment="PORT=${p.appPort}"`,
    ...env,
    "DynamicUser=yes",
    "Restart=always",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "  systemctl daemon-reload",
    "  systemctl disable --now storefront-placeholder.service",
    "  systemctl enable --now storefront.service",
    "fi",
  ].join("\n");
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
    // 3. The storefront release.
    releaseScript(p),
    "",
  ].join("\n");
}
