// The node records as a fresh readAllRecords would give them, re-reading only the record files
// whose stat changed since the previous read: watch re-plans at every edit, and reading every
// record of a large project each time costs the project, not the edit.
import { lstatSync, type BigIntStats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fsClockNs, isRacy, sameStamp, stampOf, type FileStamp } from '../../base/file-stamp.js';
import { insideChecker } from '../../base/inside.js';
import { readStateSync } from '../../base/read.js';
import type { NodeRecord } from '../record-types.js';
import { parseRecord, readAllRecords, type OnCorrupt, type OwnsOutput } from './records.js';

interface Known {
  stamp: FileStamp;
  rec: NodeRecord;
}

export class RecordMemo {
  /** The metadata folder the entries were read from. */
  private dir = '';
  private readonly known = new Map<string, Known>();
  /** Record files read so far (each read and parsed file counts once). */
  filesRead = 0;

  async read(root: string, metadataDir: string, onCorrupt: OnCorrupt, owns?: OwnsOutput): Promise<Map<string, NodeRecord>> {
    const dir = resolve(root, metadataDir);
    if (dir !== this.dir) {
      this.known.clear();
      this.dir = dir;
    }
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      // Missing or unreadable: the full reader's answer (empty, or its error) is the fresh one.
      return this.readAll(root, metadataDir, onCorrupt, [], owns);
    }
    const nodes = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5));
    const out = new Map<string, NodeRecord>();
    const stats = new Map<string, BigIntStats>();
    // Taken before any stat: a file changed at or after it is never trusted by its stat alone.
    const clockNs = await fsClockNs(root);
    for (const node of nodes) {
      const file = join(dir, `${node}.json`);
      let st: BigIntStats | undefined;
      try {
        // lstat: the stamp of what is there, a link included (which the reader then refuses).
        st = lstatSync(file, { bigint: true, throwIfNoEntry: false });
      } catch {
        return this.readAll(root, metadataDir, onCorrupt, nodes, owns);
      }
      if (!st) continue;
      stats.set(node, st);
      const k = this.known.get(node);
      if (k && sameStamp(k.stamp, stampOf(st))) {
        out.set(node, k.rec);
        continue;
      }
      let rec: NodeRecord | undefined;
      try {
        rec = parseRecord(readStateSync(file, 'record'));
      } catch {
        rec = undefined;
      }
      this.filesRead++;
      // Anything the reader would complain about: let it read, so its warnings are the fresh ones.
      if (!rec || rec.node !== node) return this.readAll(root, metadataDir, onCorrupt, nodes, owns);
      out.set(node, rec);
      this.remember(node, st, rec, clockNs);
    }
    for (const node of this.known.keys()) if (!stats.has(node)) this.known.delete(node);
    // Links are checked every time: a folder or output turned into a link out rejects the record
    // even though its file did not change.
    const outside = insideChecker(root);
    // So is what each node writes: the project may have changed since the file was read.
    for (const rec of out.values()) {
      if (rec.outputs.some((o) => outside(o.path) || (owns && !owns(rec.node, o.path)))) return this.readAll(root, metadataDir, onCorrupt, nodes, owns);
    }
    return out;
  }

  /** The one racy rule: a file changed within the clock tick of its reading may change again unseen. */
  private remember(node: string, st: BigIntStats, rec: NodeRecord, clockNs: bigint): void {
    const stamp = stampOf(st);
    if (isRacy(stamp, clockNs)) this.known.delete(node);
    else this.known.set(node, { stamp, rec });
  }

  /** The full reader, for the rare folder with a record it rejects; nothing is remembered. */
  private readAll(root: string, metadataDir: string, onCorrupt: OnCorrupt, nodes: string[], owns?: OwnsOutput): Promise<Map<string, NodeRecord>> {
    this.known.clear();
    this.filesRead += nodes.length;
    return readAllRecords(root, metadataDir, onCorrupt, owns);
  }
}
