/** Every policy of the pack, by area. The pack's index.ts serves this list; tests import it. */
import type { Policy } from "@pulumi/policy";
import * as audit from "./audit";
import * as computeLambda from "./compute-lambda";
import * as dataAnalytics from "./data-analytics";
import * as dataRds from "./data-rds";
import * as dataRedshift from "./data-redshift";
import * as dataSecrets from "./data-secrets";
import * as edgeCloudfront from "./edge-cloudfront";
import * as edgeWafApi from "./edge-waf-api";
import * as extras from "./extras";
import * as identityContainers from "./identity-containers";
import * as identityIam from "./identity-iam";
import * as kms from "./kms";
import * as networkAutoscaling from "./network-autoscaling";
import * as networkEc2 from "./network-ec2";
import * as networkElb from "./network-elb";
import * as resourcePolicies from "./resource-policies";
import * as s3 from "./s3";
import * as sagemakerMonitoring from "./sagemaker-monitoring";
import * as storageDynamodb from "./storage-dynamodb";
import * as storageEfs from "./storage-efs";
import * as storageKms from "./storage-kms";
import * as storageLogs from "./storage-logs-glacier-backup";
import * as storageS3 from "./storage-s3";
import * as tagging from "./tagging";

const areas: { policies: Policy[]; notDecidable?: Record<string, string> }[] = [
  s3,
  kms,
  tagging,
  storageS3,
  storageEfs,
  storageDynamodb,
  storageKms,
  storageLogs,
  networkEc2,
  networkAutoscaling,
  networkElb,
  computeLambda,
  dataRds,
  dataRedshift,
  dataAnalytics,
  dataSecrets,
  edgeCloudfront,
  edgeWafApi,
  identityIam,
  identityContainers,
  resourcePolicies,
  sagemakerMonitoring,
  audit,
  extras,
];

export const allPolicies: Policy[] = areas.flatMap((a) => a.policies);

/** Catalog controls that cannot be decided from a program's resources at preview time, and why. */
export const notDecidable: Record<string, string> = Object.assign({}, ...areas.map((a) => a.notDecidable ?? {}));
