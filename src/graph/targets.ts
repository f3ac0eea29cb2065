// `aivp build scene_0*`: names or globs, each bringing its dependencies.
import picomatch from 'picomatch';
import { UsageError } from '../base/errors.js';
import { didYouMean } from '../project/suggest.js';
import type { Graph } from './types.js';

/** The selected nodes and (unless told otherwise) everything they depend on; every node when no target is given. */
export function selectTargets(graph: Graph, targets: string[], opts: { withDeps?: boolean } = {}): Set<string> {
  if (targets.length === 0) return new Set(graph.order);
  const picked = new Set<string>();
  for (const t of targets) {
    const match = picomatch(t);
    const hits = graph.order.filter((name) => match(name));
    if (hits.length === 0) {
      const hint = picomatch.scan(t).isGlob ? undefined : didYouMean(t, graph.order);
      const names = graph.order.join(', ');
      throw new UsageError(`no node matches target \`${t}\`${hint ? `: ${hint}` : ` (nodes: ${names || 'none'})`}`);
    }
    for (const h of hits) {
      if (opts.withDeps === false) picked.add(h);
      else addWithDeps(graph, h, picked);
    }
  }
  return picked;
}

function addWithDeps(graph: Graph, name: string, into: Set<string>): void {
  if (into.has(name)) return;
  into.add(name);
  for (const d of graph.nodes.get(name)?.deps ?? []) addWithDeps(graph, d, into);
}
