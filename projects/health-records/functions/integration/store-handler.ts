/** Lambda entry: the workflow's StoreObservations step (Observations -> the readings lake). */
import { S3Client } from "@aws-sdk/client-s3";
import { requireEnv } from "../env";
import { createStoreStep } from "./steps";

const env = requireEnv("store-observations", process.env, ["READINGS_BUCKET_NAME"]);

export const handler = createStoreStep({ s3: new S3Client({}), bucket: env.READINGS_BUCKET_NAME });
