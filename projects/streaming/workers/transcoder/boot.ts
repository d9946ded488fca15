/**
 * How a transcoding instance gets its software: the launch template's user data (cloud-init runs
 * it once, as root, at first boot) on Debian 13's official AMI.
 *
 * 1. apt over HTTPS (the workers' security group allows port 443 only): ffmpeg 7.1, Node.js 20 and
 *    the AWS CLI from Debian's own archive, the same ffmpeg family the tests run.
 * 2. The Session Manager agent from AWS's regional bucket (Debian's AMI does not ship it).
 * 3. The worker bundle (`main.ts` bundled by esbuild, SDK included) from the artifacts bucket; its
 *    S3 URI is in the worker settings parameter, and its SHA-256 is in this script, so a new bundle
 *    is a new launch-template version (the group's instance refresh replaces the workers) and a
 *    tampered object is refused.
 * 4. A systemd unit that runs it as an unprivileged user, restarted if it dies; SIGTERM at shutdown
 *    releases the job in hand.
 *
 * Booting takes a few minutes (apt). For faster scale-out, bake an AMI with steps 1 and 2 (EC2
 * Image Builder or Packer) and set `streaming:transcoderAmiParameter` to its SSM parameter.
 */

/** Debian 13 (trixie) official AMI, x86_64, as the Debian cloud team publishes it in SSM. */
export const DebianAmiParameter = "/aws/service/debian/release/13/latest/amd64";

export interface BootOptions {
  /** The stack's region (the CLI and the SDK need it; IMDS is not asked). */
  region: string;
  /** SSM parameter name holding the worker settings JSON (`WorkerSettings`, with `workerBundle`). */
  settingsParameter: string;
  /** SHA-256 (hex) of the bundle the settings point at. */
  bundleSha256: string;
  /** Whether to install packages (false with a baked image that has them). Default: true. */
  installPackages?: boolean;
}

export function transcoderUserData(o: BootOptions): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region)) throw new Error(`transcoderUserData: region = "${o.region}": must be an AWS region such as us-east-1`);
  if (!/^\/[A-Za-z0-9_./-]+$/.test(o.settingsParameter)) throw new Error(`transcoderUserData: settingsParameter = "${o.settingsParameter}": must be an SSM parameter path`);
  if (!/^[0-9a-f]{64}$/.test(o.bundleSha256)) throw new Error(`transcoderUserData: bundleSha256 = "${o.bundleSha256}": must be 64 hex characters`);
  const install = o.installPackages ?? true;
  return `#!/bin/bash
# Transcoding worker bootstrap (projects/streaming/workers/transcoder/boot.ts). Bundle sha256: ${o.bundleSha256}
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive AWS_REGION=${o.region} AWS_DEFAULT_REGION=${o.region}
${
  install
    ? `# The security group allows HTTPS only: read Debian's archive over HTTPS (the cloud image's
# sources and its mirror list, whichever it uses).
for f in /etc/apt/sources.list.d/*.sources /etc/apt/mirrors/*.list; do [ -f "$f" ] && sed -i 's#http://#https://#g' "$f"; done
apt-get update -q
apt-get install -y -q --no-install-recommends ffmpeg nodejs awscli ca-certificates curl
curl -fsSL -o /tmp/amazon-ssm-agent.deb "https://s3.${o.region}.amazonaws.com/amazon-ssm-${o.region}/latest/debian_amd64/amazon-ssm-agent.deb"
dpkg -i /tmp/amazon-ssm-agent.deb && systemctl enable --now amazon-ssm-agent
`
    : ""
}id transcoder >/dev/null 2>&1 || useradd --system --create-home --home-dir /var/lib/transcoder --shell /usr/sbin/nologin transcoder
install -d -m 0755 /opt/transcoder
settings=$(aws ssm get-parameter --name '${o.settingsParameter}' --query Parameter.Value --output text)
bundle=$(printf '%s' "$settings" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).workerBundle)')
aws s3 cp --only-show-errors "$bundle" /opt/transcoder/worker.js
echo "${o.bundleSha256}  /opt/transcoder/worker.js" | sha256sum --check --quiet
cat > /etc/systemd/system/transcoder.service <<'UNIT'
[Unit]
Description=Transcoding worker (SQS -> ffmpeg -> S3)
After=network-online.target
Wants=network-online.target

[Service]
User=transcoder
Environment=AWS_REGION=${o.region}
Environment=TRANSCODER_CONFIG_PARAMETER=${o.settingsParameter}
Environment=TMPDIR=/var/lib/transcoder
ExecStart=/usr/bin/node --enable-source-maps /opt/transcoder/worker.js
Restart=always
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=30
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=/var/lib/transcoder

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now transcoder.service
`;
}
