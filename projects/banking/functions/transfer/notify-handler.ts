/** Lambda entry point of the workflow's Notify step. */
import { SNSClient } from "@aws-sdk/client-sns";
import { readEnv } from "../env";
import { createNotifyHandler } from "./notify";

const env = readEnv("notify", process.env, ["NOTIFICATIONS_TOPIC_ARN"]);

export const handler = createNotifyHandler(new SNSClient({}), env.NOTIFICATIONS_TOPIC_ARN);
