/** Every policy of the pack, by area. The pack's index.ts serves this list; tests import it. */
import type { Policy } from "@pulumi/policy";
import * as kms from "./kms";
import * as s3 from "./s3";
import * as tagging from "./tagging";

export const allPolicies: Policy[] = [...s3.policies, ...kms.policies, ...tagging.policies];
