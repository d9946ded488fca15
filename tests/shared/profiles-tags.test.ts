import { expect } from "chai";
import { physicalName, statefulOptions } from "../../shared/context";
import { LogRetentionDays, Profiles, resolveProfile } from "../../shared/profiles";
import { missingRequiredTags, requiredTags, RequiredTagKeys, withTags } from "../../shared/tags";

describe("environment profiles", () => {
  it("prod protects what dev does not", () => {
    expect(Profiles.prod).to.deep.include({ deletionProtection: true, protectStatefulResources: true, finalSnapshot: true, forceDestroyBuckets: false, wafAction: "block", multiAz: true, natStrategy: "OnePerAz" });
    expect(Profiles.dev).to.deep.include({ deletionProtection: false, protectStatefulResources: false, forceDestroyBuckets: true, wafAction: "count", natStrategy: "Single" });
  });

  it("prod keeps logs and backups longer, across more zones", () => {
    expect(Profiles.prod.logRetentionDays).to.be.greaterThan(Profiles.dev.logRetentionDays);
    expect(Profiles.prod.backupRetentionDays).to.be.at.least(14);
    expect(Profiles.prod.availabilityZones).to.be.greaterThan(Profiles.dev.availabilityZones);
    expect(Profiles.prod.kmsDeletionWindowDays).to.equal(30);
  });

  it("uses only retention values CloudWatch Logs accepts and keeps sizes consistent", () => {
    for (const p of Object.values(Profiles)) {
      expect(LogRetentionDays as readonly number[]).to.include(p.logRetentionDays);
      expect(p.minInstances).to.be.at.most(p.maxInstances);
      expect(p.databaseMinCapacity).to.be.at.most(p.databaseMaxCapacity);
      expect(p.kmsDeletionWindowDays).to.be.within(7, 30);
      expect(p.backupRetentionDays).to.be.within(1, 35);
    }
  });

  it("is frozen, and overrides produce a new profile", () => {
    expect(Object.isFrozen(Profiles.prod)).to.equal(true);
    const p = resolveProfile("prod", { maxInstances: 3 });
    expect(p.maxInstances).to.equal(3);
    expect(Profiles.prod.maxInstances).to.equal(12);
  });
});

describe("tags", () => {
  const tags = requiredTags({ project: "bank", environment: "prod", owner: "payments", dataClassification: "restricted", compliance: ["pci-dss", "fsbp", "pci-dss"] });

  it("builds the five required tags, compliance sorted and deduplicated", () => {
    expect(Object.keys(tags)).to.deep.equal([...RequiredTagKeys]);
    expect(tags.compliance).to.equal("fsbp pci-dss");
    expect(requiredTags({ project: "a", environment: "dev", owner: "o", dataClassification: "public", compliance: [] }).compliance).to.equal("none");
  });

  it("lets a resource add tags but never override the required ones", () => {
    expect(withTags(tags, { owner: "someone-else", tier: "gold" }, "ledger")).to.deep.equal({ Name: "ledger", tier: "gold", ...tags });
  });

  it("reports missing or empty required tags", () => {
    expect(missingRequiredTags({ ...tags })).to.deep.equal([]);
    expect(missingRequiredTags({ project: "x", owner: "" })).to.deep.equal(["environment", "owner", "data-classification", "compliance"]);
    expect(missingRequiredTags(undefined)).to.have.length(5);
  });
});

describe("stack context helpers", () => {
  const ctx = { project: "Health-Records", stack: "prod", profile: Profiles.prod };
  it("protects and retains stateful resources in prod only", () => {
    expect(statefulOptions({ ...ctx, profile: Profiles.prod } as any)).to.deep.equal({ protect: true, retainOnDelete: true });
    expect(statefulOptions({ ...ctx, profile: Profiles.dev } as any)).to.deep.equal({ protect: false, retainOnDelete: false });
    expect(statefulOptions({ ...ctx, profile: Profiles.prod } as any, { protect: false })).to.deep.include({ protect: false, retainOnDelete: true });
  });
  it("derives lower-case physical names within a length limit", () => {
    expect(physicalName(ctx, "Audit_Logs")).to.equal("health-records-prod-audit-logs");
    expect(physicalName(ctx, "x".repeat(100), 32)).to.have.length(32);
  });
});
