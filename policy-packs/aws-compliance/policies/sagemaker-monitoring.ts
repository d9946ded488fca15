/**
 * SageMaker model-monitoring jobs (FSBP SageMaker.9-15). `@pulumi/aws` v7 has a resource for data
 * quality job definitions only (aws.sagemaker.DataQualityJobDefinition); the model bias, model
 * quality and explainability job definitions are not in the provider, so their controls are listed
 * as not decidable from a program written with it.
 */
import { resourcePolicy } from "../lib/policy";
import { get, isUnknown, undecidable } from "../lib/values";

const DATA_QUALITY = ["aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"];

export const sagemakerDataQualityJobIsolation = resourcePolicy(
  {
    name: "sagemaker-data-quality-job-network",
    description: "SageMaker data quality job definitions must encrypt inter-container traffic and run with network isolation.",
    severity: "medium",
    controls: ["SageMaker.9", "SageMaker.11"],
    frameworks: ["FSBP"],
    remediationSteps: "Set `networkConfig: { enableInterContainerTrafficEncryption: true, enableNetworkIsolation: true }` on the aws.sagemaker.DataQualityJobDefinition (both are immutable: the definition is replaced).",
    resourceTypes: DATA_QUALITY,
  },
  ({ props, fail }) => {
    const problems: string[] = [];
    const controls: string[] = [];
    for (const [key, control, what] of [
      ["enableInterContainerTrafficEncryption", "SageMaker.9", "traffic between the job's containers is not encrypted"],
      ["enableNetworkIsolation", "SageMaker.11", "the job's containers are not network-isolated"],
    ] as const) {
      const v = get(props, `networkConfig.${key}`);
      if (isUnknown(v)) undecidable(`networkConfig.${key}`);
      if (v !== true) {
        problems.push(`${what} (\`networkConfig.${key}\` is ${v === undefined ? "unset" : String(v)})`);
        controls.push(control);
      }
    }
    if (problems.length > 0) fail(problems.join("; "), "set `networkConfig: { enableInterContainerTrafficEncryption: true, enableNetworkIsolation: true }`", controls);
  },
);

export const policies = [sagemakerDataQualityJobIsolation];

const noResource = "@pulumi/aws v7 has no resource for this job definition type (only aws.sagemaker.DataQualityJobDefinition), so a program using the provider cannot declare it";
export const notDecidable: Record<string, string> = {
  "SageMaker.10": `model explainability job definitions: ${noResource}`,
  "SageMaker.12": `model bias job definitions: ${noResource}`,
  "SageMaker.13": `model quality job definitions: ${noResource}`,
  "SageMaker.15": `model bias job definitions: ${noResource}`,
  "SageMaker.14":
    "a monitoring schedule takes its network configuration from the job definition it names (monitoringScheduleConfig.monitoringJobDefinitionName); data quality definitions are checked by SageMaker.11, the other kinds cannot be declared with @pulumi/aws v7",
};
