import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/base/env.js';
import { tempDir } from '../support/project.js';
import { events, REPO, runCli } from './helpers.js';

describe('aivp init, plan, graph', () => {
  it('creates a project from each template that validates and plans, and never overwrites one', async () => {
    const list = await runCli(['init', '--list']);
    const templates = list.stdout.trim().split('\n');
    expect(templates).toEqual(expect.arrayContaining(['short-film', 'product-ad']));
    for (const t of templates) {
      const dir = join(await tempDir(), t);
      const init = await runCli(['init', dir, '--template', t]);
      expect(init.code).toBe(0);
      expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('.aivp/\n.env\n');
      expect((await runCli(['-C', dir, 'validate'])).code).toBe(0);
      const plan = await runCli(['-C', dir, 'plan', '--json']);
      const parsed = JSON.parse(plan.stdout);
      expect(parsed.estimateUsd).toBeGreaterThan(0);
      expect(parsed.entries.filter((e: any) => e.status !== 'source').every((e: any) => e.status === 'new')).toBe(true);
      const again = await runCli(['init', dir, '--template', t]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already exists');
    }
    const bad = await runCli(['init', join(await tempDir(), 'x'), '--template', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no template named `nope`');
  });

  it('prints the graph as mermaid, dot and json', async () => {
    const dir = join(await tempDir(), 'p');
    await runCli(['init', dir]);
    const mermaid = await runCli(['-C', dir, 'graph']);
    expect(mermaid.stdout).toMatch(/^flowchart LR/);
    expect((await runCli(['-C', dir, 'graph', '--format', 'dot'])).stdout).toMatch(/^digraph aivp \{/);
    const json = JSON.parse((await runCli(['-C', dir, 'graph', '--format', 'json'])).stdout);
    expect(json.nodes.length).toBeGreaterThan(3);
    const bad = await runCli(['-C', dir, 'graph', '--format', 'png']);
    expect(bad.code).toBe(2);
  });

  it('exits 2 with a clear message for unknown targets and bad flags', async () => {
    const dir = join(await tempDir(), 'p');
    await runCli(['init', dir]);
    const r = await runCli(['-C', dir, 'plan', 'no_such_shot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no node matches target `no_such_shot`');
    expect((await runCli(['-C', dir, 'build', '-j', 'zero'])).code).toBe(2);
    expect((await runCli(['-C', join(dir, 'missing'), 'plan'])).code).toBe(2);
  });
});

describe('the example project', () => {
  it('builds end to end with --draft, then clean and gc keep what the project references', async () => {
    const dir = await tempDir();
    await cp(join(REPO, 'aivp.project.yaml.example'), join(dir, 'aivp.project.yaml'));
    await cp(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
    const build = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expect(build.code, build.stderr).toBe(0);
    const summary = events(build.stdout).find((e) => e.type === 'build:done').summary;
    expect(summary.failed).toBe(0);
    expect(summary.built).toBeGreaterThan(5);
    const gallery = await runCli(['-C', dir, 'gallery']);
    expect(gallery.code).toBe(0);
    expect(await readFile(join(dir, '.aivp/gallery/index.html'), 'utf8')).toContain('model changed');
    expect((await runCli(['-C', dir, 'gallery', '--draft'])).code).toBe(0);
    expect(await readFile(join(dir, '.aivp/gallery/index.html'), 'utf8')).not.toContain('model changed');

    const film = JSON.parse(await readFile(join(dir, 'metadata/film.json'), 'utf8'));
    expect(film).toMatchObject({ draft: true, outputs: [{ path: 'film/cliff-dreams.mp4', width: 1280, height: 720 }] });

    // Drop the last segment, and the film after it, from the project: clean removes their records and outputs.
    const yaml = await readFile(join(dir, 'aivp.project.yaml'), 'utf8');
    const records = await readdir(join(dir, 'metadata'));
    const victim = JSON.parse(await readFile(join(dir, 'metadata/seg_02.json'), 'utf8'));
    expect(existsSync(join(dir, victim.outputs[0].path))).toBe(true);
    await writeFile(join(dir, 'aivp.project.yaml'), `${yaml.slice(0, yaml.indexOf('\n  seg_02:'))}\n`);
    expect((await runCli(['-C', dir, 'clean'])).code).toBe(2);
    const clean = await runCli(['-C', dir, 'clean', '--yes']);
    expect(clean.code).toBe(0);
    expect(await readdir(join(dir, 'metadata'))).toHaveLength(records.length - 2);
    expect(existsSync(join(dir, victim.outputs[0].path))).toBe(false);
    expect(existsSync(join(dir, 'film/cliff-dreams.mp4'))).toBe(false);

    // gc shows what it would remove and removes nothing without --yes (cached images were paid for).
    const blobs = async () => (await readdir(join(dir, '.aivp/cache/blobs'), { recursive: true })).length;
    const before = await blobs();
    const ask = await runCli(['-C', dir, 'gc']);
    expect(ask.code).toBe(2);
    expect(ask.stdout).toMatch(/[1-9]\d* cached file\(s\) \([\d.]+ MB\) and \d+ cache entries that no record uses/);
    expect(ask.stderr).toContain('pass --yes to confirm');
    expect(await blobs()).toBe(before);
    // Neither runs while a build holds the lock.
    await writeFile(join(dir, '.aivp/lock'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'now', token: 'test' }));
    for (const cmd of ['gc', 'clean']) {
      const locked = await runCli(['-C', dir, cmd, '--yes']);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain('another aivp build is running');
    }
    expect(await blobs()).toBe(before);
    await rm(join(dir, '.aivp/lock'));
    const gc = await runCli(['-C', dir, 'gc', '--yes']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toMatch(/Removed [1-9]\d* cached file/);
    expect(await blobs()).toBeLessThan(before);
    expect((await runCli(['-C', dir, 'gc'])).stdout).toContain('Nothing to remove');
    const rebuild = await runCli(['-C', dir, 'build', '--draft', '--json']);
    expect(events(rebuild.stdout).find((e) => e.type === 'build:done').summary).toMatchObject({ built: 0, failed: 0 });
    // Two draft MP4 segments (5 s and 8 s) and a 720p film: slow on a loaded machine.
  }, 120_000);
});

describe('.env', () => {
  it('is read from the project folder and never overrides the environment', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'FAL_KEY=from-file\nGEMINI_API_KEY="quoted"\n');
    expect(loadEnv(dir, { base: {} })).toMatchObject({ FAL_KEY: 'from-file', GEMINI_API_KEY: 'quoted' });
    expect(loadEnv(dir, { base: { FAL_KEY: 'from-env' } }).FAL_KEY).toBe('from-env');
    expect(loadEnv(join(dir, 'none'), { base: {} })).toEqual({});
  });
});
