// The live storyboard end to end: `aivp watch --draft --serve` (the built binary) on a temp
// project, the page in headless Chromium. Choosing a take on the page edits the project file
// (comments kept), watch rebuilds what depends on it, and the page reloads with the new pick;
// forged requests change nothing. Run `npm run build` first.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectHash } from '../../src/gallery/pick.js';
import { events, startCli, type CliResult } from '../cli/helpers.js';
import { tempProject } from '../support/project.js';
import { until } from '../support/wait.js';
import { PICK_YAML } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`live gallery tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let dir: string;
let browser: Browser;
let page: Page;
let url: string;
let stderr = '';
let stdout = '';
let stop: () => Promise<CliResult>;
const file = () => join(dir, 'aivp.project.yaml');
const builds = () => events(stdout).filter((e) => e.type === 'build:done').length;

interface Answer {
  status: number;
  body: string;
}

/** A request made by the page itself: same origin, with whatever token and body the test forges. */
function fromPage(body: unknown, token?: string): Promise<Answer> {
  return page.evaluate(
    async ({ body, token }) => {
      const session = document.querySelector<HTMLMetaElement>('meta[name="aivp-session"]')!.content;
      const res = await fetch('/__aivp/pick', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Aivp-Token': token ?? session },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.text() };
    },
    { body, token },
  );
}

describe.skipIf(!haveChromium)('the live storyboard', () => {
  beforeAll(async () => {
    dir = await tempProject(PICK_YAML);
    const { child, done } = startCli(['-C', dir, 'watch', '--json', '--draft', '--serve']);
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    stop = async () => {
      child.kill('SIGINT');
      return done;
    };
    await until(() => stderr.includes('waiting for changes'), () => `the first build; stderr:\n${stderr}`, 30_000);
    url = /watch: gallery at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)![1]!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const connected = page.waitForResponse((r) => r.url().endsWith('/__aivp/events'));
    await page.goto(url, { waitUntil: 'load' });
    await connected;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (stop) expect((await stop()).code).toBe(130);
  });

  it('marks the page as a draft', async () => {
    expect(await page.locator('#draft').innerText()).toMatch(/^DRAFT\s+Every output here is an offline draft preview/);
    expect(await page.locator('.card .b-draft').count()).toBe(4);
  });

  it('offers "use this take" on every take but the picked one', async () => {
    const takes = await page.$$eval('#n-s1 .take', (els) => els.map((e) => [e.getAttribute('data-take'), e.classList.contains('picked'), !!e.querySelector('.use-take')]));
    expect(takes).toEqual([
      ['1', true, false],
      ['2', false, true],
      ['3', false, true],
    ]);
    expect(await page.locator('#n-hero .use-take').count()).toBe(3);
    expect(await page.locator('#n-s2 .use-take').count()).toBe(0);
    expect(await page.locator('#n-s1 .pick-hint').isVisible()).toBe(false);
  });

  it('refuses forged requests and leaves the file as it was', async () => {
    const hash = projectHash(PICK_YAML);
    const refused: [unknown, string | undefined, number, string][] = [
      [{ node: 's1', pick: 2, hash }, 'f'.repeat(48), 403, 'session token'],
      [{ node: 's1', pick: 4, hash }, undefined, 422, 'pick must be 1 to 3'],
      [{ node: 's1', pick: 2, hash, prompt: 'a different film' }, undefined, 400, 'only `pick` can be changed'],
      [{ node: 's1', prompt: 'a different film', hash }, undefined, 400, 'only `pick` can be changed'],
      [{ node: 's1', pick: 2, hash: projectHash(`${PICK_YAML}\n`) }, undefined, 409, 'reload the page'],
    ];
    for (const [body, token, status, message] of refused) {
      const res = await fromPage(body, token);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body).toContain(message);
    }
    // Another site's page reaching the port through a DNS name it controls (rebinding).
    const port = Number(new URL(url).port);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/__aivp/pick', method: 'POST', headers: { Host: `attacker.example:${port}`, Origin: `http://attacker.example:${port}`, 'Content-Type': 'application/json' } }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.end(JSON.stringify({ node: 's1', pick: 2, hash }));
    });
    expect(rebound).toBe(403);
    expect(await readFile(file(), 'utf8')).toBe(PICK_YAML);
  });

  it('writes the chosen take into the file, comments intact; watch rebuilds and the page shows it', async () => {
    const before = builds();
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await page.locator('#n-s1 .take[data-take="3"] .use-take').click();
    await reloaded;
    expect(await readFile(file(), 'utf8')).toBe(PICK_YAML.replace('    num_images: 3\n', '    num_images: 3\n    pick: 3\n'));
    await until(() => builds() > before, 'the rebuild');
    const rebuilt = events(stdout).filter((e) => e.type === 'node:done' && e.outcome === 'built').map((e) => e.node);
    expect(rebuilt.slice(-1)).toEqual(['s2']); // its input is s1's pick
    const picked = await page.$$eval('#n-s1 .take.picked', (els) => els.map((e) => e.getAttribute('data-take')));
    expect(picked).toEqual(['3']);
    const main = await page.locator('#n-s1 .frame img').getAttribute('src');
    expect(main).toBe(await page.locator('#n-s1 .take.picked img').getAttribute('src'));
  });

  it('reloads and refuses when the file changed since the page loaded', async () => {
    // An edit watch has not turned into a new page yet: the page still holds the old hash.
    const hash = await page.locator('meta[name="aivp-project"]').getAttribute('content');
    const edited = (await readFile(file(), 'utf8')).replace('she turns', 'she turns around');
    await writeFile(file(), edited);
    const token = await page.locator('meta[name="aivp-session"]').getAttribute('content');
    // Sent from here, not the page: watch may reload the page any moment now.
    const { host } = new URL(url);
    const res = await fetch(new URL('/__aivp/pick', url), {
      method: 'POST',
      headers: { Origin: `http://${host}`, 'Content-Type': 'application/json', 'X-Aivp-Token': token! },
      body: JSON.stringify({ node: 'hero', pick: 1, hash }),
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('changed since this page was loaded');
    expect(await readFile(file(), 'utf8')).toBe(edited);
  });
});
