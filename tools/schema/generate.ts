/**
 * Generates `tools/schema/aws-properties.json` from the installed `@pulumi/aws`'s own generated
 * sources (the package ships no provider schema): every resource class `<service>/<name>.d.ts` +
 * `.js` gives
 *   - its type token (`static __pulumiType = '<token>'` in the `.js`) and alias tokens (the
 *     `aliasOpts = { aliases: [{ type: "<token>" }] }` the class adds, e.g. v6 `aws:s3/bucketV2:BucketV2`),
 *   - `in`: the properties of `<Class>Args`; `required`: those not marked optional,
 *   - `out`: the class's `readonly` output properties (`id` and `urn` are implicit, left out),
 *   - `computed`: outputs the provider fills when the program did not set them: outputs that are
 *     not inputs, plus optional inputs whose output type is not `T | undefined` (Pulumi's codegen
 *     types an output `Output<T>` only when the provider schema marks it always present, i.e.
 *     Terraform's Optional+Computed; e.g. `Bucket.bucket`, `Instance.subnetId`),
 *   - `deprecated`: input name -> the deprecation message (it names the replacement, if any).
 *
 *   node --require esbuild-register tools/schema/generate.ts           write the file
 *   node --require esbuild-register tools/schema/generate.ts --check   exit 1 if the committed file is stale
 *
 * Output is deterministic: sorted tokens and names, one line per type.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export const outputFile = path.resolve(__dirname, "aws-properties.json");

export interface TypeProperties {
  /** Input property names (the `<Class>Args` interface). */
  in: string[];
  /** Inputs the resource cannot be created without. */
  required: string[];
  /** Output property names (the class's readonly fields, without `id`/`urn`). */
  out: string[];
  /** Outputs the provider may compute when the program did not set them. */
  computed: string[];
  /** Deprecated inputs and their deprecation messages. */
  deprecated?: Record<string, string>;
}

export interface AwsProperties {
  package: string;
  version: string;
  /** Alias token (older names the class still answers to) -> current token. */
  aliases: Record<string, string>;
  types: Record<string, TypeProperties>;
}

function propName(name: ts.PropertyName, sf: ts.SourceFile): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return name.getText(sf);
}

function deprecation(node: ts.Node): string | undefined {
  for (const tag of ts.getJSDocTags(node)) {
    if (tag.tagName.text === "deprecated") {
      const c = tag.comment;
      const text = typeof c === "string" ? c : (c ?? []).map((p) => p.text).join("");
      return text.replace(/\s+/g, " ").trim() || "deprecated";
    }
  }
  return undefined;
}

