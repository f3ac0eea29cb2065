// Nothing outside the project is touched: records, caches and upload lists read back from disk are
// input (a cloned repository ships metadata/*.json), checked like paths in the project file. Each
// case runs the built CLI on a project whose state files were written by someone else.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { fakeEnv, sha256 } from '../integration/helpers.js';
import { makeImage } from '../support/images.js';
import { readJson, tempProject } from '../support/project.js';
import { events, runCli } from './helpers.js';

const DRAFT = `aivp: 1
shots:
  a: { prompt: "first", model: draft }
  b: { prompt: "second", input: a, model: draft }
`;

/** A folder beside the project holding a file that is not the project's. */
async function outsider(name = 'victim.png'): Promise<{ dir: string; file: string; bytes: Buffer }> {
  const bytes = await makeImage({ seed: `outside-${name}`, width: 40, height: 30 });
  const dir = await tempProject('not a project\n', { [name]: bytes });
  return { dir, file: join(dir, name), bytes };
}

/** Rewrites a record's first output as someone else's file would have it. */
async function forge(dir: string, node: string, path: string, sha?: string): Promise<void> {
  const file = join(dir, 'metadata', `${node}.json`);
  const rec = await readJson(file);
  rec.outputs[0].path = path;
  if (sha) rec.outputs[0].sha256 = sha;
  await writeFile(file, `${JSON.stringify(rec, null, 2)}\n`);
}

const warningsOf = (stdout: string) => events(stdout).filter((e) => e.type === 'warning').map((e) => e.message as string);

