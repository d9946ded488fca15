/**
 * The pack as the Pulumi CLI and Pulumi Cloud run it: JavaScript built from the TypeScript sources
 * (in sync), started by `@pulumi/pulumi/cmd/run-policy-pack` from its directory, and publishable:
 * `npm pack` (what `pulumi policy publish` runs), the tarball unpacked into an empty folder, its own
 * dependencies installed there (what the CLI does with a pack enforced from Pulumi Cloud), and
 * started under that folder's runner until it serves every policy over gRPC.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { allPolicies } from "../../policy-packs/aws-compliance/policies";
import { buildDir, packDir, packExternals, staleBuildFiles } from "../../tools/policy/build-pack";
import { runnerFor, startPack } from "../../tools/policy/run-pack";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const policyNames = allPolicies.map((p) => p.name).sort();

describe("aws-compliance pack: built JavaScript, runner start, publish", function () {
  this.timeout(300_000);

  it("ships a build in sync with the TypeScript sources (npm run build:pack)", async () => {
    expect(fs.existsSync(path.join(buildDir, "index.js"))).to.equal(true);
    expect(await staleBuildFiles()).to.deep.equal([]);
  });

  it("enters through plain JavaScript: package.json main -> index.js -> build/index.js, nothing in TypeScript", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
    expect(pkg.main).to.equal("index.js");
    expect(fs.readFileSync(path.join(packDir, "index.js"), "utf8")).to.match(/require\("\.\/build\/index\.js"\)/);
    const bundle = fs.readFileSync(path.join(buildDir, "index.js"), "utf8");
    // Only the declared dependencies and Node built-ins are required at run time; no .ts file.
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!).filter((m) => !m.startsWith("node:"));
    const builtins = new Set(require("node:module").builtinModules as string[]);
    expect(required.filter((m) => !builtins.has(m) && !packExternals.some((d) => m === d || m.startsWith(`${d}/`)))).to.deep.equal([]);
    expect(required.filter((m) => m.endsWith(".ts"))).to.deep.equal([]);
  });

  it("declares as dependencies what it requires, in ranges the repository's installed versions satisfy", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies).sort()).to.deep.equal(["@pulumi/policy", "@pulumi/pulumi"]);
    const rootPkg = JSON.parse(fs.readFileSync(path.join(packDir, "..", "..", "package.json"), "utf8"));
    for (const dep of Object.keys(pkg.dependencies)) expect(pkg.dependencies[dep], dep).to.equal(rootPkg.dependencies[dep]);
  });

  it("serves every policy when started from its directory under Pulumi's runner (as the CLI does)", async () => {
    const running = await startPack(packDir);
    try {
      expect(running.port).to.be.greaterThan(0);
      const info = await running.info();
      expect(info.name).to.equal("aws-compliance");
      expect(info.policies.sort()).to.deep.equal(policyNames);
    } finally {
      running.stop();
    }
  });

  it("fails to serve when the pack cannot load (so the check above can fail)", async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "broken-pack-"));
    fs.writeFileSync(path.join(broken, "package.json"), JSON.stringify({ name: "broken", version: "0.0.1", main: "index.js" }));
    fs.writeFileSync(path.join(broken, "index.js"), 'throw new Error("pack failed to load");\n');
    let error: Error | undefined;
    try {
      (await startPack(broken, { runner: runnerFor(packDir), timeoutMs: 60_000 })).stop();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/exited .* before serving[\s\S]*pack failed to load/);
  });

  it("npm pack -> unpacked in an empty folder -> its own dependencies installed -> serves under that folder's runner", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pack-publish-"));
    const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", tmp], { cwd: packDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }))[0];
    const files = (packed.files as { path: string }[]).map((f) => f.path).sort();
    expect(files).to.include.members(["PulumiPolicy.yaml", "package.json", "index.js", "build/index.js"]);
    expect(files.filter((f) => f.endsWith(".ts")), "TypeScript in the tarball").to.deep.equal([]);

    execFileSync("tar", ["xzf", path.join(tmp, packed.filename), "-C", tmp]);
    const installed = path.join(tmp, "package");
    execFileSync(npm, ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: installed, stdio: "ignore" });

    const runner = runnerFor(installed);
    expect(runner.startsWith(path.join(installed, "node_modules")), `runner ${runner} is the tarball's own`).to.equal(true);
    const running = await startPack(installed, { runner });
    try {
      const info = await running.info();
      expect(info.name).to.equal("aws-compliance");
      expect(info.policies.sort()).to.deep.equal(policyNames);
    } finally {
      running.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
