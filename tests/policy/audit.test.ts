import { expect } from "chai";
import type { Policy } from "@pulumi/policy";
import * as audit from "../../policy-packs/aws-compliance/policies/audit";
import { UNKNOWN, evaluate, findings, only, res, undecided, unknowns } from "../helpers/policy";

const TRAIL = "aws:cloudtrail/trail:Trail";
const goodTrail = {
  s3BucketName: "audit-logs",
  isMultiRegionTrail: true,
  enableLogFileValidation: true,
  kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/abc",
  cloudWatchLogsGroupArn: "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*",
  cloudWatchLogsRoleArn: "arn:aws:iam::111122223333:role/trail-logs",
};
const trail = (over: Record<string, unknown> = {}, opts: Parameters<typeof res>[2] = {}) => res(TRAIL, { ...goodTrail, ...over }, { name: "org-trail", ...opts });

describe("CloudTrail resource policies (CloudTrail.1/2/4/5)", () => {
  const table: { policy: Policy; control: string; bad: Record<string, unknown>; expect: string; unknown?: Record<string, unknown>; reference?: string }[] = [
    { policy: audit.cloudtrailMultiRegion, control: "CloudTrail.1", bad: { isMultiRegionTrail: false }, expect: "it is a single-Region trail", unknown: { isMultiRegionTrail: UNKNOWN } },
    { policy: audit.cloudtrailEncryption, control: "CloudTrail.2", bad: { kmsKeyId: undefined }, expect: "does not encrypt its log files with KMS. Fix: set `kmsKeyId`", reference: "kmsKeyId" },
    { policy: audit.cloudtrailLogValidation, control: "CloudTrail.4", bad: { enableLogFileValidation: undefined }, expect: "has log file validation off", unknown: { enableLogFileValidation: UNKNOWN } },
    { policy: audit.cloudtrailCloudwatchLogs, control: "CloudTrail.5", bad: { cloudWatchLogsRoleArn: "" }, expect: "is not integrated with CloudWatch Logs (`cloudWatchLogsRoleArn` unset)", reference: "cloudWatchLogsGroupArn" },
  ];
  for (const t of table) {
    describe(`policy ${t.policy.name} (${t.control})`, () => {
      it("passes a well-configured trail (references unknown at preview count as set when they come from a key, log group, role)", async () => {
        expect(await evaluate(t.policy, trail())).to.deep.equal([]);
        const key = res("aws:kms/key:Key", { enableKeyRotation: true }, { name: "trail-key" });
        const group = res("aws:cloudwatch/logGroup:LogGroup", {}, { name: "trail-logs" });
        const role = res("aws:iam/role:Role", { assumeRolePolicy: "{}" }, { name: "trail-logs-role" });
        const wired = trail({ kmsKeyId: UNKNOWN, cloudWatchLogsGroupArn: UNKNOWN, cloudWatchLogsRoleArn: UNKNOWN }, { deps: { kmsKeyId: [key], cloudWatchLogsGroupArn: [group], cloudWatchLogsRoleArn: [role] } });
        expect(await evaluate(t.policy, [key, group, role, wired])).to.deep.equal([]);
      });
      if (t.reference) {
        it("cannot decide a reference that is unknown and comes from something else (advisory, saying how to make it known)", async () => {
          await undecided(t.policy, trail({ [t.reference!]: UNKNOWN }));
          const [note] = unknowns(await evaluate(t.policy, trail({ [t.reference!]: UNKNOWN })));
          expect(note!.message).to.include(`\`${t.reference}\` of org-trail is unknown until apply`);
          expect(note!.message).to.include("To make it known, set it from");
        });
      }
      it("fails a weak one, naming the control and the fix", async () => {
        expect(await only(t.policy, trail(t.bad))).to.include(`[${t.control}] org-trail (${TRAIL}): ${t.expect}`);
      });
      if (t.unknown) {
        it("cannot decide an unknown flag", async () => {
          await undecided(t.policy, trail(t.unknown));
        });
      }
    });
  }

  describe("CloudTrail.1 management events", () => {
    it("accepts basic selectors with all management events and advanced selectors on Management", async () => {
      expect(await evaluate(audit.cloudtrailMultiRegion, trail({ eventSelectors: [{ includeManagementEvents: true, readWriteType: "All", dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }] }))).to.deep.equal([]);
      expect(await evaluate(audit.cloudtrailMultiRegion, trail({ advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }] }))).to.deep.equal([]);
    });
    it("fails write-only selectors, advanced selectors without management events, and a stopped trail", async () => {
      expect(await only(audit.cloudtrailMultiRegion, trail({ eventSelectors: [{ readWriteType: "WriteOnly" }] }))).to.include("do not log all (read and write) management events");
      expect(await only(audit.cloudtrailMultiRegion, trail({ advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }] }] }))).to.include("log no management events");
      expect(await only(audit.cloudtrailMultiRegion, trail({ advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }, { field: "readOnly", equals: ["false"] }] }] }))).to.include("only read-only or only write");
      expect(await only(audit.cloudtrailMultiRegion, trail({ enableLogging: false }))).to.include("logging is off");
    });
    it("holds when one trail of the stack is compliant: a dedicated data-event trail beside it is fine", async () => {
      const dataOnly = { isMultiRegionTrail: false, advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }] }] };
      expect(await evaluate(audit.cloudtrailMultiRegion, [trail({}), trail(dataOnly, { name: "phi-access" })])).to.deep.equal([]);
      // Alone, the data-event trail does not record the account's management events.
      expect(await only(audit.cloudtrailMultiRegion, trail(dataOnly))).to.include("no other trail of this stack records the account's management events");
      // Two deficient trails: each is named.
      const vs = findings(await evaluate(audit.cloudtrailMultiRegion, [trail({ enableLogging: false }), trail(dataOnly, { name: "phi-access" })]));
      expect(vs).to.have.length(2);
    });
  });
});

