/**
 * The architecture diagram of a planned stack, as Mermaid (`flowchart LR`).
 *
 * One node per top-level component (a `blueprints:` component, an `awsx` component...), labelled
 * with its name, its type and the AWS services of the resources under it; resources created
 * directly in the stack are gathered per AWS service. Nodes sit in one box per component area
 * (`blueprints:<area>:...`). An edge A --> B means a resource under B took an input from a
 * resource under A (a property dependency): the data (names, ARNs, endpoints) flows from A to B.
 * The edge is labelled with the input properties that carry it (at most three).
 *
 * Readability on big stacks: a node that feeds more than `hubFanOut` others (a shared KMS key, the
 * platform's StackReference, the VPC) is a hub; its edges are left out and its label says how many
 * components use it, instead of a fan of arrows across the whole drawing.
 */
import { byUrn, isComponent, ResourceLike, serviceOf, topComponentOf } from "./components";

export interface DiagramNode {
  id: string;
  label: string;
  area: string;
  /** Resource count under the node. */
  resources: number;
  services: string[];
}

export interface DiagramEdge {
  from: string;
  to: string;
  properties: string[];
}

export interface Diagram {
  nodes: DiagramNode[];
  /** Edges drawn (hubs' edges left out, see above). */
  edges: DiagramEdge[];
  mermaid: string;
}

function areaOf(type: string): string {
  const m = /^blueprints:([^:]+):/.exec(type);
  if (m) return m[1]!;
  return type.split(":")[0] ?? "other";
}

function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

/** Mermaid label text: quotes and markup-significant characters as entities. */
export function escapeLabel(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "#quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function buildDiagram(resources: readonly ResourceLike[], opts: { hubFanOut?: number } = {}): Diagram {
  const hubFanOut = opts.hubFanOut ?? 4;
  const index = byUrn(resources);
  const nodeOf = new Map<string, string>();
  const nodes = new Map<string, DiagramNode & { types: Map<string, number> }>();
  let counter = 0;
  const ensure = (key: string, make: () => { label: string; area: string }) => {
    let n = nodes.get(key);
    if (!n) {
      const m = make();
      n = { id: `n${++counter}`, label: m.label, area: m.area, resources: 0, services: [], types: new Map() };
      nodes.set(key, n);
    }
    return n;
  };
  for (const r of resources) {
    if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
    const top = topComponentOf(r, index);
    let n;
    if (top) n = ensure(top.urn, () => ({ label: `${top.name}`, area: areaOf(top.type) }));
    else if (r.type === "pulumi:pulumi:StackReference") n = ensure(`ref:${r.name}`, () => ({ label: `${r.name}`, area: "stack references" }));
    else n = ensure(`svc:${serviceOf(r.type)}`, () => ({ label: serviceOf(r.type), area: "stack" }));
    nodeOf.set(r.urn, n.id);
    if (top && r.urn === top.urn) n.types.set(`@${shortType(top.type)}`, 1);
    if (r.custom || (!isComponent(r) && r.type !== "pulumi:pulumi:StackReference")) {
      n.resources++;
      const svc = serviceOf(r.type);
      n.types.set(svc, (n.types.get(svc) ?? 0) + 1);
    } else if (r.type.startsWith("awsx:")) {
      n.resources++;
      n.types.set(shortType(r.type), (n.types.get(shortType(r.type)) ?? 0) + 1);
    } else if (r.type === "pulumi:pulumi:StackReference") {
      n.resources++;
    }
  }
  const edgeMap = new Map<string, DiagramEdge>();
  for (const r of resources) {
    const to = nodeOf.get(r.urn);
    if (!to) continue;
    for (const [prop, urns] of Object.entries(r.propertyDependencies ?? {})) {
      for (const u of urns) {
        const from = nodeOf.get(u);
        if (!from || from === to) continue;
        const key = `${from}->${to}`;
        const e = edgeMap.get(key) ?? { from, to, properties: [] };
        if (!e.properties.includes(prop)) e.properties.push(prop);
        edgeMap.set(key, e);
      }
    }
  }
  const list = [...nodes.values()].map(({ types, ...n }) => {
    const kind = [...types.keys()].find((t) => t.startsWith("@"))?.slice(1);
    const services = [...types.entries()].filter(([t]) => !t.startsWith("@")).sort((a, b) => b[1] - a[1]).map(([t, c]) => (c > 1 ? `${t} x${c}` : t));
    return { ...n, label: kind ? `${n.label} (${kind})` : n.label, services };
  });
  const fanOut = new Map<string, number>();
  for (const e of edgeMap.values()) fanOut.set(e.from, (fanOut.get(e.from) ?? 0) + 1);
  const hubs = new Set([...fanOut.entries()].filter(([, n]) => n > hubFanOut).map(([id]) => id));
  const edges = [...edgeMap.values()].filter((e) => !hubs.has(e.from));
  for (const n of list) if (hubs.has(n.id)) n.services.unshift(`used by ${fanOut.get(n.id)}`);

  const lines = ["flowchart LR"];
  const areas = [...new Set(list.map((n) => n.area))].sort();
  areas.forEach((area, i) => {
    lines.push(`  subgraph a${i}["${escapeLabel(area)}"]`);
    for (const n of list.filter((x) => x.area === area)) {
      const detail = n.services.length > 0 ? `<br/><small>${escapeLabel(n.services.slice(0, 6).join(", "))}${n.services.length > 6 ? ", ..." : ""}</small>` : "";
      lines.push(`    ${n.id}["${escapeLabel(n.label)}${detail}"]`);
    }
    lines.push("  end");
  });
  for (const e of edges) {
    const label = e.properties.slice(0, 3).join(", ") + (e.properties.length > 3 ? ", ..." : "");
    lines.push(`  ${e.from} -->|"${escapeLabel(label)}"| ${e.to}`);
  }
  return { nodes: list, edges, mermaid: lines.join("\n") };
}
