// "Use this take" from the live gallery: the only edit the page may make. The request names a
// node, a take and the hash of the project file the page was made from; a file edited since
// then is never overwritten (409: reload and choose again).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../base/atomic.js';
import { UsageError } from '../base/errors.js';
import { readState } from '../base/read.js';
import { loadProject } from '../project/load.js';
import { pickLocator, setPickText } from '../project/pick-edit.js';
import { PROJECT_FILE } from '../project/report.js';

export interface PickRequest {
  node: string;
  /** 1-based, as `pick:` counts. */
  pick: number;
  /** sha256 of aivp.project.yaml as the page saw it. */
  hash: string;
}

export interface PickResult {
  status: 200 | 400 | 409 | 422 | 500;
  message: string;
}

export function projectHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The request body as a PickRequest, or why not: exactly `node`, `pick` and `hash`, nothing else. */
export function parsePickRequest(body: unknown): PickRequest | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object { node, pick, hash }';
  const extra = Object.keys(body).filter((k) => !['node', 'pick', 'hash'].includes(k));
  if (extra.length) return `only \`pick\` can be changed from the page (unexpected: ${extra.map((k) => JSON.stringify(k).slice(0, 40)).join(', ')})`;
  const { node, pick, hash } = body as Record<string, unknown>;
  if (typeof node !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/.test(node)) return '`node` must be a node name';
  if (typeof pick !== 'number' || !Number.isInteger(pick)) return '`pick` must be an integer';
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return '`hash` must be the sha256 of the project file';
  return { node, pick, hash };
}

export async function choosePick(root: string, req: PickRequest): Promise<PickResult> {
  const file = join(root, PROJECT_FILE);
  const stale: PickResult = { status: 409, message: `${PROJECT_FILE} changed since this page was loaded: reload the page and choose again` };
  const text = await readState(file, 'project').catch(() => undefined);
  if (text === undefined || projectHash(text) !== req.hash) return stale;
  let project;
  try {
    project = await loadProject(root);
  } catch (err) {
    if (err instanceof UsageError) return { status: 409, message: `${PROJECT_FILE} has errors (${err.message}): fix it, then choose again` };
    throw err;
  }
  const node = project.nodes.find((n) => n.name === req.node);
  if (!node) return { status: 422, message: `no node \`${req.node}\` in ${PROJECT_FILE}` };
  if (node.kind === 'segment') return { status: 422, message: `\`${node.name}\` is a segment: it has one take` };
  if (req.pick < 1 || req.pick > node.num_images) {
    return { status: 422, message: `\`${node.name}\` has ${node.num_images} take${node.num_images === 1 ? '' : 's'}: pick must be 1 to ${node.num_images}` };
  }
  // loadProject read the file again: it must still be the text the edit is made on.
  if (projectHash(await readState(file, 'project')) !== req.hash) return stale;
  const edited = setPickText(text, node, req.pick);
  if (edited === undefined) {
    const at = pickLocator(text)(node);
    return { status: 500, message: `cannot place \`pick:\` in this layout: set \`pick: ${req.pick}\` by hand${at ? ` at ${PROJECT_FILE}:${at.line}` : ''}` };
  }
  if (edited !== text) await writeFileAtomic(file, edited, { inside: root });
  return { status: 200, message: `${node.name}: pick: ${req.pick} written to ${PROJECT_FILE}` };
}