/** `pulumi.Output<X | undefined>` (or `| null`) is an optional output. */
function optionalOutput(type: ts.TypeNode | undefined): boolean {
  if (!type || !ts.isTypeReferenceNode(type) || !type.typeArguments?.length) return true;
  const arg = type.typeArguments[0]!;
  if (!ts.isUnionTypeNode(arg)) return arg.kind === ts.SyntaxKind.UndefinedKeyword;
  return arg.types.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword
    || (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
}

/** Reads one resource module; undefined when it is not a custom resource. */
export function readResource(dtsFile: string): { token: string; aliases: string[]; props: TypeProperties } | undefined {
  const jsFile = dtsFile.replace(/\.d\.ts$/, ".js");
  if (!fs.existsSync(jsFile)) return undefined;
  const js = fs.readFileSync(jsFile, "utf8");
  const tokenMatch = /static __pulumiType = '([^']+)'/.exec(js);
  if (!tokenMatch || !js.includes("extends pulumi.CustomResource")) return undefined;
  const token = tokenMatch[1]!;
  const aliases: string[] = [];
  const aliasBlock = /const aliasOpts = \{ aliases: \[([\s\S]*?)\] \};/.exec(js);
  if (aliasBlock) {
    for (const m of aliasBlock[1]!.matchAll(/type: "([^"]+)"/g)) if (m[1] !== token && !aliases.includes(m[1]!)) aliases.push(m[1]!);
  }

  const sf = ts.createSourceFile(dtsFile, fs.readFileSync(dtsFile, "utf8"), ts.ScriptTarget.Latest, true);
  let cls: ts.ClassDeclaration | undefined;
  const ifaces = new Map<string, ts.InterfaceDeclaration>();
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st) && st.heritageClauses?.some((h) => h.getText(sf).includes("pulumi.CustomResource"))) cls = st;
    if (ts.isInterfaceDeclaration(st)) ifaces.set(st.name.text, st);
  }
  if (!cls?.name) return undefined;
  const args = ifaces.get(`${cls.name.text}Args`);

  const inputs = new Map<string, { optional: boolean; deprecated?: string }>();
  for (const m of args?.members ?? []) {
    if (!ts.isPropertySignature(m)) continue;
    inputs.set(propName(m.name, sf), { optional: !!m.questionToken, deprecated: deprecation(m) });
  }
  const outputs = new Map<string, { optional: boolean }>();
  for (const m of cls.members) {
    if (!ts.isPropertyDeclaration(m)) continue;
    const mods = ts.getModifiers(m) ?? [];
    if (mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
    if (!mods.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword)) continue;
    const name = propName(m.name, sf);
    if (name === "id" || name === "urn" || name.startsWith("__")) continue;
    outputs.set(name, { optional: optionalOutput(m.type) });
  }

  const sorted = (xs: Iterable<string>) => [...xs].sort();
  const computed = [...outputs].filter(([name, o]) => {
    const input = inputs.get(name);
    return !input || (input.optional && !o.optional);
  }).map(([name]) => name);
  const deprecated: Record<string, string> = {};
  for (const name of sorted(inputs.keys())) {
    const d = inputs.get(name)!.deprecated;
    if (d) deprecated[name] = d;
  }
  const props: TypeProperties = {
    in: sorted(inputs.keys()),
    required: sorted([...inputs].filter(([, i]) => !i.optional).map(([n]) => n)),
    out: sorted(outputs.keys()),
    computed: sorted(computed),
  };
  if (Object.keys(deprecated).length) props.deprecated = deprecated;
  return { token, aliases, props };
}

export function generate(awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"))): AwsProperties {
  const types: Record<string, TypeProperties> = {};
  const aliases: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "types" && entry.name !== "node_modules" && entry.name !== "config") walk(p);
      } else if (entry.name.endsWith(".d.ts") && entry.name !== "index.d.ts") {
        const r = readResource(p);
        if (!r) continue;
        types[r.token] = r.props;
        for (const a of r.aliases) aliases[a] = r.token;
      }
    }
  };
  walk(awsDir);
  // A token may be both an alias and a (deprecated) class of its own, as v7's BucketV2 is: `types`
  // then describes that class, and `aliases` still says which current type it became.
  const pkg = JSON.parse(fs.readFileSync(path.join(awsDir, "package.json"), "utf8"));
  const sortObj = <T>(o: Record<string, T>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
  return { package: pkg.name, version: pkg.version, aliases: sortObj(aliases), types: sortObj(types) };
}

/** One line per alias and per type: small diffs when the provider moves. */
export function serialize(data: AwsProperties): string {
  const lines = [
    "{",
    `"package": ${JSON.stringify(data.package)},`,
    `"version": ${JSON.stringify(data.version)},`,
    `"aliases": {`,
    Object.entries(data.aliases).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n"),
    "},",
    `"types": {`,
    Object.entries(data.types).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n"),
    "}",
    "}",
  ];
  return `${lines.join("\n")}\n`;
}

if (require.main === module) {
  const text = serialize(generate());
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(outputFile) ? fs.readFileSync(outputFile, "utf8") : "";
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), outputFile)} is stale: run node --require esbuild-register tools/schema/generate.ts`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(outputFile, text);
    console.log(`wrote ${outputFile}`);
  }
}
