// `aivp watch` through the built binary (run `npm run build` first): a child process on a temp
// project, edited like a user would, stopped with Ctrl-C (SIGINT): exit 130, records consistent.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, events, startCli, type CliResult } from '../cli/helpers.js';
import { startFakeFal, type FakeFal } from '../fakes/fal-server.js';
import { gitInit, readJson, tempProject } from '../support/project.js';
import { until } from '../support/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`watch --serve browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const PROJECT = `aivp: 1
name: live
defaults:
  image: { model: fal-ai/flux/dev, size: 320x240 }
style:
  prompt: "stormy cliffs"
shots:
  s1: { prompt: "woman on a cliff", refs: [style], seed: 1 }
  s2: { prompt: "she turns", input: s1 }
  s3: { prompt: "a harbour" }
`;

interface WatchProcess {
  dir: string;
  stdout(): string;
  stderr(): string;
  /** NDJSON build events printed so far. */
  events(): any[];
  builds(): any[];
  /** Ctrl-C, then the exit. */
  interrupt(): Promise<CliResult>;
  done: Promise<CliResult>;
}

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function startWatchCli(dir: string, args: string[], env = cleanEnv()): Promise<WatchProcess> {
  const { child, done } = startCli(['-C', dir, 'watch', '--json', ...args], { env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  let exited = false;
  void done.then(() => (exited = true));
  cleanups.push(async () => {
    if (!exited) child.kill('SIGKILL');
    await done;
  });
  const w: WatchProcess = {
    dir,
    stdout: () => out,
    stderr: () => err,
    events: () => events(out),
    builds: () => events(out).filter((e) => e.type === 'build:done'),
    interrupt: async () => {
      child.kill('SIGINT');
      return done;
    },
    done,
  };
  await until(() => {
    if (exited) throw new Error(`aivp watch exited early:\n${err}`);
    return err.includes('waiting for changes');
  }, () => `the first build; stderr:\n${err}`, 30_000);
  return w;
}

async function edit(dir: string, from: string, to: string): Promise<void> {
  const file = join(dir, 'aivp.project.yaml');
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`test bug: ${from} not in the project`);
  await writeFile(file, text.replace(from, to));
}

const built = (w: WatchProcess, from = 0) =>
  w.events().filter((e) => e.type === 'node:done' && e.outcome === 'built').slice(from).map((e) => e.node).sort();

describe('aivp watch (binary)', () => {
  it('--draft: rebuilds exactly the edited node and its dependents, survives a bad edit, exits 130 on Ctrl-C', async () => {
    const dir = await tempProject(PROJECT);
    const w = await startWatchCli(dir, ['--draft']);
    expect(built(w)).toEqual(['s1', 's2', 's3', 'style']);
    expect(w.stderr()).toMatch(/watch: 4 built, 0 from cache; spent \$0\.00 this session; waiting for changes/);

    await edit(dir, 'woman on a cliff', 'man on a cliff');
    await until(() => w.builds().length === 2, 'the rebuild');
    expect(built(w, 4)).toEqual(['s1', 's2']);
    expect((await readJson(join(dir, 'metadata/s1.json'))).prompt).toBe('man on a cliff');

    await edit(dir, 's3: { prompt: "a harbour" }', 's3: { prompt: "a harbour" ');
    await until(() => w.stderr().includes('keeping the last good state'), 'the error');
    expect(w.stderr()).toMatch(/aivp\.project\.yaml:\d+:\d+: /);
    await edit(dir, 's3: { prompt: "a harbour" ', 's3: { prompt: "a quay" }');
    await until(() => w.builds().length === 3, 'the rebuild after the fix');
    expect(built(w, 6)).toEqual(['s3']);

    const result = await w.interrupt();
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(existsSync(join(dir, '.aivp/lock'))).toBe(false);
    for (const node of ['style', 's1', 's2', 's3']) {
      const rec = await readJson(join(dir, 'metadata', `${node}.json`));
      expect(existsSync(join(dir, rec.outputs[0].path))).toBe(true);
    }
    expect((await readJson(join(dir, 'metadata/s3.json'))).prompt).toBe('a quay');
  });

  it('Ctrl-C while idle stops at once and says only that it is stopping', async () => {
    const fake = await startFakeFal({ queueSteps: 0 });
    cleanups.push(() => fake.close());
    const dir = await tempProject(PROJECT);
    const w = await startWatchCli(dir, [], cleanEnv(fake.env()));
    const t0 = Date.now();
    const result = await w.interrupt();
    const ms = Date.now() - t0;
    expect(result.code).toBe(130);
    expect(result.stderr).not.toContain('cancelling in-flight requests');
    expect(result.stderr).toContain('aivp: stopping');
    // The process's own start-up is not in this: a stop that waits on nothing takes a few ms.
    expect(ms).toBeLessThan(500);
  });

  it('Ctrl-C during a build interrupts it cleanly: exit 130, no half-written record', async () => {
    const fake = await startFakeFal({ queueSteps: 0 });
    cleanups.push(() => fake.close());
    const dir = await tempProject(PROJECT);
    const w = await startWatchCli(dir, [], cleanEnv(fake.env({ AIVP_RETRY_BASE_MS: '1' })));
    const before = await readJson(join(dir, 'metadata/s3.json'));
    fake.set({ queueSteps: 100_000 });
    const seen = w.events().length;
    await edit(dir, 'a harbour', 'a harbour at dusk');
    await until(() => w.events().slice(seen).some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'queued'), 's3 queued');
    const result = await w.interrupt();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('aivp: interrupting (cancelling in-flight requests');
    const id = fake.submits().find((s) => s.input.prompt === 'a harbour at dusk')!.requestId;
    expect(fake.cancels).toContain(id);
    expect(await readJson(join(dir, 'metadata/s3.json'))).toEqual(before);
    expect(w.builds().at(-1).summary.interrupted).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(fake.key);
  });
});

describe('aivp watch against the fake fal (binary)', () => {
  let fake: FakeFal;

  it('without a key nothing is sent; adding it to .env resumes building', async () => {
    fake = await startFakeFal();
    cleanups.push(() => fake.close());
    const dir = await tempProject(PROJECT);
    // The fake's proxy comes with the key in the user's own (untracked) .env.
    gitInit(dir);
    const w = await startWatchCli(dir, []);
    expect(w.stderr()).toContain('fal.ai models need FAL_KEY');
    expect(w.stderr()).toContain('nothing was generated');
    expect(fake.requests).toHaveLength(0);
    await writeFile(join(dir, '.env'), Object.entries(fake.env()).map(([k, v]) => `${k}=${v}`).join('\n'));
    await until(() => w.builds().length === 1, () => `the build; stderr:\n${w.stderr()}`);
    expect(fake.submits()).toHaveLength(4);
    expect(w.stderr()).not.toContain(fake.key);
    expect((await w.interrupt()).code).toBe(130);
  });

  it("checks the keys of fallback models' providers too: nothing is sent without them", async () => {
    fake = await startFakeFal();
    cleanups.push(() => fake.close());
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square, fallback: [gemini-3.1-flash-image] }\n');
    const w = await startWatchCli(dir, [], cleanEnv(fake.env()));
    expect(w.stderr()).toContain('Google models need GEMINI_API_KEY');
    expect(w.stderr()).toContain('nothing was generated');
    expect(fake.requests).toHaveLength(0);
    expect((await w.interrupt()).code).toBe(130);
  });

  it('takes AIVP_RETRY_BASE_MS from .env, and refuses one that is not a number', async () => {
    fake = await startFakeFal();
    cleanups.push(() => fake.close());
    fake.fail({ on: 'submit', status: 503, times: 1 });
    const dir = await tempProject('aivp: 1\nshots:\n  s: { prompt: "p", model: fal-ai/flux/dev, size: square }\n');
    const dotenv = (base: string) => `AIVP_RETRY_BASE_MS=${base}\n`;
    await writeFile(join(dir, '.env'), dotenv('3'));
    const w = await startWatchCli(dir, [], cleanEnv(fake.env()));
    const retry = w.events().find((e) => e.type === 'node:retry');
    // The default base is 1000 ms: a delay this short comes from the .env value.
    expect(retry?.delayMs).toBeLessThan(100);
    expect(w.builds()[0].summary).toMatchObject({ built: 1 });
    expect((await w.interrupt()).code).toBe(130);

    await writeFile(join(dir, '.env'), dotenv('soon'));
    const { done } = startCli(['-C', dir, 'watch'], { env: cleanEnv(fake.env()) });
    const bad = await done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('AIVP_RETRY_BASE_MS must be a number of milliseconds (like 1000), not `soon`');
  });

  it('re-edit while queued at fal: the queued request is cancelled and the new one submitted', async () => {
    // Each job waits in the queue for 50 status steps (about a second on the status stream): long
    // enough to edit again while queued.
    fake = await startFakeFal({ queueSteps: 50 });
    cleanups.push(() => fake.close());
    const dir = await tempProject(PROJECT.replace(/  s[12]:.*\n/g, ''));
    const w = await startWatchCli(dir, [], cleanEnv(fake.env()));
    expect(fake.submits().map((s) => s.input.prompt).sort()).toEqual(['a harbour', 'stormy cliffs']);

    const seen = w.events().length;
    await edit(dir, 'a harbour', 'a harbour v1');
    await until(() => w.events().slice(seen).some((e) => e.type === 'node:progress' && e.node === 's3' && e.progress.state === 'queued'), 'v1 queued');
    await edit(dir, 'a harbour v1', 'a harbour v2');
    await until(() => w.events().some((e) => e.type === 'node:done' && e.node === 's3' && e.outcome === 'built'
      && (e.outputs as string[]).length > 0) && w.builds().length === 3, () => `the v2 build; stderr:\n${w.stderr()}`);

    const v1 = fake.submits().find((s) => s.input.prompt === 'a harbour v1')!;
    const v2 = fake.submits().find((s) => s.input.prompt === 'a harbour v2')!;
    expect(fake.cancels).toEqual([v1.requestId]);
    expect(v2).toBeDefined();
    // The cancelled job's result was never fetched; only s3 was submitted again.
    expect(fake.requests.some((r) => r.route === 'result' && r.target.endsWith(v1.requestId))).toBe(false);
    expect(fake.submits()).toHaveLength(4);
    expect(w.stderr()).toContain('s3 changed while queued: request cancelled');
    const rec = await readJson(join(dir, 'metadata/s3.json'));
    expect(rec).toMatchObject({ prompt: 'a harbour v2', requestId: v2.requestId });

    expect((await w.interrupt()).code).toBe(130);
  });
});

describe.skipIf(!haveChromium)('aivp watch --serve in Chromium', () => {
  it('serves the gallery on 127.0.0.1 and reloads the open page after a rebuild', async () => {
    const dir = await tempProject(PROJECT);
    const w = await startWatchCli(dir, ['--draft', '--serve']);
    const url = /watch: gallery at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(w.stderr())?.[1];
    expect(url).toBeDefined();

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const connected = page.waitForResponse((r) => r.url().endsWith('/__aivp/events'));
    await page.goto(url!, { waitUntil: 'load' });
    await connected;
    expect(await page.locator('#n-s1 .body > .prompt').innerText()).toBe('woman on a cliff');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    const reloaded = page.waitForEvent('load', { timeout: 20_000 });
    await edit(dir, 'woman on a cliff', 'man on a cliff');
    await reloaded;
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    expect(await page.locator('#n-s1 .body > .prompt').innerText()).toBe('man on a cliff');
    const broken = await page.$$eval('img', (imgs) => imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src));
    expect(broken).toEqual([]);
    expect(w.builds()).toHaveLength(2);

    expect((await w.interrupt()).code).toBe(130);
  });
});
