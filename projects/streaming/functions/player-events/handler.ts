/** Lambda entry: player events API (VIEW_EVENTS_STREAM_ARN; PUT_MAX_ATTEMPTS optional). */
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { Logger } from "@aws-lambda-powertools/logger";
import { KinesisProducer } from "../shared/kinesis-producer";
import { requireEnv } from "../shared/tables";
import { createPlayerEventsHandler } from "./player-events";

const env = requireEnv("player-events", process.env, ["VIEW_EVENTS_STREAM_ARN"]);
const maxAttempts = Number(process.env.PUT_MAX_ATTEMPTS ?? "4");
if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) throw new Error("player-events: invalid configuration: PUT_MAX_ATTEMPTS must be an integer from 1 to 10");

export const handler = createPlayerEventsHandler({
  producer: new KinesisProducer({ client: new KinesisClient({}), streamArn: env.VIEW_EVENTS_STREAM_ARN, maxAttempts }),
  logger: new Logger({ serviceName: "streaming-player-events" }),
});
