// `aivp gallery`: a self-contained folder (index.html, media/, thumbs/) that can be zipped and sent.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeRecord } from '../engine/record-types.js';
import type { ResolvedProject } from '../project/types.js';
import { collectAssets, pruneAssets } from './assets.js';
import { renderGallery } from './html.js';
import { buildView, galleryFiles, type StatusEntry } from './view.js';

export interface GalleryOptions {
  project: ResolvedProject;
  records: Map<string, NodeRecord>;
  status: Map<string, StatusEntry>;
  /** Node name to error message, for nodes that failed in the last build. */
  failures?: Map<string, string>;
  /** Absolute. */
  outDir: string;
}

export async function buildGallery(opts: GalleryOptions): Promise<{ indexPath: string }> {
  const { project, records, outDir } = opts;
  await mkdir(outDir, { recursive: true });
  const assets = await collectAssets(project.root, galleryFiles(project, records), outDir);
  const html = renderGallery(buildView(opts, assets));
  const indexPath = path.join(outDir, 'index.html');
  const tmp = `${indexPath}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, indexPath);
  await pruneAssets(outDir, assets.values());
  return { indexPath };
}
