/**
 * The streaming project (workload 2), planned offline for dev and prod once each: zero mandatory
 * violations, each of the seed's 10 services present in prod doing its job, the dev/prod
 * differences, and the required tags on every taggable resource.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isWildcardAction } from "../../components/security/policy-document";
import { smoke } from "../../projects/streaming/smoke";
import { RequiredTagKeys } from "../../shared/tags";
import { ofType, PlanJson, repoRoot, runPlan } from "../helpers/plan";

type Resource = PlanJson["resources"][number];
const taggable = new Set<string>(JSON.parse(fs.readFileSync(path.join(repoRoot, "policy-packs/aws-compliance/taggable-types.json"), "utf8")).types);
const statements = (doc: string): any[] => JSON.parse(doc).Statement;
const ACCOUNT = "123456789012";

function one(plan: PlanJson, type: string, name?: string): Resource {
  const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` ${name}` : ""} in ${plan.stack}, found ${found.length}`);
  return found[0]!;
}
/** Inline policies attached to a role (by the role's logical name in the policy's name). */
const policiesOf = (plan: PlanJson, roleName: string) => ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith(`${roleName}-`));
const actionsOf = (plan: PlanJson, roleName: string) => policiesOf(plan, roleName).flatMap((p) => statements(p.inputs.policy).flatMap((s) => [s.Action].flat()));