describe("policy cloudtrail-enabled (CloudTrail.3)", () => {
  it("does not apply to a stack without trails unless it is the account baseline (config)", async () => {
    const q = res("aws:sqs/queue:Queue", {});
    expect(await evaluate(audit.cloudtrailEnabled, [q])).to.deep.equal([]);
    const stack = res("pulumi:pulumi:Stack", {}, { name: "baseline-prod" });
    const m = await only(audit.cloudtrailEnabled, [stack, q], { requireTrail: true });
    expect(m).to.include("[CloudTrail.3] baseline-prod (pulumi:pulumi:Stack): declares no CloudTrail trail although it is the account baseline");
  });
  it("passes when one trail logs, fails when none does", async () => {
    expect(await evaluate(audit.cloudtrailEnabled, [trail({ enableLogging: false }, { name: "a" }), trail({}, { name: "b" })])).to.deep.equal([]);
    expect(await only(audit.cloudtrailEnabled, [trail({ enableLogging: false })])).to.include("is not logging (`enableLogging: false`)");
  });
  it("cannot decide when the only candidate's state is unknown", async () => {
    await undecided(audit.cloudtrailEnabled, [trail({ enableLogging: false }, { name: "a" }), trail({ enableLogging: UNKNOWN }, { name: "b" })]);
  });
});

