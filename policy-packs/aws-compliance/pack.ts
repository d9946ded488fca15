/**
 * The aws-compliance CrossGuard pack. `pulumi preview --policy-pack policy-packs/aws-compliance
 * --policy-pack-config policy-packs/aws-compliance/config/<stack>.json` runs it; the offline plan
 * loads the same entry. Policies live in `policies/<area>.ts`.
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("aws-compliance", {
  description: "AWS FSBP, HIPAA and PCI DSS controls for the aws-blueprints workloads, decided at preview time.",
  displayName: "aws-blueprints AWS compliance",
  enforcementLevel: "mandatory",
  policies: allPolicies,
});
