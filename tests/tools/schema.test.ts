import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readResource, serialize, type AwsProperties } from "../../tools/schema/generate";

const data: AwsProperties = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../tools/schema/aws-properties.json"), "utf8"));

describe("tools/schema: generated AWS property data", () => {
  it("is generated from the installed @pulumi/aws", () => {
    const installed = JSON.parse(fs.readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")).version;
    expect(data.version).to.equal(installed);
    expect(Object.keys(data.types).length).to.be.greaterThan(1500);
  });

  it("reads inputs, required inputs, outputs and computed outputs of a resource class", () => {
    const bucket = data.types["aws:s3/bucket:Bucket"]!;
    expect(bucket.in).to.include.members(["bucket", "forceDestroy", "tags", "region"]);
    expect(bucket.in).to.not.include("arn");
    expect(bucket.out).to.include.members(["arn", "bucketRegionalDomainName", "tagsAll"]);
    // outputs that are not inputs, and optional inputs the provider fills (a generated bucket name)
    expect(bucket.computed).to.include.members(["arn", "tagsAll", "bucket"]);
    // an input the provider leaves empty when the program does not set it
    expect(bucket.computed).to.not.include("forceDestroy");
    expect(bucket.computed).to.not.include("tags");
    expect(bucket.deprecated?.acl).to.match(/aws\.s3\.BucketAcl/);

    const cluster = data.types["aws:redshift/cluster:Cluster"]!;
    expect(cluster.required).to.deep.equal(["clusterIdentifier", "nodeType"]);
    expect(cluster.computed).to.include("clusterParameterGroupName");
    expect(data.types["aws:ec2/instance:Instance"]!.computed).to.include.members(["subnetId", "metadataOptions", "publicIp"]);
  });

  it("maps alias tokens to the current type", () => {
    expect(data.aliases["aws:s3/bucketV2:BucketV2"]).to.equal("aws:s3/bucket:Bucket");
    expect(data.aliases["aws:applicationloadbalancing/loadBalancer:LoadBalancer"]).to.equal("aws:alb/loadBalancer:LoadBalancer");
    expect(data.aliases["aws:elasticloadbalancingv2/listener:Listener"]).to.equal("aws:lb/listener:Listener");
    for (const target of Object.values(data.aliases)) expect(data.types[target], target).to.not.equal(undefined);
  });

  it("derives the sets from the declaration shapes, not from names", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-"));
    fs.writeFileSync(path.join(dir, "widget.js"), [
      "class Widget extends pulumi.CustomResource {",
      "  static __pulumiType = 'aws:demo/widget:Widget';",
      "  constructor() { const aliasOpts = { aliases: [{ type: \"aws:demo/widgetV1:WidgetV1\" }] }; }",
      "}",
    ].join("\n"));
    fs.writeFileSync(path.join(dir, "widget.d.ts"), [
      "import * as pulumi from '@pulumi/pulumi';",
      "export declare class Widget extends pulumi.CustomResource {",
      "  static get(name: string, id: string): Widget;",
      "  readonly arn: pulumi.Output<string>;",
      "  readonly name: pulumi.Output<string>;",
      "  readonly size: pulumi.Output<number | undefined>;",
      "  readonly kind: pulumi.Output<string>;",
      "}",
      "export interface WidgetArgs {",
      "  /** @deprecated size is deprecated. Use kind instead. */",
      "  size?: pulumi.Input<number | undefined>;",
      "  name?: pulumi.Input<string | undefined>;",
      "  kind: pulumi.Input<string>;",
      "}",
    ].join("\n"));
    const r = readResource(path.join(dir, "widget.d.ts"))!;
    expect(r.token).to.equal("aws:demo/widget:Widget");
    expect(r.aliases).to.deep.equal(["aws:demo/widgetV1:WidgetV1"]);
    expect(r.props).to.deep.equal({
      in: ["kind", "name", "size"],
      required: ["kind"],
      out: ["arn", "kind", "name", "size"],
      computed: ["arn", "name"],
      deprecated: { size: "size is deprecated. Use kind instead." },
    });
    fs.rmSync(dir, { recursive: true });
  });

  it("serializes deterministically, one line per type", () => {
    const text = serialize({ package: "p", version: "1", aliases: { b: "a" }, types: { a: { in: [], required: [], out: ["x"], computed: ["x"] } } });
    expect(JSON.parse(text).types.a.computed).to.deep.equal(["x"]);
    expect(text.split("\n")).to.include('"a": {"in":[],"required":[],"out":["x"],"computed":["x"]}');
  });
});
