// `aivp gallery`: a self-contained folder (index.html, media/, thumbs/) that can be zipped and sent.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { NodeRecord } from '../engine/record-types.js';
import { writeFileAtomic } from '../base/atomic.js';
import { makeFolder, within } from '../base/inside.js';
import { readState } from '../base/read.js';
import { listKeyRecords } from '../engine/store/content-cache.js';
import type { Failure } from '../engine/store/failures.js';
import type { ResolvedProject } from '../project/types.js';
import { collectAssets, pruneAssets } from './assets.js';
import { renderGallery } from './html.js';
import { buildView, gallerySources, type StatusEntry, type ViewInput } from './view.js';

export interface GalleryOptions {
  project: ResolvedProject;
  records: Map<string, NodeRecord>;
  status: Map<string, StatusEntry>;
  /** Nodes that failed in the last build. */
  failures?: Map<string, Failure>;
  /** Absolute. */
  outDir: string;
}

export async function buildGallery(opts: GalleryOptions): Promise<{ indexPath: string }> {
  const { project, outDir } = opts;
  // `--out` may name any folder; the default, and any folder inside the project, stays inside it.
  if (within(project.root, outDir)) await makeFolder(project.root, outDir);
  else await mkdir(outDir, { recursive: true });
  const input: ViewInput = {
    ...opts,
    history: groupByNode(await listKeyRecords(project.root)),
    projectText: await readState(project.file, 'project').catch(() => undefined),
  };
  const assets = await collectAssets(gallerySources(input), outDir);
  const html = renderGallery(buildView(input, assets));
  const indexPath = path.join(outDir, 'index.html');
  await writeFileAtomic(indexPath, html, { inside: outDir });
  await pruneAssets(outDir, assets.values());
  return { indexPath };
}

function groupByNode(recs: NodeRecord[]): Map<string, NodeRecord[]> {
  const out = new Map<string, NodeRecord[]>();
  for (const r of recs) out.set(r.node, [...(out.get(r.node) ?? []), r]);
  return out;
}
