/** The storage area as a whole: every catalog control of its services is covered or explained, metadata is complete. */
import { expect } from "chai";
import type { Policy } from "@pulumi/policy";
import catalog from "../../policy-packs/aws-compliance/catalog/fsbp-controls.json";
import { policyRegistry } from "../../policy-packs/aws-compliance/lib/policy";
import * as kmsBase from "../../policy-packs/aws-compliance/policies/kms";
import * as s3Base from "../../policy-packs/aws-compliance/policies/s3";
import * as dynamodb from "../../policy-packs/aws-compliance/policies/storage-dynamodb";
import * as efs from "../../policy-packs/aws-compliance/policies/storage-efs";
import * as kms from "../../policy-packs/aws-compliance/policies/storage-kms";
import * as logs from "../../policy-packs/aws-compliance/policies/storage-logs-glacier-backup";
import * as extras from "../../policy-packs/aws-compliance/policies/extras";
import * as resourcePolicies from "../../policy-packs/aws-compliance/policies/resource-policies";
import * as s3 from "../../policy-packs/aws-compliance/policies/storage-s3";

const areas = [s3, efs, dynamodb, kms, logs];
const storagePolicies: Policy[] = areas.flatMap((a) => a.policies);
const notDecidable: Record<string, string> = Object.assign({}, ...areas.map((a) => a.notDecidable));
const services = ["S3", "EFS", "DynamoDB", "KMS"];

describe("storage policies (S3, EFS, DynamoDB, KMS, Logs, Glacier, Backup)", () => {
  it("has 40+ policies with unique kebab-case names, distinct from the base s3/kms files", () => {
    const names = storagePolicies.map((p) => p.name);
    expect(names.length).to.be.at.least(40);
    expect(new Set(names).size).to.equal(names.length);
    for (const n of names) expect(n).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const base = [...s3Base.policies, ...kmsBase.policies].map((p) => p.name);
    expect(names.filter((n) => base.includes(n))).to.deep.equal([]);
  });

  it("covers every catalog control of its services (with s3.ts and kms.ts), or says why it cannot be decided", () => {
    // KMS.5 (and S3.2/S3.3 for bucket policies) are decided by the one resource-policy check;
    // DynamoDB.6 with the other deletion protections (extras.ts, stateful-resources-protected).
    const all = [...storagePolicies, ...s3Base.policies, ...kmsBase.policies, ...resourcePolicies.policies, ...extras.policies];
    const covered = new Set(all.flatMap((p) => policyRegistry.get(p.name)!.controls));
    const mine = catalog.controls.filter((c) => services.includes(c.id.split(".")[0]!));
    expect(mine.length).to.be.greaterThan(20);
    const missing = mine.filter((c) => !covered.has(c.id) && !notDecidable[c.id]).map((c) => c.id);
    expect(missing).to.deep.equal([]);
    for (const [id, why] of Object.entries(notDecidable)) expect(why, id).to.have.length.greaterThan(20);
  });

  it("does not duplicate S3.5 and S3.8 (s3.ts has them)", () => {
    const controls = storagePolicies.flatMap((p) => policyRegistry.get(p.name)!.controls);
    expect(controls).to.not.include.members(["S3.5", "S3.8", "KMS.4"]);
  });

  it("covers the §1.3 extras and the catalog's no-FSBP services", () => {
    const controls = new Set(storagePolicies.flatMap((p) => policyRegistry.get(p.name)!.controls));
    for (const id of ["S3.4", "S3.7", "S3.14", "S3.15", "S3.17", "S3.20", "DynamoDB.4", "CloudWatch.16", "BP.Glacier.2", "BP.Logs.1", "BP.Backup.1"]) expect(controls.has(id), id).to.equal(true);
  });

  it("gives every policy complete metadata, with the catalog's severity for FSBP controls", () => {
    const sev = ["low", "medium", "high", "critical"];
    const bySeverity = new Map(catalog.controls.map((c) => [c.id, c.severity]));
    for (const p of storagePolicies) {
      const meta = policyRegistry.get(p.name)!;
      expect(p.description, p.name).to.match(/\S{3,}/);
      expect(sev, p.name).to.include(p.severity);
      expect(p.remediationSteps ?? "", p.name).to.have.length.greaterThan(20);
      expect(p.configSchema?.properties, p.name).to.have.property("exemptions");
      expect(meta.frameworks.length, p.name).to.be.greaterThan(0);
      for (const c of meta.controls) {
        expect(c, p.name).to.match(/^([A-Za-z][A-Za-z0-9]*\.\d+|BP\.[A-Za-z]+\.\d+)$/);
        if (bySeverity.has(c)) {
          expect(sev.indexOf(p.severity!), `${p.name} ${c}`).to.be.at.least(sev.indexOf(bySeverity.get(c)!));
          expect(meta.frameworks, `${p.name} ${c}`).to.include("FSBP");
        }
      }
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        if (key === "exemptions") continue;
        expect(schema, `${p.name}.${key}`).to.have.property("default");
        expect(schema, `${p.name}.${key}`).to.have.property("description");
      }
    }
  });
});
