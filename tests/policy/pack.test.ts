/** The pack as a whole: names, metadata, coverage of the catalog, per-stack config files. */
import { expect } from "chai";
import catalog from "../../policy-packs/aws-compliance/catalog/fsbp-controls.json";
import { policyRegistry } from "../../policy-packs/aws-compliance/lib/policy";
import { listPolicies } from "../../policy-packs/aws-compliance/list";
import { allPolicies, notDecidable } from "../../policy-packs/aws-compliance/policies";
import { validatePolicyConfig } from "../../tools/policy/harness";
import { buildPackConfig } from "../../tools/policy/pack-config";

const severities = ["low", "medium", "high", "critical"];
const rank = (s: string) => severities.indexOf(s);

describe("aws-compliance pack", () => {
  it("has 150+ policies with unique kebab-case names", () => {
    const names = allPolicies.map((p) => p.name);
    expect(new Set(names).size, "duplicate names").to.equal(names.length);
    expect(names.length).to.be.at.least(150);
    for (const n of names) expect(n).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("gives every policy complete metadata", () => {
    for (const p of allPolicies) {
      const meta = policyRegistry.get(p.name);
      expect(meta, `${p.name} not defined with resourcePolicy/stackPolicy`).to.not.equal(undefined);
      expect(p.description, p.name).to.match(/\S{3,}/);
      expect(severities, p.name).to.include(p.severity);
      expect(meta!.controls.length, p.name).to.be.greaterThan(0);
      expect(meta!.frameworks.length, p.name).to.be.greaterThan(0);
      expect(p.remediationSteps ?? "", p.name).to.have.length.greaterThan(20);
      expect(["advisory", "mandatory", "disabled", "remediate"], p.name).to.include(p.enforcementLevel);
      expect(p.configSchema?.properties, p.name).to.have.property("exemptions");
      for (const c of meta!.controls) expect(c, p.name).to.match(/^([A-Za-z][A-Za-z0-9]*\.\d+|BP\.[A-Za-z]+\.\d+)$/);
    }
  });

  it("labels frameworks by control: FSBP only with an FSBP control, whose reference names FSBP controls alone; another standard for any other Security Hub id", () => {
    const fsbp = new Set(catalog.controls.map((c) => c.id));
    for (const p of allPolicies) {
      const meta = policyRegistry.get(p.name)!;
      const ids = meta.controls.filter((c) => !c.startsWith("BP."));
      if (meta.frameworks.includes("FSBP")) expect(ids.some((c) => fsbp.has(c)), `${p.name} says FSBP but carries no FSBP control`).to.equal(true);
      const reference = (p as { framework?: { reference?: string } }).framework?.reference;
      if (reference !== undefined) for (const c of reference.split(", ")) expect(fsbp.has(c), `${p.name}'s FSBP reference names ${c}`).to.equal(true);
      if (ids.some((c) => !fsbp.has(c))) expect(meta.frameworks.some((f) => ["CIS", "PCI DSS", "NIST 800-53"].includes(f)), `${p.name}: ${ids.join(", ")} need their standard's label`).to.equal(true);
      if (meta.controls.some((c) => c.startsWith("BP."))) expect(meta.frameworks, p.name).to.include("Blueprints");
    }
    const merged = allPolicies.find((p) => p.name === "iam-password-policy") as { framework?: { reference?: string } };
    expect(merged.framework?.reference).to.equal("IAM.7");
  });

  it("maps every preview-checkable FSBP control of the catalog to a policy, or says why it cannot be decided", () => {
    const covered = new Set([...policyRegistry.values()].filter((m) => allPolicies.some((p) => p.name === m.name)).flatMap((m) => m.controls));
    const missing = catalog.controls.filter((c) => !covered.has(c.id) && !notDecidable[c.id]).map((c) => c.id);
    expect(missing, "controls with neither a policy nor a reason").to.deep.equal([]);
    for (const [id, why] of Object.entries(notDecidable)) expect(why, id).to.have.length.greaterThan(20);
    for (const c of catalog.controls.filter((x) => !x.previewCheckable)) expect(covered.has(c.id), `${c.id} is runtime-only per the catalog`).to.equal(false);
  });

  it("uses the catalog's severity for FSBP controls (at least the most severe one a policy covers)", () => {
    const bySeverity = new Map(catalog.controls.map((c) => [c.id, c.severity]));
    for (const p of allPolicies) {
      const ids = policyRegistry.get(p.name)!.controls.filter((c) => bySeverity.has(c));
      if (ids.length === 0) continue;
      const catalogMax = Math.max(...ids.map((c) => rank(bySeverity.get(c)!)));
      expect(rank(p.severity!), `${p.name} (${ids.join(", ")})`).to.be.at.least(catalogMax);
    }
  });

  for (const stack of ["dev", "prod"]) {
    it(`ships a valid pack config for ${stack} (merged, as --policy-pack-config takes it)`, () => {
      const { config, problems } = buildPackConfig({ project: "platform", stack, policies: allPolicies });
      expect(problems).to.deep.equal([]);
      expect(validatePolicyConfig({ name: "aws-compliance", version: "0", enforcementLevel: "mandatory", policies: allPolicies }, config as any)).to.deep.equal([]);
    });
  }

  it("is stricter in prod than in dev", () => {
    const dev = new Map(listPolicies("dev").map((p) => [p.name, p.enforcementLevel]));
    const prod = listPolicies("prod");
    const mandatory = (ls: string[]) => ls.filter((l) => l === "mandatory").length;
    expect(mandatory(prod.map((p) => p.enforcementLevel))).to.be.at.least(prod.length * 0.8);
    expect(mandatory(prod.map((p) => p.enforcementLevel))).to.be.greaterThan(mandatory([...dev.values()]));
    for (const p of prod) if (dev.get(p.name) === "mandatory") expect(p.enforcementLevel, p.name).to.equal("mandatory");
  });

  it("lists itself as policy:list --json promises", () => {
    const rows = listPolicies();
    expect(rows).to.have.length(allPolicies.length);
    expect(rows[0]).to.include.keys("name", "enforcementLevel", "severity", "controls", "frameworks");
  });
});
