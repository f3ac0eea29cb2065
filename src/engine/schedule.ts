// The build's plan of work, in Ninja's sense: which selected nodes wait on which, which are ready,
// and in what order ready nodes start. No I/O, no providers, no events: the executor asks it what
// may start next and tells it what finished.
import TinyQueue from 'tinyqueue';
import type { Graph, GraphNode } from '../graph/types.js';
import type { ProviderId } from '../providers/types.js';

export type NodeState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

export class Schedule {
  /** Selected nodes in dependency order. */
  readonly order: string[];
  private readonly state = new Map<string, NodeState>();
  /** Unfinished dependencies of each waiting node. */
  private readonly waitingOn = new Map<string, number>();
  /** Nodes whose dependencies are all done, not yet queued or settled. */
  private readonly released: string[] = [];
  private readonly queues = new Map<ProviderId, TinyQueue<string>>();
  private readonly before: (a: string, b: string) => number;

  constructor(private readonly graph: Graph, selected: Set<string>) {
    this.order = graph.order.filter((n) => selected.has(n));
    // Dependency counting instead of rescanning: each finished node releases its dependents, so a
    // build of n nodes does O(n) scheduling work. Ready nodes wait per provider, longest remaining
    // chain first (ties in file order), which keeps the critical path busy.
    const position = new Map(this.order.map((n, i) => [n, i]));
    const height = chainHeights(graph, this.order, selected);
    this.before = (a, b) => height.get(b)! - height.get(a)! || position.get(a)! - position.get(b)!;
    for (const n of this.order) {
      const node = graph.nodes.get(n)!;
      if (node.source) {
        this.state.set(n, 'done');
        continue;
      }
      this.state.set(n, 'waiting');
      const open = node.deps.filter((d) => selected.has(d) && !graph.nodes.get(d)!.source).length;
      this.waitingOn.set(n, open);
      if (open === 0) this.released.push(n);
    }
  }

  /** The next node whose dependencies are done, or undefined. */
  nextReleased(): GraphNode | undefined {
    let name = this.released.pop();
    // A skipped node may have been released before it was skipped.
    while (name !== undefined && this.state.get(name) !== 'waiting') name = this.released.pop();
    return name === undefined ? undefined : this.graph.nodes.get(name)!;
  }

  /** A released node waits at its provider's queue. */
  enqueue(node: GraphNode): void {
    let q = this.queues.get(node.provider);
    if (!q) this.queues.set(node.provider, (q = new TinyQueue<string>([], this.before)));
    q.push(node.name);
  }

  /** The most urgent queued node among providers with a free slot, marked running. */
  start(hasSlot: (p: ProviderId) => boolean): GraphNode | undefined {
    let best: TinyQueue<string> | undefined;
    for (const [p, q] of this.queues) {
      if (q.length && hasSlot(p) && (!best || this.before(q.peek()!, best.peek()!) < 0)) best = q;
    }
    if (!best) return undefined;
    const node = this.graph.nodes.get(best.pop()!)!;
    this.state.set(node.name, 'running');
    return node;
  }

  hasQueued(): boolean {
    return [...this.queues.values()].some((q) => q.length > 0);
  }

  /**
   * Records how a node ended. `done` releases its dependents; `failed` skips every waiting node
   * downstream, which it returns.
   */
  finish(name: string, s: 'done' | 'failed' | 'skipped'): string[] {
    this.state.set(name, s);
    if (s === 'done') {
      for (const d of this.graph.dependents.get(name) ?? []) {
        if (this.state.get(d) !== 'waiting') continue;
        const left = this.waitingOn.get(d)! - 1;
        this.waitingOn.set(d, left);
        if (left === 0) this.released.push(d);
      }
      return [];
    }
    return s === 'failed' ? this.skipDownstream(name) : [];
  }

  /**
   * A waiting node that will not run, and every waiting node downstream of it (returned);
   * undefined when the node was not waiting (already skipped as someone's dependent).
   */
  skip(name: string): string[] | undefined {
    if (this.state.get(name) !== 'waiting') return undefined;
    this.state.set(name, 'skipped');
    return this.skipDownstream(name);
  }

  /** Nodes never started, in dependency order. */
  waiting(): string[] {
    return this.order.filter((n) => this.state.get(n) === 'waiting');
  }

  private skipDownstream(name: string): string[] {
    const skipped: string[] = [];
    const todo = [...(this.graph.dependents.get(name) ?? [])];
    while (todo.length) {
      const d = todo.pop()!;
      if (this.state.get(d) !== 'waiting') continue;
      this.state.set(d, 'skipped');
      skipped.push(d);
      todo.push(...(this.graph.dependents.get(d) ?? []));
    }
    return skipped;
  }
}

/** Longest chain of selected nodes from each node to the end of the graph (1 for a sink). */
function chainHeights(graph: Graph, order: string[], selected: Set<string>): Map<string, number> {
  const height = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const users = (graph.dependents.get(order[i]) ?? []).filter((d) => selected.has(d));
    height.set(order[i], 1 + users.reduce((m, d) => Math.max(m, height.get(d) ?? 0), 0));
  }
  return height;
}