describe('a record naming a file outside the project is reported and never followed', () => {
  it('build --force does not delete the outside file; the record is reported once and the node rebuilt', async () => {
    const out = await outsider();
    const dir = await tempProject(DRAFT);
    expect((await runCli(['-C', dir, 'build'])).code).toBe(0);
    await forge(dir, 'a', relative(dir, out.file));
    const r = await runCli(['-C', dir, 'build', '--force', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out.file)).toBe(true);
    const warnings = warningsOf(r.stdout);
    expect(warnings.filter((w) => w.includes('metadata/a.json'))).toHaveLength(1);
    expect(warnings[0]).toMatch(/not a path aivp writes.*record ignored/);
    expect(events(r.stdout).find((e) => e.type === 'node:done' && e.node === 'a')).toMatchObject({ outcome: 'built' });
    expect((await readJson(join(dir, 'metadata/a.json'))).outputs[0].path).toBe('keyframes/a.png');
  });

  it('the same through a symbolic link inside the project', async () => {
    const out = await outsider();
    const dir = await tempProject(DRAFT);
    expect((await runCli(['-C', dir, 'build'])).code).toBe(0);
    await symlink(out.file, join(dir, 'keyframes', 'old.png'));
    await forge(dir, 'a', 'keyframes/old.png');
    const r = await runCli(['-C', dir, 'build', '--force', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(out.file)).toEqual(out.bytes);
    expect(warningsOf(r.stdout).join('\n')).toContain('leads outside the project folder through a symbolic link');
  });

  it('clean --yes does not delete it', async () => {
    const out = await outsider();
    const dir = await tempProject(DRAFT);
    expect((await runCli(['-C', dir, 'build'])).code).toBe(0);
    // A node the project no longer has, whose record names the outside file.
    const rec = await readJson(join(dir, 'metadata/b.json'));
    await writeFile(join(dir, 'metadata/gone.json'), JSON.stringify({ ...rec, node: 'gone', outputs: [{ ...rec.outputs[0], path: relative(dir, out.file) }] }));
    const r = await runCli(['-C', dir, 'clean', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out.file)).toBe(true);
    expect(r.stderr).toMatch(/warning: metadata\/gone\.json: .*record ignored/);
    expect(r.stdout).toContain('Nothing to clean');
  });

  it('gallery does not copy it into the page', async () => {
    const out = await outsider();
    const dir = await tempProject(DRAFT);
    expect((await runCli(['-C', dir, 'build'])).code).toBe(0);
    await symlink(out.file, join(dir, 'keyframes', 'a.png.link'));
    await forge(dir, 'a', 'keyframes/a.png.link');
    const r = await runCli(['-C', dir, 'gallery']);
    expect(r.code, r.stderr).toBe(0);
    const media = await readdir(join(dir, '.aivp/gallery/media'));
    expect(media.some((m) => m.startsWith(sha256(out.bytes)))).toBe(false);
    expect(media.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('metadata/a.json');
  });

  it('plan reports it on stderr', async () => {
    const dir = await tempProject(DRAFT);
    expect((await runCli(['-C', dir, 'build'])).code).toBe(0);
    await forge(dir, 'a', '/etc/hostname');
    const r = await runCli(['-C', dir, 'plan']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: metadata\/a\.json: output `\/etc\/hostname` .*record ignored/);
  });
});

describe('a downstream build never uploads a file outside the project', () => {
  let fal: FakeFal;
  beforeEach(async () => (fal = await startFakeFal()));
  afterEach(() => fal.close());

  it('an upstream record pointing outside is not followed into an upload to fal', async () => {
    const out = await outsider('secret.png');
    const yaml = `aivp: 1
shots:
  a: { prompt: "first", model: fal-ai/flux/dev, size: square }
  b: { prompt: "second", input: a, model: fal-ai/nano-banana-pro/edit }
`;
    const dir = await tempProject(yaml);
    const env = fakeEnv(fal);
    expect((await runCli(['-C', dir, 'build'], { env })).code).toBe(0);
    // The record now claims a's output is the outside file (with its true hash), and b must rebuild.
    await forge(dir, 'a', relative(dir, out.file), sha256(out.bytes));
    await writeFile(join(dir, 'aivp.project.yaml'), yaml.replace('"second"', '"second, again"'));
    const r = await runCli(['-C', dir, 'build', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(fal.uploads.some((u) => u.bytes.equals(out.bytes))).toBe(false);
    expect(warningsOf(r.stdout).join('\n')).toContain('metadata/a.json');
  });

  it('an upload list entry that is not a web address is never handed to fal', async () => {
    const img = await makeImage({ seed: 'local-ref', width: 50, height: 50 });
    const yaml = `aivp: 1
references:
  hero: { file: refs/hero.png }
shots:
  s: { prompt: "edit", refs: [hero], model: fal-ai/nano-banana-pro/edit }
`;
    const dir = await tempProject(yaml, { 'refs/hero.png': img });
    await mkdir(join(dir, '.aivp'), { recursive: true });
    await writeFile(join(dir, '.aivp/uploads.json'), JSON.stringify({ [sha256(img)]: { url: 'file:///etc/passwd', uploadedAt: new Date().toISOString() } }));
    const r = await runCli(['-C', dir, 'build', '--json'], { env: fakeEnv(fal) });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(fal.submits()[0].input)).not.toContain('file:');
    expect(fal.uploads.map((u) => sha256(u.bytes))).toEqual([sha256(img)]);
  });
});

describe('state files naming paths in the cache', () => {
  it('a cache entry or record with a hash that is a path is treated as absent, not a crash', async () => {
    const dir = await tempProject(DRAFT);
    expect((await runCli(['-C', dir, 'build'])).code).toBe(0);
    const keys = join(dir, '.aivp/cache/keys');
    for (const name of await readdir(keys)) {
      const rec = await readJson(join(keys, name));
      rec.outputs[0].sha256 = '../../../../outside';
      await writeFile(join(keys, name), JSON.stringify(rec));
    }
    await forge(dir, 'b', 'keyframes/b.png', '../../etc');
    const r = await runCli(['-C', dir, 'build', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(warningsOf(r.stdout).join('\n')).toContain('metadata/b.json');
  });

  it('an in-flight entry whose request id climbs out of its URL is ignored: the request is submitted afresh', async () => {
    const fal = await startFakeFal();
    try {
      const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
      const env = fakeEnv(fal);
      const plan = JSON.parse((await runCli(['-C', dir, 'plan', '--json'], { env })).stdout);
      const key = plan.entries[0].key;
      await mkdir(join(dir, '.aivp/inflight'), { recursive: true });
      await writeFile(join(dir, `.aivp/inflight/${key}.json`), JSON.stringify({
        node: 's', key, provider: 'fal', model: 'fal-ai/flux/dev', requestId: '../../../admin/x', submittedAt: new Date().toISOString(),
      }));
      const r = await runCli(['-C', dir, 'build', '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(fal.submits()).toHaveLength(1);
      expect(fal.requests.some((q) => q.target.includes('admin'))).toBe(false);
    } finally {
      await fal.close();
    }
  });
});

describe('default output folders', () => {
  it('a default folder that is a symbolic link leading outside is refused like a `paths.*` entry', async () => {
    const out = await outsider();
    for (const folder of ['keyframes', 'metadata', '.aivp']) {
      const dir = await tempProject(DRAFT);
      await symlink(out.dir, join(dir, folder));
      const r = await runCli(['-C', dir, 'build']);
      expect(r.code, folder).toBe(2);
      expect(r.stderr).toContain(`the folder \`${folder}\` is a symbolic link leading outside the project folder`);
      expect(await readdir(out.dir)).toEqual(['aivp.project.yaml', 'victim.png']);
    }
  });
});
