/**
 * Just enough of GitHub Actions to simulate our workflows offline: the `${{ }}` expression language
 * (contexts, string/number/boolean literals, `== != ! && ||`, parentheses, property and index access,
 * `fromJSON`, `toJSON`, `format`, `startsWith`, `contains`) with GitHub's semantics (`&&`/`||`
 * return an operand; missing properties are null; comparisons of strings ignore case).
 * Anything else throws, so a workflow that outgrows this fails the test instead of passing blindly.
 */
export type Context = Record<string, unknown>;

type Token = { kind: "str" | "num" | "id" | "op"; value: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in: ${src}`);
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          break;
        } else s += src[i++];
      }
      out.push({ kind: "str", value: s });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9.]+/.exec(src.slice(i))![0];
      out.push({ kind: "num", value: m });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))![0];
      out.push({ kind: "id", value: m });
      i += m.length;
    } else {
      const two = src.slice(i, i + 2);
      if (["==", "!=", "&&", "||", "<=", ">="].includes(two)) {
        out.push({ kind: "op", value: two });
        i += 2;
      } else if ("!()[].,<>".includes(c)) {
        out.push({ kind: "op", value: c });
        i++;
      } else throw new Error(`unexpected '${c}' in expression: ${src}`);
    }
  }
  return out;
}

const truthy = (v: unknown) => !(v === null || v === undefined || v === false || v === 0 || v === "" || Number.isNaN(v));
const loose = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);

const functions: Record<string, (...a: unknown[]) => unknown> = {
  fromJSON: (s) => JSON.parse(String(s)),
  toJSON: (v) => JSON.stringify(v),
  format: (f, ...a) => String(f).replace(/\{(\d+)\}/g, (_, n) => String(a[Number(n)] ?? "")),
  startsWith: (a, b) => String(a).toLowerCase().startsWith(String(b).toLowerCase()),
  contains: (a, b) => (Array.isArray(a) ? a.map(loose).includes(loose(b)) : String(a).toLowerCase().includes(String(b).toLowerCase())),
};

/** Evaluates one expression (the text between `${{` and `}}`). */
export function evaluate(expr: string, ctx: Context): unknown {
  const t = tokenize(expr);
  let p = 0;
  const peek = (v?: string) => (p < t.length && (v === undefined || t[p]!.value === v) ? t[p] : undefined);
  const take = (v: string) => {
    if (!peek(v)) throw new Error(`expected '${v}' in: ${expr}`);
    p++;
  };
  const or = (): unknown => {
    let l = and();
    while (peek("||")) {
      p++;
      const r = and();
      l = truthy(l) ? l : r;
    }
    return l;
  };
  const and = (): unknown => {
    let l = eq();
    while (peek("&&")) {
      p++;
      const r = eq();
      l = truthy(l) ? r : l;
    }
    return l;
  };
  const eq = (): unknown => {
    let l = unary();
    while (peek("==") || peek("!=")) {
      const op = t[p++]!.value;
      const r = unary();
      const same = loose(l ?? null) === loose(r ?? null);
      l = op === "==" ? same : !same;
    }
    return l;
  };
  const unary = (): unknown => {
    if (peek("!")) {
      p++;
      return !truthy(unary());
    }
    return postfix();
  };
  const postfix = (): unknown => {
    let v = primary();
    for (;;) {
      if (peek(".")) {
        p++;
        const name = t[p++]!.value;
        v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[name] ?? null : null;
      } else if (peek("[")) {
        p++;
        const key = or();
        take("]");
        v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[String(key)] ?? null : null;
      } else return v;
    }
  };
  const primary = (): unknown => {
    const tok = t[p++];
    if (!tok) throw new Error(`unexpected end of: ${expr}`);
    if (tok.kind === "str") return tok.value;
    if (tok.kind === "num") return Number(tok.value);
    if (tok.value === "(") {
      const v = or();
      take(")");
      return v;
    }
    if (tok.kind === "id") {
      if (tok.value === "true") return true;
      if (tok.value === "false") return false;
      if (tok.value === "null") return null;
      if (peek("(")) {
        p++;
        const fn = functions[tok.value];
        if (!fn) throw new Error(`function ${tok.value} is not simulated (in: ${expr})`);
        const args: unknown[] = [];
        while (!peek(")")) {
          args.push(or());
          if (peek(",")) p++;
        }
        take(")");
        return fn(...args);
      }
      if (!(tok.value in ctx)) throw new Error(`context '${tok.value}' is not simulated (in: ${expr})`);
      return ctx[tok.value] ?? null;
    }
    throw new Error(`unexpected '${tok.value}' in: ${expr}`);
  };
  const v = or();
  if (p !== t.length) throw new Error(`trailing tokens in: ${expr}`);
  return v;
}

/** Interpolates a workflow value: a lone `${{ x }}` keeps x's type, anything else becomes a string. */
export function interpolate(value: unknown, ctx: Context): unknown {
  if (typeof value !== "string") return value;
  const lone = /^\$\{\{(.*?)\}\}$/s.exec(value.trim());
  if (lone && !lone[1]!.includes("}}")) return evaluate(lone[1]!, ctx);
  return value.replace(/\$\{\{(.*?)\}\}/gs, (_, e: string) => {
    const v = evaluate(e, ctx);
    return v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

/** Interpolates every value of a map (a step's `with` or `env`). */
export function interpolateAll(map: Record<string, unknown> | undefined, ctx: Context): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
}

/** A job `if:` (which may omit `${{ }}`), with GitHub's implicit `success()`. */
export function condition(expr: unknown, ctx: Context): boolean {
  if (expr === undefined) return true;
  const text = String(expr).trim().replace(/^\$\{\{(.*)\}\}$/s, "$1");
  const withStatus = text.replace(/\balways\(\)/g, "true").replace(/\bsuccess\(\)/g, "true");
  return truthy(evaluate(withStatus, ctx));
}
