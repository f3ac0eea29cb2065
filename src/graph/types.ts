// The dependency graph: one node per project node, edges from refs, input, mask and keyframes.
import type { NodeKind, ProjectNode } from '../project/types.js';
import type { ProviderId } from '../providers/types.js';

export type InputRole = 'input' | 'ref' | 'mask' | 'keyframe';

/** One image handed to a node: the picked output of `node`, or one file of a dir reference. */
export interface InputEdge {
  role: InputRole;
  node: string;
  /** The name this input is known by in records and messages: `node`, or `dir/<stem>`. */
  label: string;
  /** For source references: the one source file (relative to root). Absent: the node's picked output. */
  file?: string;
}

export interface GraphNode {
  name: string;
  kind: NodeKind;
  spec: ProjectNode;
  /** A source image (file or dir reference without a prompt, or `file:` that exists): hashed, never generated. */
  source: boolean;
  /** Source files relative to root (sources only), in order. */
  sourceFiles: string[];
  provider: ProviderId;
  /** Effective model id after `--draft` substitution. */
  model: string;
  inputs: InputEdge[];
  /** Names of the nodes this one depends on, without duplicates. */
  deps: string[];
  /** Segments: keyframes written in the file that the model does not take (single-keyframe models). */
  unsent: string[];
  /**
   * Output paths relative to root, one per image, without extension unless the user fixed one
   * (`file:` or `output:` with an extension): the extension otherwise follows the bytes received.
   */
  outputs: string[];
}

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Topological order; ties keep file order. */
  order: string[];
  /** Reverse edges: who depends on each node. */
  dependents: Map<string, string[]>;
}
