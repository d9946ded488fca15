/**
 * The offline plan on programs written the way people write them, not with our components
 * (tests/fixtures/programs/): it never hangs, fails like the CLI would, and runs ES-module
 * TypeScript the way the CLI does.
 */
import { expect } from "chai";
import { ofType, runPlan } from "../helpers/plan";

const fixture = (name: string) => `tests/fixtures/programs/${name}`;

describe("the offline plan on programs we did not write", function () {
  // Generous: a hang would otherwise block the suite. The plan's own limit is what is tested.
  this.timeout(90_000);

  it("an input promise that rejects ends the stack with exit 2 and the program's error (it used to hang)", () => {
    const r = runPlan(fixture("rejected-input"), "dev", ["--timeout", "60"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(2);
    expect(r.json!.status).to.equal("error");
    expect(r.json!.error).to.include("parameter /site/bucket-name must start with 'site-'");
    expect(r.json!.error, "ended by the error, not by the time limit").to.not.include("did not finish");
  });

  it("a program that never finishes ends at the per-stack time limit with a clear message", () => {
    const r = runPlan(fixture("never-finishes"), "dev", ["--timeout", "3"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(2);
    expect(r.json!.error).to.match(/^the program did not finish within 3 s \(--timeout 3\): \d+ resources registered \(last: aws:s3\/bucket:Bucket 'logs'\)/);
  });

  it("--timeout takes a positive number of seconds", () => {
    const r = runPlan(fixture("never-finishes"), "dev", ["--timeout", "soon"]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.include("--timeout takes a number of seconds greater than 0, got 'soon'");
  });

  it('an ES-module TypeScript program ("type": "module", nodenext, ./x.js imports of ./x.ts, top-level await) plans', () => {
    const r = runPlan(fixture("esm-site"), "dev", ["--no-policy"]);
    expect(r.exitCode, r.stdout + r.stderr).to.equal(0);
    expect(r.json!.status).to.equal("ok");
    expect(ofType(r.json!, "aws:s3/bucket:Bucket").map((b) => b.name)).to.deep.equal(["site"]);
    expect(ofType(r.json!, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")).to.have.length(1);
    expect(r.json!.outputs.note).to.equal("top-level await works in an ES module");
    expect(r.json!.outputs.bucketArn).to.match(/^arn:aws:s3:::site-/);
  });
});
