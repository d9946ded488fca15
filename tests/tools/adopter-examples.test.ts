/**
 * Adopter-specific config keys (convention 1): a stack without one fails config validation with
 * the key, what it is for and the `pulumi config set` command; the offline plan overlays example
 * values for exactly those keys from tools/plan/adopter-examples.yaml, never over a value the stack
 * sets, and says so in its header, its notes and its JSON.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { defaultAdopterExamplesFile, examplesFor, overlayAdopterExamples, readAdopterExamples } from "../../tools/plan/adopter-examples";
import { discoverProjects } from "../../tools/plan/project";
import { repoRoot, runPlan } from "../helpers/plan";

const fixture = "tests/fixtures/projects/adopter";
const fixtureExamples = path.join(repoRoot, fixture, "examples.yaml");

function tmpFile(text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "adopter-")), "examples.yaml");
  fs.writeFileSync(f, text);
  return f;
}

describe("adopter-specific keys: the examples file and its overlay", () => {
  it("overlays '*' then the stack's own entry, serialised as the CLI passes config", () => {
    const examples = { p: { "*": { "p:repo": "a/b", "p:emails": ["x@example.com"] }, prod: { "p:repo": "c/d", "p:ack": true } } };
    expect(examplesFor(examples, "p", "dev")).to.deep.equal({ "p:repo": "a/b", "p:emails": ["x@example.com"] });
    const r = overlayAdopterExamples({ "aws:region": "us-east-1" }, examples, "p", "prod");
    expect(r.config).to.deep.equal({ "aws:region": "us-east-1", "p:repo": "c/d", "p:emails": '["x@example.com"]', "p:ack": "true" });
    expect(r.overlaid).to.deep.equal(["p:ack", "p:emails", "p:repo"]);
  });

  it("never replaces a value the stack sets itself, and overlays nothing for another project", () => {
    const examples = { p: { "*": { "p:repo": "a/b" } } };
    expect(overlayAdopterExamples({ "p:repo": "mine/repo" }, examples, "p", "dev")).to.deep.equal({ config: { "p:repo": "mine/repo" }, overlaid: [] });
    expect(overlayAdopterExamples({}, examples, "q", "dev").overlaid).to.deep.equal([]);
  });

  it("rejects a malformed file with the path and what is allowed", () => {
    expect(() => readAdopterExamples(tmpFile("- a\n- b\n"))).to.throw(/must map project names/);
    expect(() => readAdopterExamples(tmpFile("p:\n  dev: [1]\n"))).to.throw(/p\.dev must map "<project>:<key>" to a value/);
    expect(() => readAdopterExamples(tmpFile("p:\n  dev:\n    repo: a/b\n"))).to.throw(/'repo' is not a fully qualified config key/);
  });

  describe("the committed tools/plan/adopter-examples.yaml", () => {
    const examples = readAdopterExamples(defaultAdopterExamplesFile);
    const projects = discoverProjects(repoRoot);

    it("names only projects and stacks that exist, and keys in the project's namespace", () => {
      expect(Object.keys(examples)).to.include("platform");
      for (const [project, stacks] of Object.entries(examples)) {
        const p = projects.find((x) => x.name === project);
        expect(p, `project ${project}`).to.not.equal(undefined);
        for (const [stack, keys] of Object.entries(stacks)) {
          if (stack !== "*") expect(p!.stacks, `${project} stack ${stack}`).to.include(stack);
          for (const key of Object.keys(keys)) expect(key.split(":")[0], `${project}.${stack} ${key}`).to.equal(project);
        }
      }
    });

    it("lists keys no committed Pulumi.<stack>.yaml sets (the adopter's values are never committed)", () => {
      for (const [project, stacks] of Object.entries(examples)) {
        const p = projects.find((x) => x.name === project)!;
        for (const stack of p.stacks) {
          const file = path.join(p.stackConfigDir, `Pulumi.${stack}.yaml`);
          const committed = Object.keys((YAML.parse(fs.readFileSync(file, "utf8")) ?? {}).config ?? {}).map((k) => (k.includes(":") ? k : `${project}:${k}`));
          const adopterKeys = Object.keys({ ...(stacks["*"] ?? {}), ...(stacks[stack] ?? {}) });
          expect(committed.filter((k) => adopterKeys.includes(k)), path.relative(repoRoot, file)).to.deep.equal([]);
        }
      }
    });
  });
});

describe("adopter-specific keys through the offline plan (fixture program)", function () {
  this.timeout(120_000);

  it("a stack missing one fails validation before any resource, naming the key, its purpose and the pulumi config set command", () => {
    const r = runPlan(fixture, "prod", ["--no-policy", "--no-adopter-examples"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(2);
    expect(r.json!.error).to.include(
      "adopter:notifyEmail missing: required, and yours to give (no value is committed for it): where notifications go (notify is true). Set it with `pulumi config set adopter:notifyEmail <you@your-domain> --stack prod`",
    );
    // The stack sets trustedAccountId itself: not reported.
    expect(r.json!.error).to.not.include("adopter:trustedAccountId");
    expect(r.json!.resources.filter((x) => x.custom)).to.deep.equal([]);
  });

  it("a key needed only behind a switch is not asked for when the switch is off", () => {
    const r = runPlan(fixture, "dev", ["--no-policy", "--no-adopter-examples"]);
    expect(r.exitCode).to.equal(2);
    const problems = r.json!.error!.split("\n").filter((l) => l.startsWith("  - "));
    expect(problems.map((l) => l.split(" ")[3])).to.deep.equal(["adopter:trustedAccountId"]);
  });

  it("overlays the examples for exactly the missing keys, and says so in the header, the notes and the JSON", () => {
    const dev = runPlan(fixture, "dev", ["--no-policy", "--adopter-examples", fixtureExamples]);
    expect(dev.exitCode, dev.stdout + dev.stderr).to.equal(0);
    expect(dev.json!.outputs).to.include({ trustedAccountId: "123456789012", notifyEmail: null });
    expect((dev.json as unknown as { adopterExamples: string[] }).adopterExamples).to.deep.equal(["adopter:trustedAccountId"]);
    expect(dev.stdout.split("\n")[0]).to.match(/^Adopter-specific config: 1 of 1 stack planned with example values from .*examples\.yaml/);
    expect(dev.stdout).to.include("  adopter/dev: adopter:trustedAccountId");
    expect(dev.json!.notes.join("\n")).to.match(/adopter-specific keys planned with example values from .*: adopter:trustedAccountId/);

    const prod = runPlan(fixture, "prod", ["--no-policy", "--adopter-examples", fixtureExamples]);
    expect(prod.exitCode, prod.stdout + prod.stderr).to.equal(0);
    // The stack's own value wins over the example.
    expect(prod.json!.outputs).to.include({ trustedAccountId: "210987654321", notifyEmail: "ops@example.com" });
    expect((prod.json as unknown as { adopterExamples: string[] }).adopterExamples).to.deep.equal(["adopter:notifyEmail"]);
  });
});
