/**
 * The AWS resource types that take a `tags` input, read from the installed `@pulumi/aws`: a
 * generated resource class declares `static __pulumiType = '<token>'` and sets
 * `resourceInputs["tags"] = args?.tags` when it accepts tags.
 *
 *   node --require esbuild-register tools/taggable-types.ts            write policy-packs/aws-compliance/taggable-types.json
 *   node --require esbuild-register tools/taggable-types.ts --check    exit 1 if the committed file is stale
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const outputFile = path.resolve(__dirname, "..", "policy-packs", "aws-compliance", "taggable-types.json");

export function scanTaggableTypes(awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"))): { version: string; types: string[] } {
  const types = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "types" && entry.name !== "node_modules") walk(p);
      } else if (entry.name.endsWith(".js")) {
        const text = fs.readFileSync(p, "utf8");
        if (!text.includes('resourceInputs["tags"] = args?.tags')) continue;
        // A tag map ({ [key: string]: string }) or a list of key/value tags (Auto Scaling groups);
        // a `tags` that is something else (a DevOps Guru collection's tag filter) is not tagging.
        const dts = p.replace(/\.js$/, ".d.ts");
        const declared = fs.existsSync(dts) ? /\n\s*tags\?: pulumi\.Input<([^\n]*)/.exec(fs.readFileSync(dts, "utf8").split(/export interface \w+Args \{/)[1] ?? "")?.[1] : undefined;
        if (declared !== undefined && !/^\{$|^\{\s*\[key: string\]|Tag>\[\]/.test(declared.trim())) continue;
        const m = /static __pulumiType = '([^']+)'/.exec(text);
        if (m) types.add(m[1]!);
      }
    }
  };
  walk(awsDir);
  const version = JSON.parse(fs.readFileSync(path.join(awsDir, "package.json"), "utf8")).version as string;
  return { version, types: [...types].sort() };
}

if (require.main === module) {
  const scanned = `${JSON.stringify(scanTaggableTypes(), null, 1)}\n`;
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(outputFile) ? fs.readFileSync(outputFile, "utf8") : "";
    if (current !== scanned) {
      console.error(`${path.relative(process.cwd(), outputFile)} is stale: run node --require esbuild-register tools/taggable-types.ts`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(outputFile, scanned);
    console.log(`wrote ${outputFile}`);
  }
}
