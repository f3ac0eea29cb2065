// The planner's disk seam, in memory (as Ninja tests its planner on a VirtualFileSystem): files
// are path -> content, the content cache is key -> record, and a "build" writes both as the
// executor would. Planning decisions are then tables of cases, with no folder and no clock.
import { createHash } from 'node:crypto';
import { keyParams, seedOf } from '../../src/graph/keys.js';
import type { Graph, GraphNode } from '../../src/graph/types.js';
import { planBuild, type BuildPlan } from '../../src/engine/plan.js';
import type { NodeRecord } from '../../src/engine/record-types.js';
import { MEDIA_EXTENSIONS, type Workspace } from '../../src/engine/workspace.js';
import type { ResolvedProject } from '../../src/project/types.js';

export const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export class MemoryWorkspace implements Workspace {
  readonly root: string;
  readonly records = new Map<string, NodeRecord>();
  readonly problems: string[] = [];
  /** Path relative to the root -> content. */
  readonly files = new Map<string, string>();
  /** The local content cache: key -> record, and its blobs by sha256. */
  readonly cache = new Map<string, NodeRecord>();
  private readonly blobs = new Map<string, string>();
  /** Generations so far, per node: each "paid" one makes new bytes. */
  private readonly generated = new Map<string, number>();

  constructor(readonly project: ResolvedProject) {
    this.root = project.root;
  }

  async hash(rel: string): Promise<string | undefined> {
    const text = this.files.get(rel);
    return text === undefined ? undefined : sha(text);
  }

  currentHashes(record: NodeRecord): Promise<(string | undefined)[]> {
    return Promise.all(record.outputs.map((o) => this.hash(o.path)));
  }

  async cachedRecord(key: string): Promise<NodeRecord | undefined> {
    return this.cache.get(key);
  }

  async untrackedOutputs(node: GraphNode): Promise<{ path: string; sha256: string }[]> {
    const found: { path: string; sha256: string }[] = [];
    for (const planned of node.outputs) {
      const path = [planned, ...MEDIA_EXTENSIONS.map((e) => `${planned}.${e}`)].find((p) => this.files.has(p));
      if (!path) return [];
      found.push({ path, sha256: (await this.hash(path))! });
    }
    return found;
  }

  hashedBytes(): number {
    return 0;
  }

  async save(): Promise<void> {}

  /**
   * Carries out a plan as the executor would, one wave at a time: a node whose key is known is
   * generated (new bytes), restored from the cache, or has its record follow the pick; a node
   * whose inputs were not known yet waits for the next wave. Returns the nodes generated.
   */
  async build(graph: Graph, force: Set<string> = new Set()): Promise<string[]> {
    const paid: string[] = [];
    const selected = new Set(graph.order);
    for (let wave = 0; wave <= graph.order.length; wave++) {
      const plan = await planBuild(this, graph, { selected, force: wave === 0 ? force : new Set() });
      const todo = plan.entries.filter((e) => ['new', 'stale', 'cached'].includes(e.status) && plan.assessments.has(e.node));
      if (todo.length === 0) {
        for (const e of plan.entries.filter((x) => x.status === 'uptodate')) this.followPick(graph.nodes.get(e.node)!);
        return paid;
      }
      for (const e of todo) {
        const node = graph.nodes.get(e.node)!;
        const a = plan.assessments.get(e.node)!;
        if (a.status === 'cached') this.restore(node, a.cached!);
        else paid.push(this.generate(node, a.key, a.inputs));
      }
    }
    throw new Error('test bug: the build did not settle');
  }

  private generate(node: GraphNode, key: string, inputs: NodeRecord['inputs']): string {
    const n = (this.generated.get(node.name) ?? 0) + 1;
    this.generated.set(node.name, n);
    const outputs = node.outputs.map((planned, i) => {
      const path = `${planned}.png`;
      const text = `${node.name} take ${i + 1}, generation ${n}`;
      this.files.set(path, text);
      this.blobs.set(sha(text), text);
      return { path, sha256: sha(text), bytes: text.length, mediaType: 'image/png' };
    });
    const rec: NodeRecord = {
      aivp: 1, node: node.name, kind: node.kind, key, provider: node.provider, model: node.model, prompt: node.spec.prompt,
      params: JSON.parse(JSON.stringify(keyParams(node))), seedRequested: seedOf(node.spec), inputs, outputs,
      pick: node.pick, costUsd: 0.01, durationMs: 1, createdAt: '2026-01-01T00:00:00.000Z',
    };
    this.cache.set(key, rec);
    this.records.set(node.name, rec);
    return node.name;
  }

  /** As the executor restores: the cached bytes at this node's paths, the record under its name. */
  private restore(node: GraphNode, cached: NodeRecord): void {
    const outputs = cached.outputs.map((o, i) => ({ ...o, path: `${node.outputs[i]}.png` }));
    for (const o of outputs) this.files.set(o.path, this.blobs.get(o.sha256)!);
    this.records.set(node.name, { ...cached, node: node.name, outputs, pick: node.pick });
  }

  private followPick(node: GraphNode): void {
    const rec = this.records.get(node.name);
    if (rec && rec.pick !== node.pick) this.records.set(node.name, { ...rec, pick: node.pick });
  }
}

/** What the plan says of each node: `status: reason; reason`. */
export function summary(plan: BuildPlan): Record<string, string> {
  return Object.fromEntries(plan.entries.map((e) => [e.node, `${e.status}${e.reasons.length ? ` — ${e.reasons.join('; ')}` : ''}`]));
}
