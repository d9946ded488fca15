/**
 * How the web fleet gets the storefront application (fleet-user-data.ts step 3), run for real in
 * bash: `aws` and `systemctl` are stand-ins on PATH that record their calls; sha256sum and tar are
 * the system's.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fleetUserData, releaseScript } from "../../projects/ecommerce/fleet-user-data";

describe("ecommerce web fleet: the storefront release at boot", () => {
  let dir: string;
  const boot = (release: string) => {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    const log = path.join(dir, "calls.log");
    // aws: `ssm get-parameter` prints the release; `s3 cp <uri> <file>` copies from the fake bucket directory.
    fs.writeFileSync(
      path.join(bin, "aws"),
      `#!/bin/bash\necho "aws $*" >> ${log}\nif [ "$1" = ssm ]; then echo '${release}'; exit 0; fi\nif [ "$1" = s3 ]; then for a in "$@"; do case "$a" in s3://*) src="${dir}/bucket/\${a#s3://*/}";; esac; done; cp "$src" "\${@: -1}"; fi\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(bin, "systemctl"), `#!/bin/bash\necho "systemctl $*" >> ${log}\n`, { mode: 0o755 });
    const script = releaseScript(
      { region: "us-east-1", appPort: 8080, releaseParameter: "/ecommerce/dev/storefront/release", appRoot: path.join(dir, "app"), appEnvironment: { AWS_REGION: "us-east-1", CONFIG_PARAMETER_PATH: "/ecommerce/dev/storefront/config/" } },
      dir,
    );
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    return { status: run.status, stderr: run.stderr, calls };
  };
  const makeRelease = (files: Record<string, string>) => {
    const src = path.join(dir, "src");
    fs.mkdirSync(src, { recursive: true });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(src, name), content, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, "bucket", "storefront"), { recursive: true });
    const archive = path.join(dir, "bucket", "storefront", "2026-12-02.tar.gz");
    execFileSync("tar", ["-czf", archive, "-C", src, "."]);
    return createHash("sha256").update(fs.readFileSync(archive)).digest("hex");
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-boot-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("downloads the named release, checks its SHA-256, unpacks it, and replaces the placeholder with storefront.service", () => {
    const sha = makeRelease({ start: "#!/bin/sh\nexec node server.js\n" });
    const { status, stderr, calls } = boot(`s3://shop-releases/storefront/2026-12-02.tar.gz ${sha}`);
    expect(status, stderr).to.equal(0);
    expect(calls).to.include("systemctl disable --now storefront-placeholder.service");
    expect(calls).to.include("systemctl enable --now storefront.service");
    expect(fs.readlinkSync(path.join(dir, "app", "current"))).to.equal(path.join(dir, "app", "releases", sha));
    const unit = fs.readFileSync(path.join(dir, "storefront.service"), "utf8");
    expect(unit).to.include(`ExecStart=${path.join(dir, "app")}/current/start`);
    expect(unit).to.include('Environment="PORT=8080"');
    expect(unit).to.include('Environment="CONFIG_PARAMETER_PATH=/ecommerce/dev/storefront/config/"');
    expect(unit).to.include("DynamicUser=yes");
  });

  it("refuses a release whose hash does not match, leaving the placeholder in place", () => {
    makeRelease({ start: "#!/bin/sh\n" });
    const { status, stderr, calls } = boot(`s3://shop-releases/storefront/2026-12-02.tar.gz ${"0".repeat(64)}`);
    expect(status).to.equal(1);
    expect(stderr).to.match(/does not match its sha256/);
    expect(calls.filter((c) => c.startsWith("systemctl"))).to.deep.equal([]);
    expect(fs.existsSync(path.join(dir, "app", "current"))).to.equal(false);
  });

  it("refuses a release without an executable start, and a malformed parameter", () => {
    const sha = makeRelease({ "README.md": "no start here" });
    fs.chmodSync(path.join(dir, "src", "README.md"), 0o644);
    expect(boot(`s3://shop-releases/storefront/2026-12-02.tar.gz ${sha}`).stderr).to.match(/has no executable start/);
    expect(boot("storefront/2026-12-02.tar.gz abc").stderr).to.match(/must be: s3:\/\/<bucket>\/<key> <sha256>/);
  });

  it("with no release yet (none), keeps the placeholder and touches nothing", () => {
    const { status, calls } = boot("none");
    expect(status).to.equal(0);
    expect(calls.filter((c) => !c.startsWith("aws ssm"))).to.deep.equal([]);
  });

  it("the whole boot script is valid bash and runs the three steps in order", () => {
    const script = fleetUserData({
      region: "us-east-1",
      appPort: 8080,
      healthCheckPath: "/healthz",
      fileSystemIdParameter: "/p/fs",
      accessPointIdParameter: "/p/ap",
      mountPath: "/srv/shared",
      releaseParameter: "/p/release",
      appRoot: "/opt/storefront",
      appEnvironment: { AWS_REGION: "us-east-1" },
    });
    expect(spawnSync("bash", ["-n", "-c", script]).status).to.equal(0);
    const order = ["storefront-placeholder.service", "amazon-efs-utils", "/p/release"].map((s) => script.indexOf(s));
    expect(order.every((i) => i > 0)).to.equal(true);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(() => releaseScript({ region: "r", appPort: 1, releaseParameter: "/p", appRoot: "/a", appEnvironment: { BAD: 'x"; rm -rf /' } })).to.throw(/appEnvironment BAD/);
  });
});
