// Which of a node's outputs feeds downstream: always the node's current `pick`, so a changed pick
// moves the downstream keys, the records and the files sent to the provider together.
import type { GraphNode } from '../graph/types.js';
import type { NodeRecord } from './record-types.js';

export function pickIndex(node: GraphNode): number {
  return node.pick - 1;
}

/** The picked output of a record, by the node's current `pick` (not the one it was written with). */
export function pickedOf(rec: NodeRecord, node: GraphNode): { sha256: string; path: string } {
  const o = rec.outputs[pickIndex(node)] ?? rec.outputs[0];
  return { sha256: o.sha256, path: o.path };
}
