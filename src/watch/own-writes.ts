// The outputs a build writes come back as change events: they are not edits, and must not start
// another rebuild. A path counts as our own write while its bytes are those the build recorded.
import { join, relative } from 'node:path';
import type { Graph } from '../graph/types.js';
import { sha256File } from '../media/hash.js';
import type { NodeRecord } from '../engine/record-types.js';

export class OwnWrites {
  /** Outputs the builds wrote: absolute path -> sha256. */
  private readonly written = new Map<string, string>();
  /** Planned output paths of the current graph, without extension. */
  private stems = new Set<string>();

  /** `edits`: files that are always edits (the project file, `.env`). */
  constructor(private readonly dir: string, private readonly edits: Set<string>) {}

  /** The outputs the next build may write. */
  expect(graph: Graph): void {
    this.stems = new Set([...graph.nodes.values()].flatMap((n) => n.outputs.map(stem)));
  }

  /** A node's record, once it is written: its outputs are ours. */
  wrote(rec: NodeRecord | undefined): void {
    for (const o of rec?.outputs ?? []) this.written.set(join(this.dir, o.path), o.sha256);
  }

  /** `building`: the running build, whose records are known once it ends. */
  async isOwn(path: string, building: Promise<void> | undefined): Promise<boolean> {
    if (this.edits.has(path)) return false;
    if (!this.stems.has(stem(relative(this.dir, path)))) return false;
    if (building) await building;
    const sha = this.written.get(path);
    return sha !== undefined && sha === (await sha256File(path).catch(() => undefined));
  }
}

function stem(path: string): string {
  return path.replace(/\\/g, '/').replace(/\.[a-z0-9]+$/i, '');
}