describe("policies on the trail bucket (CloudTrail.6, CloudTrail.7)", () => {
  const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
  const bucket = (type = "aws:s3/bucket:Bucket", over: Record<string, unknown> = {}) => res(type, { bucket: "audit-logs", ...over }, { name: "audit-bucket" });
  const side = (type: string, b: ReturnType<typeof bucket>, inputs: Record<string, unknown>) => res(type, { bucket: UNKNOWN, ...inputs }, { deps: { bucket: [b] } });

  describe("policy cloudtrail-bucket-not-public (CloudTrail.6)", () => {
    for (const t of ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]) {
      it(`passes a private ${t} joined by name, and one joined by dependency`, async () => {
        const b = bucket(t);
        expect(await evaluate(audit.cloudtrailBucketNotPublic, [b, side("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b, all), trail()])).to.deep.equal([]);
        expect(await evaluate(audit.cloudtrailBucketNotPublic, [b, trail({ s3BucketName: UNKNOWN }, { deps: { s3BucketName: [b] } })])).to.deep.equal([]);
      });
    }
    it("fails a public policy (string document), a public ACL and a weakened public access block", async () => {
      const b = bucket();
      const policy = side("aws:s3/bucketPolicy:BucketPolicy", b, { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::audit-logs/*" }] }) });
      const acl = side("aws:s3/bucketAclV2:BucketAclV2", b, { acl: "public-read" });
      const pab = side("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b, { ...all, restrictPublicBuckets: false });
      const m = await only(audit.cloudtrailBucketNotPublic, [b, policy, acl, pab, trail()]);
      expect(m).to.include("[CloudTrail.6] org-trail (aws:cloudtrail/trail:Trail): writes to bucket audit-bucket, which can be public: its bucket policy allows \"*\" without a condition that pins the caller; it has the ACL public-read; public access block");
      expect(m).to.include("restrictPublicBuckets off");
    });
    it("ignores a trail bucket outside the stack", async () => {
      expect(await evaluate(audit.cloudtrailBucketNotPublic, [trail({ s3BucketName: "central-archive" })])).to.deep.equal([]);
    });
    it("cannot decide an unknown bucket policy, or an unknown bucket name with no dependency", async () => {
      const b = bucket();
      await undecided(audit.cloudtrailBucketNotPublic, [b, side("aws:s3/bucketPolicy:BucketPolicy", b, { policy: UNKNOWN }), trail()]);
      await undecided(audit.cloudtrailBucketNotPublic, [b, trail({ s3BucketName: UNKNOWN })]);
    });
  });

  describe("policy cloudtrail-bucket-access-logging (CloudTrail.7)", () => {
    it("passes inline logging and a side BucketLogging (v7 and V2 tokens)", async () => {
      const b = bucket("aws:s3/bucket:Bucket", { logging: { targetBucket: "access-logs", targetPrefix: "audit/" } });
      expect(await evaluate(audit.cloudtrailBucketLogging, [b, trail()])).to.deep.equal([]);
      for (const t of ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"]) {
        const b2 = bucket();
        expect(await evaluate(audit.cloudtrailBucketLogging, [b2, side(t, b2, { targetBucket: "access-logs", targetPrefix: "x" }), trail()]), t).to.deep.equal([]);
      }
    });
    it("fails a trail bucket without access logging", async () => {
      expect(await only(audit.cloudtrailBucketLogging, [bucket(), trail()])).to.include("[CloudTrail.7] org-trail (aws:cloudtrail/trail:Trail): writes to bucket audit-bucket, which has no server access logging. Fix: add an aws.s3.BucketLogging");
    });
    it("cannot decide an unknown bucket name that comes from no bucket", async () => {
      await undecided(audit.cloudtrailBucketLogging, [bucket(), trail({ s3BucketName: UNKNOWN })]);
    });
    it("inline logging to a bucket of the stack (unknown at preview) counts; from something else it is undecidable", async () => {
      const logs = res("aws:s3/bucket:Bucket", {}, { name: "access-logs" });
      const wired = res("aws:s3/bucket:Bucket", { bucket: "audit-logs", logging: { targetBucket: UNKNOWN } }, { name: "audit-bucket", deps: { logging: [logs] } });
      expect(await evaluate(audit.cloudtrailBucketLogging, [logs, wired, trail()])).to.deep.equal([]);
      const untyped = res("aws:s3/bucket:Bucket", { bucket: "audit-logs", logging: { targetBucket: UNKNOWN } }, { name: "audit-bucket" });
      await undecided(audit.cloudtrailBucketLogging, [untyped, trail()]);
    });
  });
});

describe("CloudWatch alarm policies (CloudWatch.15, CloudWatch.17)", () => {
  for (const type of ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"]) {
    it(`${type}: CloudWatch.15 passes an alarm with actions and fails one without`, async () => {
      expect(await evaluate(audit.cloudwatchAlarmActions, res(type, { alarmActions: [UNKNOWN] }))).to.deep.equal([]);
      expect(await only(audit.cloudwatchAlarmActions, res(type, {}, { name: "cpu" }))).to.include(`[CloudWatch.15] cpu (${type}): has no \`alarmActions\`, so nobody is told when it fires`);
    });
    it(`${type}: CloudWatch.17 fails disabled actions only`, async () => {
      expect(await evaluate(audit.cloudwatchAlarmActionsEnabled, res(type, {}))).to.deep.equal([]);
      expect(await only(audit.cloudwatchAlarmActionsEnabled, res(type, { actionsEnabled: false }, { name: "cpu" }))).to.include(`[CloudWatch.17] cpu (${type}): has its actions disabled`);
    });
  }
  it("CloudWatch.15 reads the required action kinds from config", async () => {
    const alarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", { alarmActions: ["arn:aws:sns:x"] });
    expect(await only(audit.cloudwatchAlarmActions, alarm, { okActionRequired: true })).to.include("`okActions`");
  });
  it("cannot decide unknown action lists or flags", async () => {
    await undecided(audit.cloudwatchAlarmActions, res("aws:cloudwatch/metricAlarm:MetricAlarm", { alarmActions: UNKNOWN }));
    await undecided(audit.cloudwatchAlarmActionsEnabled, res("aws:cloudwatch/metricAlarm:MetricAlarm", { actionsEnabled: UNKNOWN }));
  });
});

describe("policy guardduty-detector-enabled (BP.Audit.1)", () => {
  const D = "aws:guardduty/detector:Detector";
  it("passes an enabled detector (default) and fails a suspended one", async () => {
    expect(await evaluate(audit.guarddutyEnabled, res(D, {}))).to.deep.equal([]);
    expect(await only(audit.guarddutyEnabled, res(D, { enable: false }, { name: "gd" }))).to.include("[BP.Audit.1] gd (aws:guardduty/detector:Detector): is suspended");
  });
  it("requires a detector in the account baseline stack (config)", async () => {
    expect(await evaluate(audit.guarddutyEnabled, [])).to.deep.equal([]);
    expect(await only(audit.guarddutyEnabled, [res("pulumi:pulumi:Stack", {}, { name: "baseline" })], { requireDetector: true })).to.include("declares no GuardDuty detector");
  });
  it("cannot decide an unknown flag", async () => {
    await undecided(audit.guarddutyEnabled, res(D, { enable: UNKNOWN }));
  });
});

describe("policy securityhub-standards-enabled (BP.Audit.2)", () => {
  const A = "aws:securityhub/account:Account";
  const S = "aws:securityhub/standardsSubscription:StandardsSubscription";
  it("passes default standards and explicit subscriptions", async () => {
    expect(await evaluate(audit.securityhubStandards, res(A, {}))).to.deep.equal([]);
    const fsbp = res(S, { standardsArn: "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0" });
    expect(await evaluate(audit.securityhubStandards, [res(A, { enableDefaultStandards: false }), fsbp])).to.deep.equal([]);
  });
  it("fails an account without the required standards, and reads them from config", async () => {
    expect(await only(audit.securityhubStandards, res(A, { enableDefaultStandards: false }, { name: "hub" }))).to.include("[BP.Audit.2] hub (aws:securityhub/account:Account): does not subscribe to aws-foundational-security-best-practices");
    expect(await only(audit.securityhubStandards, res(A, {}), { requiredStandards: ["pci-dss"] })).to.include("does not subscribe to pci-dss");
  });
  it("cannot decide an unknown standards ARN", async () => {
    await undecided(audit.securityhubStandards, [res(A, { enableDefaultStandards: false }), res(S, { standardsArn: UNKNOWN })]);
  });
});

describe("policy config-recorder-all-resources (BP.Audit.3)", () => {
  const R = "aws:cfg/recorder:Recorder";
  const ST = "aws:cfg/recorderStatus:RecorderStatus";
  const recorder = (group: Record<string, unknown> = { allSupported: true, includeGlobalResourceTypes: true }) => res(R, { roleArn: "arn:r", recordingGroup: group }, { name: "rec" });
  it("passes a recorder of everything that is turned on (default names, or by dependency)", async () => {
    expect(await evaluate(audit.configRecorderAllResources, [recorder(), res(ST, { isEnabled: true })])).to.deep.equal([]);
    const r = recorder();
    expect(await evaluate(audit.configRecorderAllResources, [r, res(ST, { isEnabled: true, name: UNKNOWN }, { deps: { name: [r] } })])).to.deep.equal([]);
  });
  it("fails partial recording, missing global types, and a recorder that is off", async () => {
    const m = await only(audit.configRecorderAllResources, [recorder({ allSupported: false, resourceTypes: ["AWS::S3::Bucket"] }), res(ST, { isEnabled: false })]);
    expect(m).to.include("[BP.Audit.3] rec (aws:cfg/recorder:Recorder): `recordingGroup.allSupported` is false");
    expect(m).to.include("global resource types (IAM) are not recorded");
    expect(m).to.include("has `isEnabled: false`");
  });
  it("does not require global types when config says so", async () => {
    expect(await evaluate(audit.configRecorderAllResources, [recorder({}), res(ST, { isEnabled: true })], { requireGlobalResourceTypes: false })).to.deep.equal([]);
  });
  it("cannot decide an unknown recording group flag", async () => {
    await undecided(audit.configRecorderAllResources, [recorder({ allSupported: UNKNOWN, includeGlobalResourceTypes: true }), res(ST, { isEnabled: true })]);
  });
});

describe("audit.ts exports", () => {
  it("exports unique policy names", () => {
    expect(new Set(audit.policies.map((p) => p.name)).size).to.equal(audit.policies.length);
    expect(audit.notDecidable).to.deep.equal({});
  });
});
