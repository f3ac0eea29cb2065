// `aivp graph`: the dependency graph as Mermaid, Graphviz dot or JSON.
import type { Graph } from './types.js';

export type GraphFormat = 'mermaid' | 'dot' | 'json';

export function formatGraph(graph: Graph, format: GraphFormat): string {
  const nodes = graph.order.map((n) => graph.nodes.get(n)!);
  const edges: { from: string; to: string; role: string; sent?: false }[] = nodes.flatMap((n) => [
    // The film's sound track is a file of the film itself, not an edge.
    ...[...new Set(n.inputs.filter((e) => e.node !== n.name).map((e) => `${e.node}\u0000${e.role}`))].map((k) => {
      const [from, role] = k.split('\u0000');
      return { from, to: n.name, role };
    }),
    // Keyframes the segment's model does not take: shown, marked as not sent.
    ...n.unsent.map((from) => ({ from, to: n.name, role: 'keyframe', sent: false as const })),
  ]);
  if (format === 'json') {
    return JSON.stringify(
      {
        nodes: nodes.map((n) => ({
          name: n.name, kind: n.kind, model: n.model, provider: n.source ? 'source' : n.provider, deps: n.deps,
          ...(n.unsent.length ? { unsent: n.unsent } : {}),
        })),
        edges,
      },
      null,
      2,
    );
  }
  // A node named for its kind (the `style` reference) shows its name once.
  const label = (n: (typeof nodes)[number], br: string) => (n.name === n.kind ? n.name : `${n.name}${br}${n.kind}`);
  if (format === 'dot') {
    const lines = ['digraph aivp {', '  rankdir=LR;'];
    for (const n of nodes) lines.push(`  "${n.name}" [label="${label(n, '\\n')}", shape=${n.kind === 'film' ? 'doubleoctagon' : n.kind === 'segment' ? 'box' : 'ellipse'}];`);
    for (const e of edges) {
      lines.push(`  "${e.from}" -> "${e.to}" [label="${e.role}${e.sent === false ? ' (not sent)' : ''}"${e.sent === false ? ', style=dashed' : ''}];`);
    }
    lines.push('}');
    return lines.join('\n');
  }
  const id = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');
  const lines = ['flowchart LR'];
  for (const n of nodes) {
    const text = label(n, '<br/>');
    lines.push(
      n.kind === 'film' ? `  ${id(n.name)}{{"${text}"}}` : n.kind === 'segment' ? `  ${id(n.name)}[["${text}"]]` : `  ${id(n.name)}("${text}")`,
    );
  }
  for (const e of edges) lines.push(`  ${id(e.from)} ${e.sent === false ? '-.->|keyframe not sent|' : `-->|${e.role}|`} ${id(e.to)}`);
  return lines.join('\n');
}