describe("streaming project", function () {
  this.timeout(180_000);
  const plans = {} as Record<"dev" | "prod", PlanJson>;

  before(() => {
    for (const stack of ["dev", "prod"] as const) {
      const r = runPlan("projects/streaming", stack);
      expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
      plans[stack] = r.json!;
    }
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: plans with zero mandatory violations`, () => {
      const mandatory = plans[stack].violations.filter((v) => v.enforcementLevel === "mandatory");
      expect(mandatory.map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
    });

    it(`${stack}: exports every output the smoke checks read`, () => {
      for (const k of smoke.requiredOutputs) expect(plans[stack].outputs[k], k).to.be.a("string").and.not.equal("");
      expect(plans[stack].outputs.playerEventsFunctionName).to.equal(one(plans[stack], "aws:lambda/function:Function", "player-events").inputs.name);
    });

    it(`${stack}: every taggable resource carries the required tags`, () => {
      const missing: string[] = [];
      for (const r of plans[stack].resources.filter((x) => x.custom && taggable.has(x.type))) {
        const tags = Array.isArray(r.inputs.tags) ? Object.fromEntries(r.inputs.tags.map((t: any) => [t.key, t.value])) : r.inputs.tags;
        for (const k of RequiredTagKeys) if (typeof tags?.[k] !== "string" || tags[k] === "") missing.push(`${r.type} ${r.name}: ${k}`);
      }
      expect(missing).to.deep.equal([]);
    });

    it(`${stack}: no IAM policy allows a wildcard action`, () => {
      for (const p of [...ofType(plans[stack], "aws:iam/rolePolicy:RolePolicy"), ...ofType(plans[stack], "aws:iam/policy:Policy")]) {
        for (const s of statements(p.inputs.policy).filter((x) => x.Effect === "Allow")) for (const a of [s.Action].flat()) expect(isWildcardAction(a), `${p.name}: ${a}`).to.equal(false);
      }
    });
  }

  describe("prod: the seed's 10 services, each doing its job", () => {
    const plan = () => plans.prod;

    it("KMS: a rotating customer managed key encrypts the video buckets", () => {
      const key = one(plan(), "aws:kms/key:Key", "streaming");
      expect(key.inputs.enableKeyRotation).to.equal(true);
      const keyArnOfBucket = (name: string) =>
        one(plan(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${name}-encryption`).inputs.rules[0].applyServerSideEncryptionByDefault;
      for (const b of ["uploads", "renditions"]) expect(keyArnOfBucket(b)).to.deep.include({ sseAlgorithm: "aws:kms" });
      // CloudFront (OAC) may decrypt renditions for this distribution only.
      const policy = statements(one(plan(), "aws:kms/key:Key", "streaming").inputs.policy);
      expect(policy.find((s) => s.Sid === "CloudFrontDecryptsObjects")?.Condition?.StringEquals?.["AWS:SourceArn"]).to.match(/^arn:aws:cloudfront::/);
    });

    it("S3: uploads and renditions buckets, private and versioned, with upload and rendition events to Lambda", () => {
      for (const b of ["uploads", "renditions"]) {
        expect(one(plan(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${b}-public-access-block`).inputs).to.include({ blockPublicAcls: true, restrictPublicBuckets: true });
        expect(one(plan(), "aws:s3/bucketVersioning:BucketVersioning", `${b}-versioning`).inputs.versioningConfiguration.status).to.equal("Enabled");
      }
      // The trigger exists, names the right function by its exact ARN, and S3 may invoke it from that bucket only.
      const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${one(plan(), "aws:lambda/function:Function", name).inputs.name}`;
      const uploads = one(plan(), "aws:s3/bucketNotification:BucketNotification", "uploads-notifications").inputs;
      expect(uploads.bucket).to.equal(plan().outputs.uploadsBucketName);
      expect(uploads.lambdaFunctions).to.deep.equal([{ events: ["s3:ObjectCreated:*"], lambdaFunctionArn: fnArn("on-upload") }]);
      const renditions = one(plan(), "aws:s3/bucketNotification:BucketNotification", "renditions-notifications").inputs;
      expect(renditions.bucket).to.equal(plan().outputs.renditionsBucketName);
      expect(renditions.lambdaFunctions).to.deep.equal([{ events: ["s3:ObjectCreated:*"], filterSuffix: "master.m3u8", lambdaFunctionArn: fnArn("on-rendition-complete") }]);
      const perms = ofType(plan(), "aws:lambda/permission:Permission").filter((p) => p.inputs.principal === "s3.amazonaws.com");
      const fnName = (name: string) => one(plan(), "aws:lambda/function:Function", name).inputs.name;
      expect(perms.map((p) => [p.inputs.function, p.inputs.sourceArn, p.inputs.sourceAccount, p.inputs.action]).sort()).to.deep.equal([
        [fnName("on-rendition-complete"), `arn:aws:s3:::${plan().outputs.renditionsBucketName}`, ACCOUNT, "lambda:InvokeFunction"],
        [fnName("on-upload"), `arn:aws:s3:::${plan().outputs.uploadsBucketName}`, ACCOUNT, "lambda:InvokeFunction"],
      ]);
    });

    it("Glacier: originals go to Deep Archive; renditions enter Intelligent-Tiering but never a tier that needs a restore (they keep playing)", () => {
      const uploads = one(plan(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "uploads-lifecycle").inputs.rules;
      expect(uploads.find((r: any) => r.id === "current-versions").transitions).to.deep.equal([{ days: 30, storageClass: "DEEP_ARCHIVE" }]);
      const renditionsLifecycle = one(plan(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "renditions-lifecycle");
      expect(renditionsLifecycle.inputs.rules.find((r: any) => r.id === "current-versions").transitions).to.deep.equal([{ days: 0, storageClass: "INTELLIGENT_TIERING" }]);
      // No rule of the served bucket moves objects to GLACIER / DEEP_ARCHIVE, and no opt-in archive tier is enabled on it.
      const classes = renditionsLifecycle.inputs.rules.flatMap((r: any) => [...(r.transitions ?? []), ...(r.noncurrentVersionTransitions ?? [])].map((t: any) => t.storageClass));
      expect(classes.filter((c: string) => c === "GLACIER" || c === "DEEP_ARCHIVE")).to.deep.equal([]);
      const renditionsBucketUrn = one(plan(), "aws:s3/bucket:Bucket", "renditions").urn;
      const tierings = ofType(plan(), "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration").filter((t) => (t.propertyDependencies.bucket ?? []).includes(renditionsBucketUrn) || t.name.startsWith("renditions-"));
      expect(tierings).to.deep.equal([]);
      expect(ofType(plan(), "aws:glacier/vault:Vault"), "no legacy Glacier vaults").to.have.length(0);
    });

    it("WAF at the edge: the rate limit counts manifests only (sized for viewers behind one NAT); Bot Control skips segments", () => {
      const rules = one(plan(), "aws:wafv2/webAcl:WebAcl", "edge-firewall").inputs.rules;
      const rate = rules.find((r: any) => r.name === "RateLimitPerClient").statement.rateBasedStatement;
      expect(rate.limit).to.equal(3000);
      const suffixes = (st: any) => (st.orStatement ? st.orStatement.statements : [st]).map((x: any) => [x.byteMatchStatement.positionalConstraint, x.byteMatchStatement.searchString]);
      expect(suffixes(rate.scopeDownStatement)).to.deep.equal([["ENDS_WITH", ".m3u8"], ["ENDS_WITH", ".mpd"]]);
      const bot = rules.find((r: any) => r.name === "AWSManagedRulesBotControlRuleSet").statement.managedRuleGroupStatement;
      expect(suffixes(bot.scopeDownStatement.notStatement.statements[0])).to.deep.equal([".ts", ".m4s", ".mp4", ".aac", ".vtt"].map((v) => ["ENDS_WITH", v]));
    });

    it("CloudFront: renditions through OAC, signed URLs via a key group, long-cached segments, short-cached manifests, origin shield, WAF", () => {
      const d = one(plan(), "aws:cloudfront/distribution:Distribution", "delivery").inputs;
      const keyGroup = one(plan(), "aws:cloudfront/keyGroup:KeyGroup");
      expect(one(plan(), "aws:cloudfront/publicKey:PublicKey").inputs.encodedKey).to.match(/^-----BEGIN PUBLIC KEY-----/);
      expect(d.defaultCacheBehavior.trustedKeyGroups).to.have.length(1);
      const policies = ofType(plan(), "aws:cloudfront/cachePolicy:CachePolicy");
      const ttlOf = (pattern: string) => {
        const b = d.orderedCacheBehaviors.find((x: any) => x.pathPattern === pattern);
        expect(b.trustedKeyGroups, pattern).to.have.length(1);
        return policies.find((p) => b.cachePolicyId.includes(p.name) || p.inputs.comment?.endsWith(pattern))!.inputs.defaultTtl;
      };
      expect(ttlOf("*.ts")).to.equal(1_209_600);
      expect(ttlOf("*.m4s")).to.equal(1_209_600);
      expect(ttlOf("*.m3u8")).to.equal(5);
      expect(d.origins[0].originShield).to.deep.equal({ enabled: true, originShieldRegion: "us-east-1" });
      expect(d.origins[0].originAccessControlId).to.be.a("string");
      expect(d.webAclId).to.match(/^arn:aws:wafv2:/);
      expect(d.viewerCertificate.minimumProtocolVersion).to.equal("TLSv1.2_2021");
      expect(keyGroup.inputs.items).to.have.length(1);
    });

    it("EC2: compute-optimised transcoding workers in private subnets, scaling on SQS backlog per instance, with a DLQ", () => {
      const asg = one(plan(), "aws:autoscaling/group:Group", "transcoders").inputs;
      expect(asg.mixedInstancesPolicy.launchTemplate.overrides.map((o: any) => o.instanceType)).to.deep.equal(["c7i.4xlarge", "c6i.4xlarge"]);
      expect(asg.targetGroupArns ?? []).to.deep.equal([]);
      expect(asg.minSize).to.equal(1);
      // Spot above one On-Demand worker.
      expect(asg.mixedInstancesPolicy.instancesDistribution).to.deep.include({ onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" });
      const lt = one(plan(), "aws:ec2/launchTemplate:LaunchTemplate", "transcoders").inputs;
      expect(lt.metadataOptions.httpTokens).to.equal("required");
      expect(lt.networkInterfaces[0].associatePublicIpAddress).to.equal("false");
      const scaling = one(plan(), "aws:autoscaling/policy:Policy", "transcoders-backlog").inputs.targetTrackingConfiguration;
      expect(scaling.customizedMetricSpecification.metrics.map((m: any) => m.metricStat?.metric.metricName ?? m.expression)).to.deep.equal([
        "ApproximateNumberOfMessagesVisible",
        "GroupInServiceInstances",
        "visible / inservice",
      ]);
      const jobs = one(plan(), "aws:sqs/queue:Queue", "transcoders-jobs").inputs;
      expect(jobs.kmsMasterKeyId).to.match(/^arn:aws:kms:/);
      expect(JSON.parse(jobs.redrivePolicy).maxReceiveCount).to.equal(3);
      expect(one(plan(), "aws:sqs/queue:Queue", "transcoders-dlq").inputs.kmsMasterKeyId).to.match(/^arn:aws:kms:/);
      expect(actionsOf(plan(), "transcoders-instances")).to.include.members(["sqs:ReceiveMessage", "s3:GetObject", "s3:PutObject", "autoscaling:SetInstanceProtection"]);
    });

    it("EC2: the workers run the bundled transcoder, configured by an SSM parameter that names this stack's queue, bucket and group", () => {
      const lt = one(plan(), "aws:ec2/launchTemplate:LaunchTemplate", "transcoders").inputs;
      const userData = Buffer.from(lt.userData, "base64").toString("utf8");
      const bundleObject = one(plan(), "aws:s3/bucketObjectv2:BucketObjectv2", "transcoder-worker");
      const bundle = bundleObject.inputs;
      const sha = createHash("sha256").update(bundle.content).digest("hex");
      expect(bundle.key).to.equal(`transcoder/${sha}.js`);
      expect(bundleObject.propertyDependencies.bucket, "the bundle is in the artifacts bucket").to.include(one(plan(), "aws:s3/bucket:Bucket", "artifacts").urn);
      expect(userData).to.include(`echo "${sha}  /opt/transcoder/worker.js" | sha256sum --check`);
      expect(userData).to.include("apt-get install -y -q --no-install-recommends ffmpeg nodejs awscli");
      expect(userData).to.include("Environment=TRANSCODER_CONFIG_PARAMETER=/streaming/prod/transcoder/settings");
      const parameter = one(plan(), "aws:ssm/parameter:Parameter", "transcoder-settings").inputs;
      expect(parameter.name).to.equal("/streaming/prod/transcoder/settings");
      const workerSettings = JSON.parse(parameter.value);
      expect(workerSettings).to.deep.include({
        queueUrl: plan().outputs.transcodeQueueUrl,
        renditionsBucket: plan().outputs.renditionsBucketName,
        visibilityTimeoutSeconds: 7200,
        segmentSeconds: 6,
        workerBundle: `s3://${bundle.bucket}/${bundle.key}`,
      });
      expect(workerSettings.ladder.map((r: any) => r.name)).to.deep.equal(["2160p", "1080p", "720p", "480p", "360p"]);
      const jobsQueueName = plan().outputs.transcodeQueueUrl.split("/").pop();
      expect(one(plan(), "aws:autoscaling/policy:Policy", "transcoders-backlog").inputs.targetTrackingConfiguration.customizedMetricSpecification.metrics[0].metricStat.metric.dimensions).to.deep.equal([{ name: "QueueName", value: jobsQueueName }]);
      // The role reads exactly this parameter and this bundle prefix, and consumes exactly this queue.
      const byName = (name: string) => statements(one(plan(), "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
      expect(byName("transcoders-instances-transcoder-settings-read")).to.deep.equal([
        { Sid: "ReadWorkerSettings", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/streaming/prod/transcoder/settings` },
      ]);
      expect(byName("transcoders-instances-artifacts-read-transcoder")[0].Resource).to.equal(`arn:aws:s3:::${bundle.bucket}/transcoder/*`);
      expect(byName("transcoders-instances-transcoders-consume-jobs")[0].Resource).to.equal(`arn:aws:sqs:us-east-1:${ACCOUNT}:${jobsQueueName}`);
      expect(byName("transcoders-instances-renditions-write")[0].Resource).to.equal(`arn:aws:s3:::${plan().outputs.renditionsBucketName}/*`);
      expect(byName("transcoders-instances-uploads-read")[0].Resource).to.equal(`arn:aws:s3:::${plan().outputs.uploadsBucketName}/*`);
    });

    it("browser playback: CORS for the players' origins (CDN headers policy, renditions bucket, player-events URL)", () => {
      const origins = ["https://watch.example.com"];
      expect(one(plan(), "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs.corsConfig).to.deep.include({ accessControlAllowOrigins: { items: origins }, accessControlAllowCredentials: true, originOverride: true });
      const cors = one(plan(), "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "renditions-cors").inputs;
      expect(cors.bucket).to.equal(plan().outputs.renditionsBucketName);
      expect(cors.corsRules[0]).to.deep.include({ allowedOrigins: origins, allowedMethods: ["GET", "HEAD"] });
      const url = one(plan(), "aws:lambda/functionUrl:FunctionUrl", "player-events").inputs;
      expect(url.cors).to.deep.include({ allowOrigins: origins, allowMethods: ["POST"] });
    });

    it("browser playback: the entitlement function signs cookies with this stack's key (public key in the key group, private half in its secret) after reading users", () => {
      const fnInputs = one(plan(), "aws:lambda/function:Function", "entitlement").inputs;
      const env = fnInputs.environment.variables;
      const publicKey = one(plan(), "aws:cloudfront/publicKey:PublicKey");
      const keyGroup = one(plan(), "aws:cloudfront/keyGroup:KeyGroup").inputs;
      expect(keyGroup.items).to.deep.equal([env.KEY_PAIR_ID]);
      expect(publicKey.inputs.encodedKey).to.match(/^-----BEGIN PUBLIC KEY-----/);
      const secret = one(plan(), "aws:secretsmanager/secret:Secret", "signing-private-key");
      expect(secret.protect).to.equal(true);
      expect(env.SIGNING_KEY_SECRET_ARN).to.equal(plan().outputs.signingKeySecretArn);
      expect(env).to.deep.include({ USERS_TABLE_NAME: plan().outputs.usersTableName, VIDEOS_TABLE_NAME: plan().outputs.videosTableName, DELIVERY_ORIGIN: "https://cdn.watch.example.com", COOKIE_DOMAIN: ".watch.example.com" });
      const byName = (name: string) => statements(one(plan(), "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
      expect(byName("entitlement-role-entitlement-read-signing-key")[0]).to.deep.include({ Action: ["secretsmanager:GetSecretValue"], Resource: plan().outputs.signingKeySecretArn });
      // users is wired: the entitlement function reads it (and nothing else writes it but administrators).
      expect(byName("entitlement-role-users-read")[0].Resource).to.deep.include(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${plan().outputs.usersTableName}`);
      const usersWriters = ofType(plan(), "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.includes("users-read-write")).map((p) => p.name);
      expect(usersWriters).to.deep.equal(["administrators-users-read-write"]);
      expect(one(plan(), "aws:lambda/functionUrl:FunctionUrl", "entitlement").inputs).to.deep.include({ authorizationType: "AWS_IAM", functionName: fnInputs.name });
    });

    it("alarms: every watched resource alarms to the platform's topic with a runbook", () => {
      const alarms = ofType(plan(), "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("alarms-"));
      const topic = one(plan(), "aws:cloudwatch/eventTarget:EventTarget", "transcoders-failures").inputs.arn;
      expect(topic).to.match(new RegExp(`^arn:aws:sns:us-east-1:${ACCOUNT}:alarms-`));
      expect(alarms.map((a) => a.name).sort()).to.deep.equal(
        [
          "delivery-cdn-5xx",
          ...["on-upload", "on-rendition-complete", "player-events", "views-consumer", "entitlement"].flatMap((f) => [`${f}-function-errors`, `${f}-function-throttles`, `${f}-events-dlq-not-empty`]),
          "transcode-jobs-dlq-not-empty",
          "transcode-jobs-queue-age",
          "transcoders-capacity-shortfall",
          "counted-view-events-table-read-throttles",
          "counted-view-events-table-write-throttles",
          "users-table-read-throttles",
          "users-table-write-throttles",
          "videos-table-read-throttles",
          "videos-table-write-throttles",
          "view-events-iterator-age",
          "views-consumer-failures-dlq-not-empty",
        ]
          .map((n) => `alarms-${n}`)
          .sort(),
      );
      for (const a of alarms) {
        expect(a.inputs.alarmActions, a.name).to.deep.equal([topic]);
        expect(a.inputs.alarmDescription, a.name).to.be.a("string").and.have.length.greaterThan(40);
      }
      const dims = (name: string) => one(plan(), "aws:cloudwatch/metricAlarm:MetricAlarm", `alarms-${name}`).inputs.dimensions;
      expect(dims("transcode-jobs-dlq-not-empty")).to.deep.equal({ QueueName: plan().outputs.transcodeDeadLetterQueueArn.split(":").pop() });
      expect(dims("view-events-iterator-age")).to.deep.equal({ StreamName: plan().outputs.viewEventsStreamArn.split("/").pop() });
      expect(dims("delivery-cdn-5xx")).to.deep.equal({ DistributionId: plan().outputs.deliveryDistributionId, Region: "Global" });
      expect(dims("videos-table-read-throttles")).to.deep.equal({ TableName: plan().outputs.videosTableName });
      expect(dims("on-upload-function-errors")).to.deep.equal({ FunctionName: one(plan(), "aws:lambda/function:Function", "on-upload").inputs.name });
    });

    it("Lambda: the four handlers, nodejs22.x, each with its trigger and only its permissions", () => {
      for (const name of ["on-upload", "on-rendition-complete", "player-events", "views-consumer"]) {
        expect(one(plan(), "aws:lambda/function:Function", name).inputs.runtime).to.equal("nodejs22.x");
      }
      expect(actionsOf(plan(), "on-upload")).to.include.members(["sqs:SendMessage", "dynamodb:PutItem"]);
      expect(actionsOf(plan(), "on-rendition-complete")).to.include.members(["sns:Publish", "dynamodb:UpdateItem"]);
      expect(actionsOf(plan(), "player-events")).to.include.members(["kinesis:PutRecords"]);
      expect(actionsOf(plan(), "player-events")).not.to.include("dynamodb:PutItem");
      const url = one(plan(), "aws:lambda/functionUrl:FunctionUrl", "player-events").inputs;
      expect(url.authorizationType).to.equal("AWS_IAM");
      const esm = one(plan(), "aws:lambda/eventSourceMapping:EventSourceMapping", "views-consumer").inputs;
      expect(esm).to.deep.include({ batchSize: 500, bisectBatchOnFunctionError: true, maximumRetryAttempts: 5, startingPosition: "TRIM_HORIZON" });
      expect(esm.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
      // The trigger connects exactly this stream to exactly this function; failures go to the consumer's queue.
      expect(esm.eventSourceArn).to.equal(plan().outputs.viewEventsStreamArn);
      expect(esm.functionName).to.equal(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:${one(plan(), "aws:lambda/function:Function", "views-consumer").inputs.name}`);
      expect(esm.parallelizationFactor).to.equal(2);
      const failuresQueue = one(plan(), "aws:sqs/queue:Queue", "views-consumer-failures");
      expect(esm.destinationConfig.onFailure.destinationArn).to.match(/^arn:aws:sqs:us-east-1:123456789012:views-consumer-failures-/);
      expect(statements(one(plan(), "aws:iam/rolePolicy:RolePolicy", "views-consumer-role-views-consumer-read-view-events").inputs.policy).find((x) => x.Sid === "RecordFailedBatches").Resource).to.equal(esm.destinationConfig.onFailure.destinationArn);
      expect(failuresQueue.inputs.kmsMasterKeyId).to.match(/^arn:aws:kms:/);
      // Exactly-once counting: the markers table (TTL) is the one the function writes, in the same grant as the counters.
      const counted = one(plan(), "aws:dynamodb/table:Table", "counted-view-events").inputs;
      expect(counted.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
      const env = one(plan(), "aws:lambda/function:Function", "views-consumer").inputs.environment.variables;
      expect(env).to.deep.include({ COUNTED_EVENTS_TABLE_NAME: counted.name, VIDEOS_TABLE_NAME: plan().outputs.videosTableName, MARKER_TTL_SECONDS: String((168 + 24) * 3600) });
      expect(statements(one(plan(), "aws:iam/rolePolicy:RolePolicy", "views-consumer-role-counted-view-events-read-write").inputs.policy)[0].Resource).to.deep.include(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${counted.name}`);
      const topic = one(plan(), "aws:sns/topic:Topic", "new-content").inputs;
      expect(topic.kmsMasterKeyId).to.match(/^arn:aws:kms:/);
    });

    it("DynamoDB: videos (GSI by status and date) and users, CMK-encrypted, PITR, protected, backed up", () => {
      const videos = one(plan(), "aws:dynamodb/table:Table", "videos");
      expect(videos.inputs.globalSecondaryIndexes.map((i: any) => [i.name, i.hashKey ?? i.keySchemas?.[0]?.attributeName, i.rangeKey ?? i.keySchemas?.[1]?.attributeName])).to.deep.equal([["by-status-date", "status", "updatedAt"]]);
      for (const t of [videos, one(plan(), "aws:dynamodb/table:Table", "users")]) {
        expect(t.inputs.serverSideEncryption.enabled).to.equal(true);
        expect(t.inputs.pointInTimeRecovery.enabled).to.equal(true);
        expect(t.inputs.deletionProtectionEnabled).to.equal(true);
        expect(t.protect && t.retainOnDelete, t.name).to.equal(true);
      }
      expect(ofType(plan(), "aws:backup/selection:Selection")).to.have.length.greaterThan(0);
    });

    it("Kinesis: a KMS-encrypted, provisioned view-events stream (shards from config, 7-day retention), consumed and landed in S3", () => {
      const s = one(plan(), "aws:kinesis/stream:Stream", "view-events");
      expect(s.inputs).to.deep.include({ encryptionType: "KMS", retentionPeriod: 168, shardCount: 4 });
      expect(s.inputs.streamModeDetails).to.deep.equal({ streamMode: "PROVISIONED" });
      expect(s.protect).to.equal(true);
      expect(one(plan(), "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "view-events").inputs.kinesisSourceConfiguration.kinesisStreamArn).to.be.a("string");
    });

    it("QuickSight: the audience report over Athena, because the prod platform subscribes", () => {
      expect(ofType(plan(), "aws:quicksight/dataSource:DataSource")).to.have.length(1);
      expect(one(plan(), "aws:quicksight/dataSource:DataSource").inputs.type).to.equal("ATHENA");
      expect(one(plan(), "aws:athena/workgroup:Workgroup").inputs.configuration.enforceWorkgroupConfiguration).to.equal(true);
      expect(ofType(plan(), "aws:glue/catalogTable:CatalogTable")).to.have.length(1);
    });

    it("QuickSight: the SPICE data set is refreshed daily, and QuickSight's own role reads the lake, the table and the workgroup", () => {
      const dataSet = one(plan(), "aws:quicksight/dataSet:DataSet").inputs;
      expect(dataSet.importMode).to.equal("SPICE");
      expect(one(plan(), "aws:quicksight/refreshSchedule:RefreshSchedule").inputs).to.deep.include({
        dataSetId: dataSet.dataSetId,
        schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "02:00", timezone: "UTC" } },
      });
      const source = one(plan(), "aws:quicksight/dataSource:DataSource").inputs.parameters.athena;
      const role = one(plan(), "aws:iam/role:Role", "audience-quicksight");
      expect(statements(role.inputs.assumeRolePolicy)[0].Principal).to.deep.equal({ Service: "quicksight.amazonaws.com" });
      expect(source.roleArn).to.match(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/streaming/audience-quicksight-`));
      const byName = (name: string) => statements(one(plan(), "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
      const lakeRead = byName("audience-quicksight-view-events-lake-read-view-events");
      const lakeBucket = lakeRead[0].Resource.replace(/^arn:aws:s3:::/, "").replace(/\/view-events\/\*$/, "");
      expect(one(plan(), "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "view-events").inputs.extendedS3Configuration.bucketArn).to.equal(`arn:aws:s3:::${lakeBucket}`);
      expect(lakeRead.find((x) => x.Sid === "UseBucketKey" || String(x.Action).includes("kms:Decrypt"))?.Resource).to.match(/^arn:aws:kms:/);
      const query = byName("audience-quicksight-audience-workgroup-query");
      expect(query[0].Resource).to.equal(`arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/${source.workGroup}`);
      expect(query[1].Resource).to.include(`arn:aws:glue:us-east-1:${ACCOUNT}:table/streaming_prod_audience/view_events`);
      const results = byName("audience-quicksight-athena-results-write");
      const outputLocation = one(plan(), "aws:athena/workgroup:Workgroup").inputs.configuration.resultConfiguration.outputLocation;
      expect(results[0].Resource).to.equal(`${outputLocation.replace(/^s3:\/\//, "arn:aws:s3:::").replace(/\/$/, "")}/*`);
    });

    it("IAM: separate developer and administrator roles, MFA to assume, developers read-only", () => {
      for (const name of ["developers", "administrators"]) {
        const trust = statements(one(plan(), "aws:iam/role:Role", name).inputs.assumeRolePolicy)[0];
        expect(trust.Condition).to.deep.equal({ Bool: { "aws:MultiFactorAuthPresent": "true" } });
      }
      const dev = actionsOf(plan(), "developers");
      const admin = actionsOf(plan(), "administrators");
      expect(dev).to.include.members(["s3:GetObject", "dynamodb:Query", "kinesis:GetRecords"]);
      expect(dev.filter((a) => /^(s3:Put|dynamodb:(Put|Update|Delete)|sqs:Send)/.test(a))).to.deep.equal([]);
      expect(admin).to.include.members(["s3:PutObject", "dynamodb:UpdateItem", "sqs:SendMessage"]);
    });
  });

  describe("dev vs prod", () => {
    it("Kinesis: one provisioned shard with 24 h in dev (cheaper idle than on-demand), shards from config with 168 h in prod", () => {
      const dev = one(plans.dev, "aws:kinesis/stream:Stream", "view-events").inputs;
      expect(dev.streamModeDetails).to.deep.equal({ streamMode: "PROVISIONED" });
      expect(dev.shardCount).to.equal(1);
      expect(dev.retentionPeriod).to.equal(24);
    });

    it("dev idles cheaply: no interface endpoints (the NAT gateway reaches the APIs), workers scale to zero from an alarm, DLQ alarms only", () => {
      expect(ofType(plans.dev, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")).to.deep.equal([]);
      expect(ofType(plans.prod, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")).to.have.length(6);
      expect(one(plans.dev, "aws:autoscaling/policy:Policy", "transcoders-from-zero").inputs.adjustmentType).to.equal("ExactCapacity");
      expect(one(plans.dev, "aws:cloudwatch/metricAlarm:MetricAlarm", "transcoders-jobs-waiting-no-workers").inputs.metricQueries.at(-1).expression).to.equal("IF(desired == 0 AND visible > 0, 1, 0)");
      expect(ofType(plans.prod, "aws:autoscaling/policy:Policy").map((p) => p.name)).to.deep.equal(["transcoders-backlog"]);
      const devAlarms = ofType(plans.dev, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("alarms-")).map((a) => a.name);
      expect(devAlarms.length).to.be.greaterThan(0);
      expect(devAlarms.filter((n) => !n.endsWith("-dlq-not-empty"))).to.deep.equal([]);
      expect(one(plans.dev, "aws:autoscaling/group:Group", "transcoders").inputs.mixedInstancesPolicy.instancesDistribution).to.deep.include({ onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 });
    });

    it("CloudFront: origin shield and a custom certificate in prod only; PriceClass_100 in dev", () => {
      const dev = one(plans.dev, "aws:cloudfront/distribution:Distribution", "delivery").inputs;
      expect(dev.origins[0].originShield).to.equal(undefined);
      expect(dev.priceClass).to.equal("PriceClass_100");
      expect(one(plans.prod, "aws:cloudfront/distribution:Distribution", "delivery").inputs.priceClass).to.equal("PriceClass_All");
    });

    it("WAF counts in dev and blocks in prod", () => {
      const action = (p: PlanJson) => one(p, "aws:wafv2/webAcl:WebAcl").inputs.rules.filter((r: any) => r.overrideAction).map((r: any) => Object.keys(r.overrideAction)[0]);
      expect(new Set(action(plans.dev))).to.deep.equal(new Set(["count"]));
      expect(new Set(action(plans.prod))).to.deep.equal(new Set(["none"]));
    });

    it("stateful resources are protected and retained in prod only; dev archives nothing", () => {
      for (const [type, name] of [["aws:dynamodb/table:Table", "videos"], ["aws:s3/bucket:Bucket", "renditions"], ["aws:kinesis/stream:Stream", "view-events"]] as const) {
        expect(one(plans.prod, type, name).protect, `prod ${name}`).to.equal(true);
        expect(one(plans.dev, type, name).protect, `dev ${name}`).to.equal(false);
      }
      const devUploads = one(plans.dev, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "uploads-lifecycle").inputs.rules;
      expect(devUploads.find((r: any) => r.id === "current-versions")).to.equal(undefined);
      expect(ofType(plans.dev, "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration")).to.have.length(0);
    });

    it("QuickSight assets only where the platform subscribes (prod), none in dev", () => {
      expect(ofType(plans.dev, "aws:quicksight/dataSource:DataSource")).to.have.length(0);
      expect(ofType(plans.dev, "aws:athena/workgroup:Workgroup")).to.have.length(0);
    });

    it("each stack signs with its own key: dev's public key is not prod's", () => {
      const key = (p: PlanJson) => one(p, "aws:cloudfront/publicKey:PublicKey").inputs.encodedKey;
      expect(key(plans.dev)).to.match(/^-----BEGIN PUBLIC KEY-----/);
      expect(key(plans.dev)).to.not.equal(key(plans.prod));
    });

    it("fleet sizes: 0-2 workers in dev (scales to zero), 1-12 in prod", () => {
      const size = (p: PlanJson) => {
        const g = one(p, "aws:autoscaling/group:Group", "transcoders").inputs;
        return [g.minSize, g.maxSize];
      };
      expect(size(plans.dev)).to.deep.equal([0, 2]);
      expect(size(plans.prod)).to.deep.equal([1, 12]);
    });
  });
});
