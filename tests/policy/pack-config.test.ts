/** The layered pack config (tools/policy/pack-config.ts): merge, validation, per-project switches, the CLI. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { policyRegistry } from "../../policy-packs/aws-compliance/lib/policy";
import { listPolicies } from "../../policy-packs/aws-compliance/list";
import * as audit from "../../policy-packs/aws-compliance/policies/audit";
import { allPolicies } from "../../policy-packs/aws-compliance/policies";
import { buildPackConfig, defaultPackDir, mergePackConfig, packConfigProblems } from "../../tools/policy/pack-config";
import { evaluatePolicies } from "../../tools/policy/harness";
import { res } from "../helpers/policy";

const repoRoot = path.join(__dirname, "../..");

function tempPack(files: Record<string, unknown>): string {
  // A copy of the pack whose config/ is the given files (code linked, not copied).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-config-"));
  for (const f of fs.readdirSync(defaultPackDir)) if (f !== "config") fs.symlinkSync(path.join(defaultPackDir, f), path.join(dir, f));
  for (const [f, v] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, "config", f)), { recursive: true });
    fs.writeFileSync(path.join(dir, "config", f), JSON.stringify(v));
  }
  return dir;
}

describe("policy pack config layering", () => {
  it("merges stack defaults and the project overlay: levels, settings, exemptions appended, $pack copied into every policy", () => {
    const merged = mergePackConfig(
      [
        { all: "advisory", $pack: { tagExemptions: { maxSeverity: "critical", maxDays: 180 } }, "cloudtrail-enabled": "mandatory", "s3-bucket-require-tls": { exemptions: [{ resource: "a" }] } },
        { "cloudtrail-enabled": { requireTrail: true }, "s3-bucket-require-tls": { exemptions: [{ resource: "b" }] }, $pack: { tagExemptions: { maxDays: 30 } } },
      ],
      allPolicies,
    );
    expect(merged.all).to.equal("advisory");
    expect(merged["cloudtrail-enabled"]).to.deep.equal({ tagExemptions: { maxSeverity: "critical", maxDays: 30 }, enforcementLevel: "mandatory", requireTrail: true });
    expect((merged["s3-bucket-require-tls"] as any).exemptions).to.deep.equal([{ resource: "a" }, { resource: "b" }]);
    expect(Object.keys(merged)).to.not.include("$pack");
    expect(Object.keys(merged)).to.have.length(allPolicies.length + 1);
  });

  it("names a misspelt setting, an unknown policy and a bad level", () => {
    const problems = packConfigProblems(allPolicies, { "cloudtrail-enabled": { requireTrial: true }, "cloudtrail-enabeld": "mandatory", "s3-bucket-require-tls": "strict" });
    expect(problems).to.include.members([
      "cloudtrail-enabled: 'requireTrial' is not a setting of this policy (settings: requireTrail, exemptions, tagExemptions, environment, classifiedData); did you mean 'requireTrail'?",
      "'cloudtrail-enabeld' is not a policy of the pack; did you mean 'cloudtrail-enabled'?",
      "s3-bucket-require-tls: enforcementLevel 'strict' is not one of advisory, mandatory, remediate, disabled",
    ]);
  });

  it("a policy merged into another is refused by its old name, naming the one that replaced it", () => {
    const dir = tempPack({ "prod.json": { "iam-password-policy-min-length": { minimumPasswordLength: 16 } } });
    const built = buildPackConfig({ packDir: dir, project: "shop", stack: "prod", policies: allPolicies });
    expect(built.problems.join("\n")).to.include("'iam-password-policy-min-length' was merged into 'iam-password-policy' (one finding per flaw, with every control it breaks): move its settings there");
  });

  it("rejects an exemption by bare name, and one without expiry or permanentBecause, naming the file and entry", () => {
    const dir = tempPack({ "prod.json": { "s3-bucket-require-tls": { exemptions: [{ resource: "media", reason: "legacy clients without TLS" }] } } });
    const built = buildPackConfig({ packDir: dir, project: "shop", stack: "prod", policies: allPolicies });
    expect(built.problems.join("\n")).to.include("s3-bucket-require-tls.exemptions[0].resource 'media': must be a URN glob naming project, type and name");
    expect(built.problems.join("\n")).to.include("s3-bucket-require-tls.exemptions[0]: needs 'expires' (YYYY-MM-DD), or 'permanentBecause'");
  });

  it("the shipped files: every project and stack builds without a problem; the platform overlay switches its trail and detector on", () => {
    for (const project of ["platform", "ecommerce", "streaming"]) {
      for (const stack of ["dev", "prod"]) {
        const built = buildPackConfig({ project, stack, policies: allPolicies });
        expect(built.problems, `${project}/${stack}`).to.deep.equal([]);
        const trail = built.config["cloudtrail-enabled"] as Record<string, unknown>;
        expect(trail.requireTrail, `${project}/${stack}`).to.equal(project === "platform" ? true : undefined);
      }
    }
  });

  it("a project switch takes effect: the platform without a trail fails, a workload without one does not", async () => {
    const stack = res("pulumi:pulumi:Stack", {}, { name: "baseline" });
    const run = async (project: string) => {
      const { config } = buildPackConfig({ project, stack: "prod", policies: allPolicies });
      const ev = await evaluatePolicies({ name: "aws-compliance", version: "0", enforcementLevel: "mandatory", policies: [audit.cloudtrailEnabled] }, [stack], { config: config as any });
      return ev.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message);
    };
    expect((await run("platform")).join("\n")).to.include("declares no CloudTrail trail although it is the account baseline");
    expect(await run("ecommerce")).to.deep.equal([]);
  });

  it("npm run policy:config writes the merged JSON, and exits 2 naming a bad key", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pc-")), "platform-prod.json");
    const ok = spawnSync("node", ["--require", "esbuild-register", "tools/policy/pack-config.ts", "--project", ".", "--stack", "prod", "--out", out], { cwd: repoRoot, encoding: "utf8" });
    expect(ok.status, ok.stderr).to.equal(0);
    const json = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(json["guardduty-detector-enabled"].requireDetector).to.equal(true);
    expect(json["s3-bucket-require-tls"].tagExemptions).to.deep.equal({ maxSeverity: "medium", maxDays: 180 });

    const dir = tempPack({ "prod.json": { "cloudtrail-enabled": { requireTrial: true } } });
    const bad = spawnSync("node", ["--require", "esbuild-register", "tools/policy/pack-config.ts", "--project", "shop", "--stack", "prod", "--policy-pack", dir], { cwd: repoRoot, encoding: "utf8" });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include("cloudtrail-enabled: 'requireTrial' is not a setting of this policy");
  });
});

describe("enforcement by severity", () => {
  it("defaults critical, high and medium policies to mandatory and low ones to advisory", () => {
    for (const p of allPolicies) {
      const sev = policyRegistry.get(p.name)!.severity;
      expect(p.enforcementLevel, `${p.name} (${sev})`).to.equal(sev === "low" ? "advisory" : "mandatory");
    }
  });

  it("lists each policy's severity and its level per stack (prod by severity, dev advisory except the never-slip rules)", () => {
    const rows = listPolicies("prod");
    const dev = new Map(listPolicies("dev").map((r) => [r.name, r.enforcementLevel]));
    const low = rows.find((r) => r.severity === "low")!;
    expect(low.enforcementLevel).to.equal("advisory");
    expect(rows.find((r) => r.name === "rds-no-default-port")!.severity).to.equal("low");
    expect(rows.find((r) => r.name === "rds-no-default-port")!.enforcementLevel).to.equal("advisory");
    expect(rows.find((r) => r.name === "rds-cluster-event-subscription")!.enforcementLevel).to.equal("advisory");
    expect(rows.find((r) => r.severity === "medium")!.enforcementLevel).to.equal("mandatory");
    expect(dev.get("s3-bucket-no-public-read")).to.equal("mandatory");
    expect(dev.get("s3-bucket-require-tls")).to.equal("advisory");
  });
});
