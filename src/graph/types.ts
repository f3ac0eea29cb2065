// The dependency graph: one node per project node, edges from refs, input, mask and keyframes.
import type { FilmNode, NodeKind, ProjectNode } from '../project/types.js';
import type { ProviderId } from '../providers/types.js';

export type InputRole = 'input' | 'ref' | 'mask' | 'keyframe' | 'clip' | 'audio';

/** One image or clip handed to a node: the picked output of `node`, or a file (of a source reference, or the film's sound track). */
export interface InputEdge {
  role: InputRole;
  node: string;
  /** The name this input is known by in records and messages: `node`, or `dir/<stem>`. */
  label: string;
  /** A source file (relative to root) of node `node` (a source reference, or the film itself for its audio). Absent: the node's picked output. */
  file?: string;
}

export interface GraphNode {
  name: string;
  kind: NodeKind;
  spec: ProjectNode | FilmNode;
  /** A source image (file or dir reference without a prompt, or `file:` that exists): hashed, never generated. */
  source: boolean;
  /** Source files relative to root (sources only), in order. */
  sourceFiles: string[];
  provider: ProviderId;
  /** Effective model id after `--draft` substitution. */
  model: string;
  /** What it makes: segments and the film video, the rest images. */
  media: 'image' | 'video';
  /** The models a generation may call, in order: its own, then its fallbacks (none in a draft or for a source). */
  models: string[];
  /** The providers those models route to, each once: their keys are what a build needs. */
  providers: ProviderId[];
  inputs: InputEdge[];
  /** Names of the nodes this one depends on, without duplicates. */
  deps: string[];
  /** The take (from 1) that feeds downstream: the node's `pick`, 1 for segments and the film; the loader checks the model returns it. */
  pick: number;
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
