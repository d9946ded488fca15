/** KMS: rotation, key policies (FSBP KMS.*, CIS KMS.4). */
import { resourcePolicy } from "../lib/policy";

export const kmsKeyRotation = resourcePolicy(
  {
    name: "kms-key-rotation-enabled",
    description: "Symmetric customer managed KMS keys must rotate their key material (keys in a custom key store cannot, and are not judged).",
    severity: "medium",
    controls: ["KMS.4"],
    frameworks: ["CIS", "PCI DSS", "NIST 800-53"],
    remediationSteps: "Set `enableKeyRotation: true` on the aws.kms.Key (optionally `rotationPeriodInDays`, 90 to 2560).",
    resourceTypes: ["aws:kms/key:Key"],
  },
  ({ props, fail }) => {
    // KMS cannot rotate keys in a custom key store (CloudHSM or external): their material is the store's.
    if (props.customKeyStoreId !== undefined && props.customKeyStoreId !== null && props.customKeyStoreId !== "") return;
    const spec = props.keySpec ?? props.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT" || (props.keyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") return;
    if (props.enableKeyRotation !== true) fail("key rotation is off", "set `enableKeyRotation: true`");
  },
);

export const policies = [kmsKeyRotation];
