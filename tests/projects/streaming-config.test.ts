/** The streaming project's stack config: adopter keys, the ladder, and refused combinations (pure, no plan). */
import { expect } from "chai";
import { parseStackConfig } from "../../shared/config";
import { streamingDefinition } from "../../projects/streaming/config";

const PEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n";
const parse = (stack: "dev" | "prod", raw: Record<string, unknown>) =>
  parseStackConfig(streamingDefinition, { project: "streaming", stack, organization: "organization", raw: { "aws:region": "us-east-1", "streaming:owner": "team", ...raw } as never });
const problems = (stack: "dev" | "prod", raw: Record<string, unknown>) => parse(stack, raw).problems.map((p) => `${p.key}: ${p.allowed}`);
const adopter = { "streaming:signingPublicKeyPem": PEM, "streaming:playerOrigins": ["https://watch.example.com"] };

describe("streaming config", () => {
  it("dev with its adopter keys is valid; the ladder defaults to 2160p..360p, 6-s segments", () => {
    const r = parse("dev", adopter);
    expect(r.problems).to.deep.equal([]);
    expect(r.settings!.config.transcodeRenditions.map((x) => x.name)).to.deep.equal(["2160p", "1080p", "720p", "480p", "360p"]);
    expect(r.settings!.config.transcodeSegmentSeconds).to.equal(6);
  });

  it("without the signing key and player origins, names each key, what it is for and the pulumi config set command", () => {
    const got = problems("dev", {});
    expect(got).to.have.length(2);
    expect(got[0]).to.match(/^streaming:signingPublicKeyPem: required: this stack's own CloudFront signing public key[\s\S]*pulumi config set streaming:signingPublicKeyPem -- "\$\(cat public.pem\)"/);
    expect(got[1]).to.match(/^streaming:playerOrigins: required: the web origins of your players[\s\S]*pulumi config set --path "streaming:playerOrigins\[0\]" https:\/\/watch.example.com/);
  });

  it("prod also needs its certificate (with the command) and shards", () => {
    const got = problems("prod", adopter);
    expect(got.some((p) => /^streaming:viewEventShards: required in prod/.test(p))).to.equal(true);
    expect(got.some((p) => /^streaming:cdnCertificateArn: required in prod[\s\S]*pulumi config set streaming:cdnCertificateArn arn:aws:acm:us-east-1:/.test(p))).to.equal(true);
  });

  it("refuses GPU transcoding (the worker encodes on CPU), a bad ladder and a player origin with a path", () => {
    const got = problems("dev", {
      ...adopter,
      "streaming:transcoderGpu": true,
      "streaming:transcodeRenditions": [{ name: "huge", height: 4321, videoKbps: 9000, audioKbps: 128 }],
      "streaming:playerOrigins": ["https://watch.example.com/player"],
    });
    expect(got.some((p) => /^streaming:transcoderGpu: false: the transcoding worker encodes with libx264 on CPU/.test(p))).to.equal(true);
    expect(got.some((p) => /^streaming:transcodeRenditions: rendition "huge": height = 4321: an even number of pixels from 144 to 4320/.test(p))).to.equal(true);
    expect(got.some((p) => /^streaming:playerOrigins\[0\]: must be an origin such as https:\/\/watch.example.com/.test(p))).to.equal(true);
  });
});
