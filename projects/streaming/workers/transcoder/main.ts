/**
 * The worker process on each transcoding instance (systemd unit `transcoder`, see boot.ts).
 *
 * Environment: `AWS_REGION`, `TRANSCODER_CONFIG_PARAMETER` (the SSM parameter with the worker's
 * JSON settings: queue, bucket, ladder; written by the streaming program). The instance id comes
 * from the instance metadata service (IMDSv2), which also announces Spot interruptions.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { requireEnv, type Log } from "../../functions/shared/tables";
import { ladderProblems } from "./ladder";
import { createTranscoder, type TranscoderConfig } from "./transcoder";

/** The JSON in the SSM parameter. */
export interface WorkerSettings {
  queueUrl: string;
  renditionsBucket: string;
  autoScalingGroupName: string;
  visibilityTimeoutSeconds: number;
  segmentSeconds: number;
  ladder: TranscoderConfig["ladder"];
}

export function parseWorkerSettings(json: string): WorkerSettings {
  const s = JSON.parse(json) as Partial<WorkerSettings>;
  const problems: string[] = [];
  for (const k of ["queueUrl", "renditionsBucket", "autoScalingGroupName"] as const) if (typeof s[k] !== "string" || s[k]!.length === 0) problems.push(`${k} must be a non-empty string`);
  if (!Number.isInteger(s.visibilityTimeoutSeconds) || s.visibilityTimeoutSeconds! < 30) problems.push("visibilityTimeoutSeconds must be a whole number >= 30");
  if (!Number.isInteger(s.segmentSeconds) || s.segmentSeconds! < 1 || s.segmentSeconds! > 30) problems.push("segmentSeconds must be a whole number from 1 to 30");
  problems.push(...ladderProblems(Array.isArray(s.ladder) ? s.ladder : []));
  if (problems.length > 0) throw new Error(`transcoder settings: ${problems.join("; ")}`);
  return s as WorkerSettings;
}

const Imds = "http://169.254.169.254/latest";

async function imdsToken(): Promise<string> {
  const res = await fetch(`${Imds}/api/token`, { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "21600" } });
  if (!res.ok) throw new Error(`IMDS token: HTTP ${res.status}`);
  return res.text();
}

async function imds(pathname: string, token: string): Promise<Response> {
  return fetch(`${Imds}/meta-data/${pathname}`, { headers: { "X-aws-ec2-metadata-token": token } });
}

const logger: Log = {
  info: (message, ...extra) => console.log(JSON.stringify({ level: "INFO", message, ...Object.assign({}, ...(extra as object[])) })),
  warn: (message, ...extra) => console.log(JSON.stringify({ level: "WARN", message, ...Object.assign({}, ...(extra as object[])) })),
  error: (message, ...extra) => console.error(JSON.stringify({ level: "ERROR", message, ...Object.assign({}, ...(extra as object[])) }, (_k, v) => (v instanceof Error ? v.message : v))),
};

async function main(): Promise<void> {
  const env = requireEnv("transcoder", process.env, ["TRANSCODER_CONFIG_PARAMETER"]);
  const ssm = new SSMClient({});
  const parameter = await ssm.send(new GetParameterCommand({ Name: env.TRANSCODER_CONFIG_PARAMETER }));
  const settings = parseWorkerSettings(parameter.Parameter?.Value ?? "");
  let token = await imdsToken();
  const instanceId = await (await imds("instance-id", token)).text();

  const transcoder = createTranscoder(
    {
      queueUrl: settings.queueUrl,
      renditionsBucket: settings.renditionsBucket,
      ladder: settings.ladder,
      segmentSeconds: settings.segmentSeconds,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      instance: { instanceId, autoScalingGroupName: settings.autoScalingGroupName },
    },
    {
      sqs: new SQSClient({}),
      s3: new S3Client({}),
      autoscaling: new AutoScalingClient({}),
      logger,
      // 404 until EC2 schedules a Spot interruption (two minutes' notice).
      interrupted: async () => {
        let res = await imds("spot/instance-action", token);
        if (res.status === 401) {
          token = await imdsToken();
          res = await imds("spot/instance-action", token);
        }
        return res.status === 200;
      },
    },
  );
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => stop.abort());
  logger.info("transcoder started", { instanceId, queueUrl: settings.queueUrl, ladder: settings.ladder.map((r) => r.name) });
  await transcoder.runUntil(stop.signal);
  logger.info("transcoder stopped", { instanceId });
}

if (require.main === module) {
  main().catch((error) => {
    logger.error("transcoder failed to start", { error });
    process.exit(1);
  });
}
