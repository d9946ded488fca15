/** The network and compute area covers every catalog control of its services (or says why not). */
import { expect } from "chai";
import catalog from "../../policy-packs/aws-compliance/catalog/fsbp-controls.json";
import { policyRegistry } from "../../policy-packs/aws-compliance/lib/policy";
import * as lambda from "../../policy-packs/aws-compliance/policies/compute-lambda";
import * as asg from "../../policy-packs/aws-compliance/policies/network-autoscaling";
import * as ec2 from "../../policy-packs/aws-compliance/policies/network-ec2";
import * as elb from "../../policy-packs/aws-compliance/policies/network-elb";

const areas = [ec2, asg, elb, lambda];
const policies = areas.flatMap((a) => a.policies);
const notDecidable: Record<string, string> = Object.assign({}, ...areas.map((a) => a.notDecidable));
const covered = new Set(policies.flatMap((p) => policyRegistry.get(p.name)!.controls));
const services = /^(EC2|ELB|Lambda|AutoScaling)\./;

describe("network and compute coverage", () => {
  it("maps every FSBP control of EC2, ELB, Lambda and Auto Scaling to a policy or a reason", () => {
    const ours = catalog.controls.filter((c) => services.test(c.id));
    expect(ours.length).to.equal(32 + 14 + 3 + 7);
    const missing = ours.filter((c) => !covered.has(c.id) && !notDecidable[c.id]).map((c) => c.id);
    expect(missing).to.deep.equal([]);
    for (const c of ours.filter((x) => !x.previewCheckable)) {
      expect(covered.has(c.id), `${c.id} is runtime-only`).to.equal(false);
      expect(notDecidable[c.id], c.id).to.have.length.greaterThan(20);
    }
  });

  it("covers the related CIS/NIST/PCI controls of the catalog (§1.3)", () => {
    for (const id of ["EC2.12", "EC2.13", "EC2.14", "EC2.28", "EC2.29", "ELB.8", "ELB.16", "Lambda.3"]) expect(covered.has(id), id).to.equal(true);
  });

  it("uses at least the catalog's severity, and names unique across the area", () => {
    const sev = ["low", "medium", "high", "critical"];
    const bySeverity = new Map(catalog.controls.map((c) => [c.id, c.severity]));
    for (const p of policies) {
      for (const c of policyRegistry.get(p.name)!.controls) {
        if (bySeverity.has(c)) expect(sev.indexOf(p.severity!), `${p.name} ${c}`).to.be.at.least(sev.indexOf(bySeverity.get(c)!));
      }
    }
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).to.equal(names.length);
    expect(names.length).to.be.at.least(55);
  });

  it("tags FSBP controls with FSBP and our own rules with Blueprints", () => {
    const fsbp = new Set(catalog.controls.map((c) => c.id));
    for (const p of policies) {
      const meta = policyRegistry.get(p.name)!;
      if (meta.controls.some((c) => fsbp.has(c))) expect(meta.frameworks, p.name).to.include("FSBP");
      if (meta.controls.every((c) => c.startsWith("BP."))) expect(meta.frameworks, p.name).to.include("Blueprints");
    }
  });
});
