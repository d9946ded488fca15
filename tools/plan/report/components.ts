/** How the resources of a plan group into components: shared by the cost estimate and the diagram. */

/** The fields of a planned resource the reports read (the plan's JSON shape and `PlannedResource` both fit). */
export interface ResourceLike {
  urn: string;
  type: string;
  name: string;
  parent?: string | null;
  custom: boolean;
  inputs: Record<string, unknown>;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
  retainOnDelete?: boolean;
}

/** A component resource users think in: anything not custom, except the stack itself and providers. */
export function isComponent(r: ResourceLike): boolean {
  return !r.custom && r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:");
}

/** Index of a plan's resources by URN. */
export function byUrn<R extends ResourceLike>(resources: readonly R[]): Map<string, R> {
  return new Map(resources.map((r) => [r.urn, r]));
}

/**
 * The outermost component a resource belongs to (its own URN when it is one), or undefined for a
 * resource directly under the stack. Outermost, because a component's children (a Function's log
 * group, a bucket's key) are part of what the user asked for when they wrote the outer component.
 */
export function topComponentOf<R extends ResourceLike>(r: R, index: Map<string, R>): R | undefined {
  let top: R | undefined = isComponent(r) ? r : undefined;
  let cur = r.parent ? index.get(r.parent) : undefined;
  const seen = new Set<string>();
  while (cur && !seen.has(cur.urn)) {
    seen.add(cur.urn);
    if (isComponent(cur)) top = cur;
    cur = cur.parent ? index.get(cur.parent) : undefined;
  }
  return top;
}

/** The AWS service of a type token: `aws:s3/bucket:Bucket` -> `s3`; other providers' package name. */
export function serviceOf(type: string): string {
  const m = /^([^:]+):([^/:]+)/.exec(type);
  if (!m) return type;
  return m[1] === "aws" ? m[2]! : m[1]!;
}
