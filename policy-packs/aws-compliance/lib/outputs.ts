import type { PolicyResource } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { isUnknown, raw } from "./values";

/**
 * Stack policies get each resource's outputs (the engine's `AnalyzeStack`). In a preview of a
 * create, every property the provider computes and the program did not set is unknown: in
 * `@pulumi/aws` 7 that includes settings a rule looks for inline (a Bucket's `versioning`,
 * `serverSideEncryptionConfiguration`, `acl`, `policy`, `logging`...; an Instance's
 * `associatePublicIpAddress`; a group's `healthCheckType`). An unknown the program set carries a
 * property dependency on the resource it came from; an unknown without one is the provider's
 * to compute: the program did not declare it.
 *
 * `declaredView` gives rules the resources as the program declared them: a top-level property that
 * is unknown with no property dependency reads as absent (so rules take AWS's default or look at
 * the side resources, as they do for an unset input), every other value as the engine gave it.
 * After an update (no unknowns) it is the outputs as they are.
 */
export function declaredView(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.map(view);
}

/**
 * One view per resource object: a view depends only on its resource, and an evaluator that hands
 * every stack policy the same objects (the offline plan's harness) builds each view once.
 */
const views = new WeakMap<PolicyResource, PolicyResource>();

function view(r: PolicyResource): PolicyResource {
  const cached = views.get(r);
  if (cached) return cached;
  const props = declaredProps(r);
  const proxied = props === r.props ? r.props : unknownCheckingProxy(props);
  // Every resource gets a view, so that parents and dependencies reached from one are views too.
  const { parent: _p, dependencies: _d, propertyDependencies: _pd, ...rest } = r as PolicyResource & { parent?: PolicyResource };
  const made = { ...rest, props: proxied, asType: (cls: any) => (r.isType(cls) ? proxied : undefined) } as unknown as PolicyResource;
  views.set(r, made);
  let deps: PolicyResource[] | undefined;
  let propDeps: Record<string, PolicyResource[]> | undefined;
  Object.defineProperties(made, {
    parent: { get: () => (r.parent ? view(r.parent) : undefined), enumerable: true },
    dependencies: { get: () => (deps ??= r.dependencies.map(view)), enumerable: true },
    propertyDependencies: { get: () => (propDeps ??= Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, ds]) => [k, ds.map(view)]))), enumerable: true },
  });
  return made;
}

/** The props with undeclared unknowns removed, or the same object when there are none. */
function declaredProps(r: PolicyResource): any {
  const p = raw(r.props) as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object") return r.props;
  let out: Record<string, unknown> | undefined;
  for (const [k, value] of Object.entries(p)) {
    if (!isUnknown(value) || (r.propertyDependencies?.[k] ?? []).length > 0) continue;
    out ??= { ...p };
    delete out[k];
  }
  return out ?? r.props;
}
