import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BundleError, bundleHandler, clearBundleCache, packageOf } from "../../components/compute/bundle";
import { environmentProblems, Function, looksLikeSecretKey } from "../../components/compute/function";
import { isWildcardAction } from "../../components/security/policy-document";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, statementsOf, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const HANDLER = path.join(__dirname, "..", "fixtures", "handlers", "get-item.ts");
// A handler with an unresolvable import, written at run time (it would not type-check in the repo).
const BROKEN = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bundle-")), "broken.ts");
fs.writeFileSync(BROKEN, 'import { nothing } from "./does-not-exist";\n\nexport const handler = async () => nothing;\n');
// A handler importing a package that is not installed (an optional native addon, as pg-native is for pg).
const OPTIONAL_ADDON = path.join(path.dirname(BROKEN), "optional-addon.ts");
fs.writeFileSync(OPTIONAL_ADDON, 'import * as addon from "not-installed-native-addon";\n\nexport const handler = async () => typeof addon;\n');
const FN = "aws:lambda/function:Function";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const QUEUE = "aws:sqs/queue:Queue";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("bundleHandler", () => {
  before(() => clearBundleCache());

  it("bundles a handler into one minified CommonJS file under 500 KB", () => {
    const b = bundleHandler(HANDLER);
    expect(b.sizeBytes).to.equal(Buffer.byteLength(b.code));
    expect(b.sizeBytes).to.be.below(500 * 1024);
    // Minified: a few very long lines.
    const lines = b.code.split("\n");
    expect(lines.length).to.be.below(100);
    expect(b.sizeBytes / lines.length).to.be.above(2000);
    expect(b.code).to.match(/module\.exports/);
  });

  it("bundles the AWS SDK v3 client it imports instead of requiring the runtime's copy", () => {
    const b = bundleHandler(HANDLER);
    expect(b.packages).to.include.keys("@aws-sdk/client-dynamodb", "@smithy/core", "<local>");
    const required = [...b.code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    // Only Node built-ins stay external (the one @aws-sdk name left is inside an error message string).
    expect(required.filter((r) => r.startsWith("@aws-sdk/client-") || r.startsWith("@smithy/"))).to.deep.equal([]);
    expect(b.code).to.include("DynamoDB_20120810");
  });

  it("tree-shakes: the DynamoDB client ships only the commands the handler uses", () => {
    const b = bundleHandler(HANDLER);
    expect(b.code).to.include("GetItem");
    expect(b.code).not.to.include('"TransactWriteItems"');
  });

  it("writes an external source map without sources by default, none on request", () => {
    const b = bundleHandler(HANDLER);
    const map = JSON.parse(b.sourceMap!);
    expect(map.mappings.length).to.be.greaterThan(0);
    expect(map.sourcesContent).to.equal(undefined);
    expect(bundleHandler(HANDLER, { sourcemap: "none" }).sourceMap).to.equal(undefined);
  });

  it("caches by path and modification time within the process", () => {
    expect(bundleHandler(HANDLER)).to.equal(bundleHandler(HANDLER));
  });

  it("refuses to leave the AWS SDK external", () => {
    expect(() => bundleHandler(HANDLER, { external: ["@aws-sdk/client-dynamodb"] })).to.throw(BundleError, /the AWS SDK is bundled so that the deployed code runs the version it was tested with/);
  });

  it("reports a missing file and esbuild's errors", () => {
    expect(() => bundleHandler("tests/fixtures/handlers/nope.ts")).to.throw(BundleError, /nope\.ts does not exist/);
    expect(() => bundleHandler(BROKEN)).to.throw(BundleError, /broken\.ts:1: Could not resolve "\.\/does-not-exist"/);
  });

  it("names the package of an input path", () => {
    expect(packageOf("node_modules/@aws-sdk/client-dynamodb/dist-es/index.js")).to.equal("@aws-sdk/client-dynamodb");
    expect(packageOf("node_modules/tslib/tslib.es6.mjs")).to.equal("tslib");
    expect(packageOf("projects/ecommerce/functions/checkout/handler.ts")).to.equal("<local>");
  });
});

describe("environment secret check", () => {
  it("treats PASSWORD/SECRET/TOKEN/KEY words as secrets, and _ARN/_ID/_NAME suffixes as references", () => {
    for (const k of ["DB_PASSWORD", "API_KEY", "STRIPE_SECRET", "AUTH_TOKEN", "privateKey", "CREDENTIALS"]) expect(looksLikeSecretKey(k), k).to.equal(true);
    for (const k of ["DB_SECRET_ARN", "KMS_KEY_ID", "TOKEN_PARAMETER_NAME", "TABLE_NAME", "MONKEY_COUNT", "KEYSPACE"]) expect(looksLikeSecretKey(k), k).to.equal(false);
  });

  it("rejects literal secrets, accepts ARNs and outputs", () => {
    expect(environmentProblems({ DB_PASSWORD: "hunter2" })).to.have.length(1);
    expect(environmentProblems({ DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" })).to.deep.equal([]);
    expect(environmentProblems({ API_TOKEN: pulumi.output("from-a-resource") })).to.deep.equal([]);
    expect(environmentProblems({ PARTITION_KEY: "pk" }, ["PARTITION_KEY"])).to.deep.equal([]);
  });
});

describe("Function", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  async function build(name: string, args: Partial<ConstructorParameters<typeof Function>[1]> = {}, env: "dev" | "prod" = "dev") {
    const fn = new Function(name, { context: testContext(env), handler: HANDLER, kmsKey: KEY_ARN, ...args });
    await mocks.settle();
    return fn;
  }

  describe("secure defaults", () => {
    it("creates the function, its role and base policy, its log group and an encrypted DLQ", async () => {
      await build("orders");
      const component = mocks.one("blueprints:compute:Function", "orders");
      const children = mocks.descendantsOf(component.urn).map((r) => r.type);
      expect(children).to.have.members([FN, ROLE, ROLE_POLICY, LOG_GROUP, QUEUE, "aws:sqs/queuePolicy:QueuePolicy"]);
    });

    it("runs nodejs22.x on arm64 with X-Ray active, JSON logs to its own group, the DLQ and an encrypted environment", async () => {
      const fn = await build("orders");
      const f = mocks.one(FN).inputs;
      expect(f).to.deep.include({ name: "test-dev-orders", runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler", memorySize: 256, timeout: 10, kmsKeyArn: KEY_ARN });
      expect(f.tracingConfig).to.deep.equal({ mode: "Active" });
      expect(f.loggingConfig).to.deep.include({ logFormat: "JSON", logGroup: "/aws/lambda/test-dev-orders" });
      expect(f.deadLetterConfig.targetArn).to.equal(await promiseOf(fn.deadLetterQueue!.arn));
      expect(f.environment.variables).to.deep.equal({ NODE_OPTIONS: "--enable-source-maps" });
      expect(f.reservedConcurrentExecutions).to.equal(undefined);
      expect(f.vpcConfig).to.equal(undefined);
      expect(f.tags).to.include.keys(...RequiredTagKeys);
      expect(await promiseOf(fn.logGroupName)).to.equal("/aws/lambda/test-dev-orders");
    });

    it("ships the bundle as index.js (with its map) and reports its size", async () => {
      const fn = await build("orders");
      const b = bundleHandler(HANDLER);
      expect(fn.bundleSizeBytes).to.equal(b.sizeBytes);
      const assets = await mocks.one(FN).inputs.code.assets;
      expect(Object.keys(assets)).to.have.members(["index.js", "index.js.map"]);
      expect(await assets["index.js"].text).to.equal(b.code);
    });

    it("trusts only lambda.amazonaws.com", async () => {
      await build("orders");
      const trust = statement(mocks.one(ROLE).inputs.assumeRolePolicy, "ServiceAssumesRole");
      expect(trust.Principal).to.deep.equal({ Service: "lambda.amazonaws.com" });
    });

    it("lets the role write only its own log group, X-Ray, the environment key and the DLQ", async () => {
      const fn = await build("orders");
      const policy = mocks.one(ROLE_POLICY).inputs.policy;
      const logGroupArn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/test-dev-orders";
      expect(statement(policy, "WriteOwnLogGroup")).to.deep.include({ Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:log-stream:*` });
      expect(statement(policy, "WriteXRayTraces").Action).to.include.members(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
      expect(statement(policy, "DecryptEnvironment")).to.deep.include({ Resource: KEY_ARN });
      expect(statement(policy, "SendToDeadLetterQueue")).to.deep.include({ Action: ["sqs:SendMessage"], Resource: await promiseOf(fn.deadLetterQueue!.arn) });
      expect(statementsOf(policy).map((s) => s.Sid)).to.have.members(["WriteOwnLogGroup", "WriteXRayTraces", "DecryptEnvironment", "SendToDeadLetterQueue", "EncryptDeadLetters"]);
      for (const s of statementsOf(policy)) for (const a of [s.Action].flat()) expect(isWildcardAction(a), a).to.equal(false);
    });

    it("encrypts the DLQ with the key, keeps messages 14 days and denies non-TLS access", async () => {
      await build("orders");
      expect(mocks.one(QUEUE).inputs).to.deep.include({ name: "test-dev-orders-dlq", kmsMasterKeyId: KEY_ARN, messageRetentionSeconds: 1_209_600 });
      const deny = statement(mocks.one("aws:sqs/queuePolicy:QueuePolicy").inputs.policy, "DenyInsecureTransport");
      expect(deny).to.deep.include({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    });

    it("creates the log group encrypted, named /aws/lambda/<function name>", async () => {
      await build("orders");
      expect(mocks.one(LOG_GROUP).inputs).to.deep.include({ name: "/aws/lambda/test-dev-orders", kmsKeyId: KEY_ARN });
    });
  });

  describe("dev and prod", () => {
    it("dev: 30-day log retention, log group not protected", async () => {
      await build("orders", {}, "dev");
      const g = mocks.one(LOG_GROUP);
      expect(g.inputs.retentionInDays).to.equal(30);
      expect(g.protect).to.equal(false);
    });

    it("prod: a year of log retention, log group protected and retained", async () => {
      await build("orders", {}, "prod");
      const g = mocks.one(LOG_GROUP);
      expect(g.inputs).to.deep.include({ retentionInDays: 365, deletionProtectionEnabled: true });
      expect(g.protect).to.equal(true);
      expect(g.retainOnDelete).to.equal(true);
      expect(mocks.one(FN).inputs.name).to.equal("test-prod-orders");
    });
  });

  describe("options", () => {
    it("VPC: subnets and security groups, plus the ENI permissions", async () => {
      await build("db-writer", { vpc: { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] } });
      expect(mocks.one(FN).inputs.vpcConfig).to.deep.include({ subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-1"] });
      const s = statement(mocks.one(ROLE_POLICY).inputs.policy, "ManageVpcNetworkInterfaces");
      expect(s.Action).to.include.members(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces"]);
    });

    it("on-failure destination instead of the DLQ: an async invoke config and the permission to send", async () => {
      const topic = "arn:aws:sns:us-east-1:123456789012:failures";
      const fn = await build("notifier", { onFailure: { type: "sns", arn: topic }, maximumRetryAttempts: 1 });
      expect(fn.deadLetterQueue).to.equal(undefined);
      expect(mocks.ofType(QUEUE)).to.have.length(0);
      expect(mocks.one(FN).inputs.deadLetterConfig).to.equal(undefined);
      const eic = mocks.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").inputs;
      expect(eic).to.deep.include({ maximumRetryAttempts: 1, destinationConfig: { onFailure: { destination: topic } } });
      expect(statement(mocks.one(ROLE_POLICY).inputs.policy, "SendFailedEvents")).to.deep.include({ Action: ["sns:Publish"], Resource: topic });
    });

    it("reserved concurrency, memory, timeout, x86_64 and a custom export", async () => {
      await build("batch", { reservedConcurrency: 5, memorySize: 1024, timeout: 120, architecture: "x86_64", handlerExport: "main" });
      expect(mocks.one(FN).inputs).to.deep.include({ reservedConcurrentExecutions: 5, memorySize: 1024, timeout: 120, architectures: ["x86_64"], handler: "index.main" });
    });

    it("non-secret environment variables pass through", async () => {
      await build("reader", { environment: { TABLE_NAME: "carts", DB_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" } });
      expect(mocks.one(FN).inputs.environment.variables).to.deep.include({ TABLE_NAME: "carts", DB_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" });
    });

    it("bundleExternal leaves named optional packages to the runtime instead of failing to bundle them", async () => {
      expect(() => new Function("inlined", { context: testContext("dev"), handler: OPTIONAL_ADDON, kmsKey: KEY_ARN })).to.throw(BundleError, /not-installed-native-addon/);
      await build("external", { handler: OPTIONAL_ADDON, bundleExternal: ["not-installed-native-addon"] });
      const code = await (await mocks.one(FN).inputs.code.assets)["index.js"].text;
      expect(code).to.include('require("not-installed-native-addon")');
    });

    it("places the role under the platform's path and permissions boundary", async () => {
      const boundary = "arn:aws:iam::123456789012:policy/ecommerce/boundary";
      await build("placed", { rolePlacement: { path: "/ecommerce/", permissionsBoundaryArn: boundary } });
      expect(mocks.one(ROLE).inputs).to.deep.include({ path: "/ecommerce/", permissionsBoundary: boundary });
    });
  });

  describe("grants", () => {
    it("grantInvoke: a permission for a service, scoped to the source ARN", async () => {
      const fn = await build("hook");
      fn.grantInvoke("schedule", { principal: "events.amazonaws.com", sourceArn: "arn:aws:events:us-east-1:123456789012:rule/nightly" });
      await mocks.settle();
      expect(mocks.one("aws:lambda/permission:Permission").inputs).to.deep.include({
        function: "test-dev-hook",
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: "arn:aws:events:us-east-1:123456789012:rule/nightly",
      });
    });

    it("grantInvoke refuses everyone, and a service without a source ARN", async () => {
      const fn = await build("hook");
      expect(() => fn.grantInvoke("anyone", { principal: "*" })).to.throw(/principal "\*" would let anyone invoke/);
      expect(() => fn.grantInvoke("s3", { principal: "s3.amazonaws.com" })).to.throw(/needs sourceArn/);
    });

    it("addToRolePolicy: named statements on the execution role; wildcards refused", async () => {
      const fn = await build("hook");
      fn.addToRolePolicy("events", [{ Sid: "PutEvents", Effect: "Allow", Action: ["events:PutEvents"], Resource: "arn:aws:events:us-east-1:123456789012:event-bus/default" }]);
      await mocks.settle();
      const p = mocks.ofType(ROLE_POLICY).find((r) => r.name.endsWith("-hook-events"))!;
      expect(statement(p.inputs.policy, "PutEvents").Action).to.deep.equal(["events:PutEvents"]);
      expect(() => fn.addToRolePolicy("bad", [{ Effect: "Allow", Action: "s3:*", Resource: "*" }])).to.throw(/wildcard action s3:\*/);
    });

    it("other components' grants attach to the execution role", async () => {
      const fn = await build("hook");
      expect(fn.role).to.be.instanceOf(aws.iam.Role);
      expect(await promiseOf(fn.roleName)).to.equal(await promiseOf(fn.role.name));
    });
  });

  describe("dangerous arguments throw", () => {
    const ctx = testContext("dev");
    it("rejects a secret-looking environment variable with a literal value and points to Secrets Manager", () => {
      expect(() => new Function("leaky", { context: ctx, handler: HANDLER, kmsKey: KEY_ARN, environment: { DB_PASSWORD: "hunter2" } })).to.throw(
        /environment key "DB_PASSWORD" looks like a secret and has a literal value: store the secret in AWS Secrets Manager/,
      );
    });

    it("rejects a VPC in one subnet (Lambda.5), zero reserved concurrency, and out-of-range sizes, all at once", () => {
      try {
        new Function("bad", {
          context: ctx,
          handler: HANDLER,
          kmsKey: KEY_ARN,
          vpc: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] },
          reservedConcurrency: 0,
          memorySize: 64,
          timeout: 1000,
        });
        expect.fail("should have thrown");
      } catch (e) {
        const m = (e as Error).message;
        expect(m).to.match(/invalid arguments \(4\)/);
        expect(m).to.include("at least two Availability Zones (Lambda.5)");
        expect(m).to.include("reservedConcurrency = 0");
        expect(m).to.include("memorySize = 64");
        expect(m).to.include("timeout = 1000");
      }
    });

    it("surfaces bundling errors at construction", () => {
      expect(() => new Function("broken", { context: ctx, handler: BROKEN, kmsKey: KEY_ARN })).to.throw(BundleError, /Could not resolve/);
    });

    it("rejects a role path that is not /.../", () => {
      expect(() => new Function("path", { context: ctx, handler: HANDLER, kmsKey: KEY_ARN, rolePlacement: { path: "ecommerce" } })).to.throw(/rolePlacement.path = "ecommerce"/);
    });
  });
});
