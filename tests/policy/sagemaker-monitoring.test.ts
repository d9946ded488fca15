import { expect } from "chai";
import type * as aws from "@pulumi/aws";
import { notDecidable, sagemakerDataQualityJobIsolation as P } from "../../policy-packs/aws-compliance/policies/sagemaker-monitoring";
import { fixture, unknown_ } from "../helpers/fixture";
import { evaluate, only, undecided } from "../helpers/policy";

const job = (networkConfig?: aws.sagemaker.DataQualityJobDefinitionArgs["networkConfig"]) =>
  fixture<aws.sagemaker.DataQualityJobDefinitionArgs>(
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
    {
      roleArn: "arn:aws:iam::111122223333:role/monitor",
      dataQualityAppSpecification: { imageUri: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/monitor:1" },
      dataQualityJobInput: { endpointInput: { endpointName: "e" } },
      dataQualityJobOutputConfig: { monitoringOutputs: { s3Output: { s3Uri: "s3://out/" } } },
      jobResources: { clusterConfig: { instanceCount: 2, instanceType: "ml.m5.large", volumeSizeInGb: 20 } },
      ...(networkConfig ? { networkConfig } : {}),
    },
    { name: "quality" },
  );

describe("policy sagemaker-data-quality-job-network (SageMaker.9, SageMaker.11)", () => {
  it("passes encrypted, isolated jobs", async () => expect(await evaluate(P, job({ enableInterContainerTrafficEncryption: true, enableNetworkIsolation: true }))).to.deep.equal([]));
  it("fails a job with neither, naming both controls, and each alone with its own", async () => {
    expect(await only(P, job())).to.include("[SageMaker.9, SageMaker.11] quality (aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition): traffic between the job's containers is not encrypted (`networkConfig.enableInterContainerTrafficEncryption` is unset); the job's containers are not network-isolated");
    expect(await only(P, job({ enableInterContainerTrafficEncryption: true, enableNetworkIsolation: false }))).to.include("[SageMaker.11] quality");
    expect(await only(P, job({ enableInterContainerTrafficEncryption: false, enableNetworkIsolation: true }))).to.include("[SageMaker.9] quality");
  });
  it("cannot decide an unknown flag", () => undecided(P, job({ enableInterContainerTrafficEncryption: unknown_<boolean>(), enableNetworkIsolation: true })));
  it("says why the other monitoring controls cannot be decided", () => expect(Object.keys(notDecidable).sort()).to.deep.equal(["SageMaker.10", "SageMaker.12", "SageMaker.13", "SageMaker.14", "SageMaker.15"]));
});
