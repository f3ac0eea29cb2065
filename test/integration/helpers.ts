// Kit for end-to-end builds of the built CLI against both fake providers: environments with dummy
// keys, and checks that records are whole and no key reached the disk.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cleanEnv } from '../cli/helpers.js';
import type { FakeFal } from '../fakes/fal-server.js';
import type { FakeGoogle } from '../fakes/google-server.js';

export { FAKE_MP4 } from '../fakes/google-server.js';

export const GEMINI_KEY = `gemini-test-key-${randomUUID()}`;

/** The CLI's environment: dummy keys, both fakes, and short retry and poll intervals. */
export function fakeEnv(fal?: FakeFal, google?: FakeGoogle, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    AIVP_RETRY_BASE_MS: '5',
    ...(fal ? fal.env() : {}),
    ...(google ? { GEMINI_API_KEY: GEMINI_KEY, GOOGLE_GEMINI_BASE_URL: google.url, AIVP_GOOGLE_POLL_MS: '5' } : {}),
    ...extra,
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every record is whole JSON and every output it lists exists with the recorded hash; returns the
 * recorded node names. One state between two files is allowed: a build killed after writing a
 * regenerated output but before its record leaves the old record beside the new bytes, which the
 * content cache already lists under the node's new key (the next build adopts them for free).
 */
export async function checkRecords(dir: string): Promise<string[]> {
  const meta = join(dir, 'metadata');
  const names = existsSync(meta) ? await readdir(meta) : [];
  const cached = await cachedOutputs(dir);
  const recorded: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    const rec = JSON.parse(await readFile(join(meta, name), 'utf8'));
    expect(rec.outputs.length, `${name} lists outputs`).toBeGreaterThan(0);
    for (const o of rec.outputs) {
      const bytes = await readFile(join(dir, o.path));
      const sha = sha256(bytes);
      if (sha !== o.sha256) expect(cached.get(rec.node)?.has(sha), `${o.path} matches its record or a cached generation of ${rec.node}`).toBe(true);
      else expect(bytes.length).toBe(o.bytes);
    }
    recorded.push(rec.node);
  }
  return recorded.sort();
}

/** Node name -> sha256 of every output the content cache holds a key record for. */
async function cachedOutputs(dir: string): Promise<Map<string, Set<string>>> {
  const keys = join(dir, '.aivp/cache/keys');
  const out = new Map<string, Set<string>>();
  // A kill can leave an atomic write's temp file (`.<name>.<pid>.<hex>.tmp`) beside the key records: not one.
  for (const name of (existsSync(keys) ? await readdir(keys) : []).filter((n) => n.endsWith('.json'))) {
    const rec = JSON.parse(await readFile(join(keys, name), 'utf8'));
    const set = out.get(rec.node) ?? new Set<string>();
    for (const o of rec.outputs) set.add(o.sha256);
    out.set(rec.node, set);
  }
  return out;
}

/** Relative paths of every file under `dir` (dot folders included) whose bytes contain any needle. */
export async function filesContaining(dir: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const bytes = await readFile(p);
        if (needles.some((n) => bytes.includes(n))) hits.push(p.slice(dir.length + 1));
      }
    }
  };
  await walk(dir);
  return hits;
}

/** Every file under `dir`, relative. */
export async function allFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** No stack trace lines in CLI output. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(text).not.toMatch(/^\s+at (file|node):/m);
}
