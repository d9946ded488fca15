/**
 * The Lambda credential chain that `bundleHandler` swaps in for the SDK's Node chain: the
 * environment first, then the container credentials endpoint (a real HTTP server on loopback), a
 * named error otherwise; and the bundles it makes: no SSO/STS/shared-file providers inside, and a
 * real SDK client resolving its credentials through it once bundled.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { bundleHandler } from "../../components/compute/bundle";
import { defaultProvider } from "../../components/compute/lambda-credentials";

const CREDENTIAL_VARS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_PROFILE"];
const WHOAMI = path.join(__dirname, "..", "fixtures", "handlers", "whoami.ts");
const INGEST = path.join(__dirname, "..", "..", "projects", "analytics", "functions", "stream-ingest", "handler.ts");
/** Providers and clients that exist only for the Node chain. */
const NODE_ONLY = ["@aws-sdk/credential-provider-sso", "@aws-sdk/credential-provider-ini", "@aws-sdk/credential-provider-process", "@aws-sdk/credential-provider-web-identity", "@aws-sdk/credential-provider-login", "@aws-sdk/nested-clients", "@aws-sdk/credential-provider-node"];

describe("Lambda credential chain", () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of CREDENTIAL_VARS) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  afterEach(() => {
    for (const k of CREDENTIAL_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("reads the execution role's credentials from the environment Lambda sets", async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "ASIAENVKEY", AWS_SECRET_ACCESS_KEY: "env-secret", AWS_SESSION_TOKEN: "env-token" });
    const c = await defaultProvider()();
    expect(c).to.deep.include({ accessKeyId: "ASIAENVKEY", secretAccessKey: "env-secret", sessionToken: "env-token" });
  });

  it("without them, asks the container credentials endpoint (SnapStart, managed instances), with its authorization token, and memoizes", async () => {
    let calls = 0;
    const seen: (string | undefined)[] = [];
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const server = http.createServer((req, res) => {
      calls++;
      seen.push(req.headers.authorization);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ AccessKeyId: "ASIACONTAINER", SecretAccessKey: "container-secret", Token: "container-token", Expiration: expiration }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = "auth-token";
      const provider = defaultProvider();
      const c = await provider();
      expect(c).to.deep.include({ accessKeyId: "ASIACONTAINER", secretAccessKey: "container-secret", sessionToken: "container-token" });
      expect(c.expiration!.toISOString()).to.equal(expiration);
      await provider();
      expect(calls).to.equal(1);
      expect(seen).to.deep.equal(["auth-token"]);
    } finally {
      server.close();
    }
  });

  it("with neither, fails naming the variables it looked for (no silent fall-through to profiles or instance metadata)", async () => {
    process.env.AWS_PROFILE = "someone";
    let message = "";
    await defaultProvider()().catch((e: Error) => (message = e.message));
    expect(message).to.include("neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor AWS_CONTAINER_CREDENTIALS_FULL_URI/RELATIVE_URI is set");
  });

  describe("bundles", function () {
    this.timeout(120_000);

    it("Lambda bundles leave the Node-only providers out; runtime node keeps them", () => {
      const lambda = bundleHandler(INGEST, { sourcemap: "none" });
      const node = bundleHandler(INGEST, { sourcemap: "none", runtime: "node" });
      expect(Object.keys(lambda.packages).filter((p) => NODE_ONLY.includes(p))).to.deep.equal([]);
      expect(Object.keys(node.packages)).to.include.members(["@aws-sdk/credential-provider-node", "@aws-sdk/nested-clients", "@aws-sdk/credential-provider-sso"]);
      expect(node.sizeBytes - lambda.sizeBytes).to.be.greaterThan(60 * 1024);
    });

    it("a bundled SDK client resolves the function's credentials through it", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-credentials-"));
      fs.writeFileSync(path.join(dir, "index.js"), bundleHandler(WHOAMI, { sourcemap: "none" }).code);
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: "ASIABUNDLED", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "bundled-token" };
      const r = spawnSync(process.execPath, ["-e", "require('./index.js').handler().then((x) => console.log(JSON.stringify(x)))"], { cwd: dir, env, encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.deep.equal({ accessKeyId: "ASIABUNDLED", sessionToken: "bundled-token" });
      const bare = spawnSync(process.execPath, ["-e", "require('./index.js').handler().catch((e) => { console.log(e.message); process.exit(3); })"], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, encoding: "utf8" });
      expect(bare.status).to.equal(3);
      expect(bare.stdout).to.include("No Lambda credentials");
    });

    it("refuses an unknown runtime", () => {
      expect(() => bundleHandler(WHOAMI, { runtime: "browser" as never })).to.throw(/runtime = "browser": must be one of lambda, node/);
    });
  });
});
