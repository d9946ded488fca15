import * as kms from "../../policy-packs/aws-compliance/policies/storage-kms";
import { res, UNKNOWN } from "../helpers/policy";
import { expectFail, expectPass, expectUnknown } from "./storage-helpers";

const KEY = "aws:kms/key:Key";
const doc = (...Statement: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement });

describe("policy kms-iam-policy-no-decrypt-all-keys (KMS.1)", () => {
  const P = "aws:iam/policy:Policy";
  it("passes decryption scoped to key arns, and other actions on *", async () => {
    await expectPass(kms.kmsIamPolicyDecryptAllKeys, res(P, { policy: JSON.stringify(doc({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: "arn:aws:kms:us-east-1:1:key/abc" })) }));
    await expectPass(kms.kmsIamPolicyDecryptAllKeys, res(P, { policy: doc({ Effect: "Allow", Action: "kms:ListKeys", Resource: "*" }) }));
    await expectPass(kms.kmsIamPolicyDecryptAllKeys, res(P, { policy: doc({ Effect: "Deny", Action: "kms:*", Resource: "*" }) }));
  });
  const bad: [string, Record<string, unknown>, string][] = [
    ["kms:Decrypt on * (JSON string)", { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }, "allows kms:Decrypt on all KMS keys"],
    ["kms:* on key/* (object)", { Sid: "All", Effect: "Allow", Action: ["kms:*"], Resource: ["arn:aws:kms:*:111122223333:key/*"] }, "allows kms:Decrypt, kms:ReEncryptFrom on all KMS keys (statement All)"],
    ["kms:ReEncrypt* on *", { Effect: "Allow", Action: "kms:ReEncrypt*", Resource: "*" }, "allows kms:ReEncryptFrom on all KMS keys"],
    ["NotAction that leaves decrypt", { Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }, "allows kms:Decrypt, kms:ReEncryptFrom"],
  ];
  bad.forEach(([title, stmt, expected], i) => {
    it(`fails ${title}`, () =>
      expectFail(kms.kmsIamPolicyDecryptAllKeys, res(P, { policy: i % 2 === 0 ? JSON.stringify(doc(stmt)) : doc(stmt) }, { name: "app" }), [`[KMS.1] app (${P}): the policy ${expected}`, "Fix: replace `Resource: \"*\"` with the arns"]));
  });
  it("reads the blocked actions from config", async () => {
    const p = res(P, { policy: doc({ Effect: "Allow", Action: "kms:GenerateDataKey", Resource: "*" }) }, { name: "app" });
    await expectPass(kms.kmsIamPolicyDecryptAllKeys, p);
    await expectFail(kms.kmsIamPolicyDecryptAllKeys, p, ["allows kms:GenerateDataKey"], { blockedActions: ["kms:Decrypt", "kms:GenerateDataKey"] });
  });
  it("cannot run during preview with an unknown document or Resource", async () => {
    await expectUnknown(kms.kmsIamPolicyDecryptAllKeys, res(P, { policy: UNKNOWN }));
    await expectUnknown(kms.kmsIamPolicyDecryptAllKeys, res(P, { policy: doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: UNKNOWN }) }));
  });
});

describe("policy kms-iam-inline-policy-no-decrypt-all-keys (KMS.2)", () => {
  const all = doc({ Effect: "Allow", Action: ["kms:Decrypt", "s3:GetObject"], Resource: "*" });
  for (const [type, extra] of [
    ["aws:iam/rolePolicy:RolePolicy", { role: "r" }],
    ["aws:iam/userPolicy:UserPolicy", { user: "u" }],
    ["aws:iam/groupPolicy:GroupPolicy", { group: "g" }],
  ] as const) {
    it(`fails a ${type.split(":").pop()} allowing kms:Decrypt on *, passes a scoped one, and cannot decide an unknown Resource`, async () => {
      await expectFail(kms.kmsIamInlinePolicyDecryptAllKeys, res(type, { ...extra, policy: JSON.stringify(all) }, { name: "inline" }), [`[KMS.2] inline (${type}): the inline policy allows kms:Decrypt on all KMS keys`]);
      await expectUnknown(kms.kmsIamInlinePolicyDecryptAllKeys, res(type, { ...extra, policy: doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: UNKNOWN }) }));
      await expectPass(kms.kmsIamInlinePolicyDecryptAllKeys, res(type, { ...extra, policy: doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:1:key/k" }) }));
    });
  }
  it("reads aws.iam.Role inlinePolicies", async () => {
    const role = (policies: unknown) => res("aws:iam/role:Role", { assumeRolePolicy: "{}", inlinePolicies: policies }, { name: "app" });
    await expectFail(kms.kmsIamInlinePolicyDecryptAllKeys, role([{ name: "read", policy: JSON.stringify(all) }]), ["[KMS.2] app (aws:iam/role:Role): inline policy read allows kms:Decrypt on all KMS keys"]);
    await expectPass(kms.kmsIamInlinePolicyDecryptAllKeys, role([{ name: "none", policy: JSON.stringify(doc({ Effect: "Allow", Action: "s3:*", Resource: "*" })) }, {}]));
    await expectPass(kms.kmsIamInlinePolicyDecryptAllKeys, res("aws:iam/role:Role", { assumeRolePolicy: "{}" }));
  });
  it("reads the blocked actions from config", () =>
    expectPass(kms.kmsIamInlinePolicyDecryptAllKeys, res("aws:iam/rolePolicy:RolePolicy", { role: "r", policy: all }), { blockedActions: ["kms:ReEncryptFrom"] }));
  it("cannot decide a policy unknown at preview", async () => {
    await expectUnknown(kms.kmsIamInlinePolicyDecryptAllKeys, res("aws:iam/rolePolicy:RolePolicy", { role: "r", policy: UNKNOWN }));
    await expectUnknown(kms.kmsIamInlinePolicyDecryptAllKeys, res("aws:iam/role:Role", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "x", policy: UNKNOWN }] }));
  });
});

describe("policy kms-key-deletion-window (BP.KMS.1)", () => {
  it("passes the 30-day default and 30", async () => {
    await expectPass(kms.kmsDeletionWindow, res(KEY, {}));
    await expectPass(kms.kmsDeletionWindow, res("aws:kms/replicaKey:ReplicaKey", { primaryKeyArn: "a", deletionWindowInDays: 30 }));
  });
  it("fails a short window", () =>
    expectFail(kms.kmsDeletionWindow, res(KEY, { deletionWindowInDays: 7 }, { name: "data" }), [`[BP.KMS.1] data (${KEY}): the deletion window is 7 days, below the required 30. Fix: set \`deletionWindowInDays: 30\``]));
  it("reads the minimum from config", () => expectPass(kms.kmsDeletionWindow, res(KEY, { deletionWindowInDays: 7 }), { minDeletionWindowDays: 7 }));
  it("cannot run during preview when the window is unknown", () => expectUnknown(kms.kmsDeletionWindow, res(KEY, { deletionWindowInDays: UNKNOWN })));
});

