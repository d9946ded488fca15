/**
 * `npm run prices:refresh`: rewrite `prices.json` from the AWS Price List offer files.
 *
 *   npm run prices:refresh                              download https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.csv
 *   npm run prices:refresh -- --from <dir>              read <dir>/<offer>/<region>/index.csv instead (files downloaded elsewhere)
 *   npm run prices:refresh -- --offers AmazonEC2,AWSELB --regions us-east-1,eu-west-1 --out <file>
 *
 * Each rate in the table says how to find it (`match`: offer, usage type, product attributes).
 * The files are streamed line by line (the EC2 one is several hundred MB), and a rate is set from
 * the On-Demand price of the first tier of the one product that matches; a rate with no match or
 * with several different prices is left as it was and listed, so a human looks at it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { Readable } from "node:stream";
import { PriceTable, pricesFile } from "./estimate";

/** One CSV line into fields (RFC 4180 quoting, as the offer files use). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          v += line.slice(i);
          i = line.length;
          break;
        }
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      i++; // the comma
    } else {
      const c = line.indexOf(",", i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

export interface RefreshResult {
  updated: { key: string; region: string; from?: number; to: number }[];
  unmatched: { key: string; region: string }[];
  ambiguous: { key: string; region: string; prices: number[] }[];
  publicationDates: string[];
}

function usageMatches(actual: string, wanted: string): boolean {
  // Regions other than us-east-1 prefix usage types with a location code: USW2-BoxUsage:t3.micro.
  return actual === wanted || actual.endsWith(`-${wanted}`);
}

/** Refresh the rates of one offer and region from the lines of its CSV offer file. */
export async function refreshFromLines(table: PriceTable, offer: string, region: string, lines: AsyncIterable<string>, result: RefreshResult): Promise<void> {
  const wanted = Object.entries(table.rates).filter(([, r]) => r.match.offer === offer);
  if (wanted.length === 0) return;
  const found = new Map<string, Set<number>>();
  let header: string[] | undefined;
  let col: Record<string, number> = {};
  for await (const line of lines) {
    if (!header) {
      if (line.startsWith('"Publication Date"')) result.publicationDates.push(`${offer}/${region}: ${csvFields(line)[1]}`);
      if (line.startsWith('"SKU"')) {
        header = csvFields(line);
        col = Object.fromEntries(header.map((h, i) => [h, i]));
      }
      continue;
    }
    const f = csvFields(line);
    if (f[col.TermType!] !== "OnDemand") continue;
    const start = f[col.StartingRange!] ?? "";
    if (start !== "" && start !== "0") continue;
    const usage = f[col.usageType!] ?? "";
    for (const [key, rate] of wanted) {
      if (!usageMatches(usage, rate.match.usageType)) continue;
      if (Object.entries(rate.match.attributes ?? {}).some(([k, v]) => f[col[k] ?? -1] !== v)) continue;
      const per = Number(f[col.PricePerUnit!]);
      if (!Number.isFinite(per)) continue;
      const price = Number((per * (rate.scale ?? 1)).toPrecision(6));
      found.set(key, (found.get(key) ?? new Set()).add(price));
    }
  }
  if (!header) throw new Error(`${offer}/${region}: not an offer CSV (no "SKU" header line)`);
  for (const [key, rate] of wanted) {
    const prices = [...(found.get(key) ?? [])];
    if (prices.length === 0) result.unmatched.push({ key, region });
    else if (prices.length > 1) result.ambiguous.push({ key, region, prices: prices.sort((a, b) => a - b) });
    else {
      const from = rate.regions[region];
      if (from !== prices[0]) result.updated.push({ key, region, ...(from !== undefined ? { from } : {}), to: prices[0]! });
      rate.regions[region] = prices[0]!;
    }
  }
}

async function linesOf(offer: string, region: string, from?: string): Promise<AsyncIterable<string>> {
  if (from) {
    const file = path.join(from, offer, region, "index.csv");
    return readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  }
  const url = `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${offer}/current/${region}/index.csv`;
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  return readline.createInterface({ input: Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), crlfDelay: Infinity });
}

export async function refresh(opts: { file?: string; out?: string; from?: string; offers?: string[]; regions?: string[]; today?: string }): Promise<RefreshResult> {
  const file = opts.file ?? pricesFile;
  const table = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
  const offers = opts.offers ?? [...new Set(Object.values(table.rates).map((r) => r.match.offer))].sort();
  const regions = opts.regions ?? [...new Set(Object.values(table.rates).flatMap((r) => Object.keys(r.regions)))].sort();
  const result: RefreshResult = { updated: [], unmatched: [], ambiguous: [], publicationDates: [] };
  for (const offer of offers) for (const region of regions) await refreshFromLines(table, offer, region, await linesOf(offer, region, opts.from), result);
  table.priceDate = opts.today ?? new Date().toISOString().slice(0, 10);
  table.source = `AWS Price List offer files (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.csv), refreshed by npm run prices:refresh on ${table.priceDate}; publication dates: ${result.publicationDates.join("; ")}.`;
  fs.writeFileSync(opts.out ?? file, `${JSON.stringify(table, null, 2)}\n`);
  return result;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (v: string | undefined) => (v ? v.split(",").map((x) => x.trim()).filter(Boolean) : undefined);
  const offers = list(opt("--offers"));
  const regions = list(opt("--regions"));
  const from = opt("--from");
  const out = opt("--out");
  refresh({ ...(from ? { from } : {}), ...(out ? { out } : {}), ...(offers ? { offers } : {}), ...(regions ? { regions } : {}) }).then(
    (r) => {
      for (const u of r.updated) console.log(`updated   ${u.key} ${u.region}: ${u.from ?? "-"} -> ${u.to}`);
      for (const u of r.unmatched) console.log(`no match  ${u.key} ${u.region} (left as it was)`);
      for (const a of r.ambiguous) console.log(`ambiguous ${a.key} ${a.region}: ${a.prices.join(", ")} (left as it was; narrow its match attributes)`);
      process.exit(r.unmatched.length + r.ambiguous.length > 0 ? 1 : 0);
    },
    (e: Error) => {
      console.error(`error: ${e.message}`);
      process.exit(2);
    },
  );
}
