// The gallery as a user sees it: built from a fabricated project, served, and opened in real
// headless Chromium (CI installs the Debian `chromium` package).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGallery } from '../../src/gallery/build.js';
import { EVENTS_PATH, serveGallery, type GalleryServer } from '../../src/gallery/serve.js';
import { tempDir } from '../support/project.js';
import { makeFixture, makeMp4, TRICKY_PROMPT, type Fixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`gallery browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

declare global {
  interface Window {
    aivpMarker?: number;
  }
}

let tmp: string;
let browser: Browser;
let page: Page;
let server: GalleryServer;
let fx: Fixture;
let outDir: string;

async function openGallery(): Promise<void> {
  const connected = page.waitForResponse((r) => r.url().endsWith(EVENTS_PATH));
  await page.goto(server.url, { waitUntil: 'load' });
  await connected;
}

describe.skipIf(!haveChromium)('gallery in Chromium', () => {
  beforeAll(async () => {
    tmp = await tempDir();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const mp4 = await makeMp4(path.join(tmp, 'clip.mp4'), 3);
    fx = await makeFixture(path.join(tmp, 'project'), { bytes: mp4, ext: 'mp4', mediaType: 'video/mp4' });
    outDir = path.join(tmp, 'gallery');
    await buildGallery({ ...fx, outDir });
    server = await serveGallery({ dir: outDir });
    await openGallery();
  });

  afterAll(async () => {
    await server?.close();
    await browser?.close();
  });

  it('loads every image', async () => {
    const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })));
    expect(images.length).toBeGreaterThan(15);
    expect(images.filter((i) => !i.ok)).toEqual([]);
    if (process.env.AIVP_GALLERY_SCREENSHOT) await page.screenshot({ path: process.env.AIVP_GALLERY_SCREENSHOT, fullPage: true });
  });

  it('runs only its own scripts: one slipped into the page does not run', async () => {
    const dir = path.join(tmp, 'tampered');
    await mkdir(dir, { recursive: true });
    const own = await readFile(path.join(outDir, 'index.html'), 'utf8');
    const slipped = '<script>window.aivpMarker = 2</script><img src="nothing.png" onerror="window.aivpMarker = 3"></body>';
    await writeFile(path.join(dir, 'index.html'), own.replace('</body>', slipped));
    const tampered = await serveGallery({ dir });
    const other = await browser.newPage();
    try {
      const connected = other.waitForResponse((r) => r.url().endsWith(EVENTS_PATH));
      await other.goto(tampered.url, { waitUntil: 'load' });
      // live.js ran (it opened the reload channel); what was slipped in did not.
      await connected;
      expect(await other.evaluate(() => window.aivpMarker)).toBeUndefined();
    } finally {
      await other.close();
      await tampered.close();
    }
  });

  it('says plainly, at once, when watch has stopped', async () => {
    const own = await serveGallery({ dir: outDir });
    const other = await browser.newPage();
    try {
      const connected = other.waitForResponse((r) => r.url().endsWith(EVENTS_PATH));
      await other.goto(own.url, { waitUntil: 'load' });
      await connected;
      expect(await other.locator('#aivp-toast.show').count()).toBe(0);
      await own.close();
      await other.waitForSelector('#aivp-toast.show.bad');
      expect(await other.locator('#aivp-toast').innerText()).toMatch(/^aivp watch has stopped: this page no longer updates/);
    } finally {
      await other.close();
      await own.close();
    }
  });

  it('shows every shot with its prompt, literally', async () => {
    for (const node of fx.project.nodes.filter((n) => n.kind === 'shot')) {
      const card = page.locator(`#n-${node.name}`);
      await expect(card.locator('h3').innerText()).resolves.toBe(node.name);
      await expect(card.locator('.body > .prompt').innerText()).resolves.toBe(node.prompt);
      expect(await card.isVisible()).toBe(true);
    }
    expect(await page.locator('#n-scene_01 .body > .prompt').innerText()).toBe(TRICKY_PROMPT);
    expect(await page.locator('b', { hasText: 'bold' }).count()).toBe(0);
    expect(await page.title()).toBe('Cliff <Dreams> & co · storyboard');
  });

  it('shows the right status badges', async () => {
    const badges = Object.fromEntries(
      await page.$$eval('article.card', (cards) => cards.map((c) => [c.id.slice(2), c.querySelector('.badge:not(.b-draft)')!.textContent])),
    );
    expect(badges).toEqual({
      mentor: 'source',
      places: 'source',
      hero: 'up to date',
      style: 'up to date',
      scene_01: 'up to date',
      scene_02: 'stale',
      scene_03: 'hand-edited',
      scene_04: 'failed',
      scene_05: 'missing',
      seg_01: 'up to date',
      seg_02: 'up to date',
    });
    expect(await page.locator('#n-scene_04 .error').innerText()).toContain('<no image returned>');
    expect(await page.locator('#n-scene_04 .attempt').innerText()).toBe('Last attempt with fal-ai/flux/schnell failed:');
  });

  it('says the page holds drafts', async () => {
    const banner = page.locator('#draft');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toMatch(/^DRAFT\s+1 of 7 .*offline draft preview/);
    expect(await page.locator('#n-seg_01 .b-draft').isVisible()).toBe(true);
    expect(await page.locator('#n-seg_02 .b-draft').count()).toBe(0);
  });

  it('lays out the timeline in story order with each segment between its keyframes', async () => {
    const items = await page.$$eval('#timeline .timeline > li', (lis) => lis.map((li) => `${li.className}:${li.querySelector('.tl-name')!.textContent}`));
    expect(items).toEqual(['tl-key:scene_01', 'tl-seg:seg_01', 'tl-key:scene_02', 'tl-seg:seg_02', 'tl-key:scene_03']);
    const times = await page.$$eval('#timeline .tl-time', (els) => els.map((e) => e.textContent));
    // From the film's recorded cut (crossfaded), not the segments' declared 5 s and 3 s.
    expect(times).toEqual(['5.5s · 0:00–0:05.5', '3s · 0:05–0:08']);
    expect(await page.locator('#timeline h2 .count').innerText()).toBe('0:08');
    // Each keyframe at its own shape, in the order the film shows them.
    const boxes = await page.$$eval('#timeline .timeline > li', (lis) => lis.map((li) => li.getBoundingClientRect().left));
    expect([...boxes].sort((a, b) => a - b)).toEqual(boxes);
  });

  it('plays the film on top, and a click on a segment seeks it there', async () => {
    const film = page.locator('#film-player');
    expect(await film.isVisible()).toBe(true);
    const top = await page.$$eval('main > section', (secs) => secs.map((s) => s.id));
    expect(top.slice(0, 2)).toEqual(['film', 'timeline']);
    await page.waitForFunction(() => (document.getElementById('film-player') as HTMLVideoElement).readyState >= 2);
    const duration = await film.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(7.9);
    expect(duration).toBeLessThan(8.2);
    await page.locator('.tl-seg[data-node="seg_02"] .tl-clip').click();
    await page.waitForFunction(() => {
      const v = document.getElementById('film-player') as HTMLVideoElement;
      return !v.paused && v.currentTime > 5.2;
    });
    const t = await film.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(t).toBeGreaterThanOrEqual(5);
    expect(t).toBeLessThan(7.5);
    await page.waitForFunction(() => document.querySelector('.tl-seg[data-node="seg_02"]')!.classList.contains('playing'));
    expect(await page.locator('.tl-seg[data-node="seg_01"].playing').count()).toBe(0);
    await page.locator('.tl-seg[data-node="seg_01"] .tl-clip').click();
    await page.waitForFunction(() => (document.getElementById('film-player') as HTMLVideoElement).currentTime < 4.5);
    await film.evaluate((v: HTMLVideoElement) => v.pause());
  });

  it("a click on a segment's name seeks the film too, to the segment's real start", async () => {
    const film = page.locator('#film-player');
    await page.locator('.tl-seg[data-node="seg_02"] .tl-name a').click();
    await page.waitForFunction(() => {
      const v = document.getElementById('film-player') as HTMLVideoElement;
      return !v.paused && v.currentTime >= 5;
    });
    expect(await film.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeLessThan(7.5);
    await film.evaluate((v: HTMLVideoElement) => v.pause());
  });

  it('shows earlier versions on request', async () => {
    const versions = page.locator('#n-scene_02 .versions');
    expect(await versions.locator('.version').first().isVisible()).toBe(false);
    await versions.locator('summary').click();
    expect(await versions.locator('.version').count()).toBe(2);
    expect(await versions.locator('.version img').first().evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    expect(await versions.locator('.restore').first().innerText()).toBe('prompt: "She looks back"\nseed: 12');
  });

  it('marks the picked take among all takes', async () => {
    const takes = await page.$$eval('#n-scene_01 .take', (els) => els.map((e) => [e.getAttribute('data-take'), e.classList.contains('picked')]));
    expect(takes).toEqual([
      ['1', false],
      ['2', true],
      ['3', false],
    ]);
    // The take number and the pick mark sit under the image, never over it (a draft's title is in its corner).
    const overlaps = await page.$$eval('#n-scene_01 .take', (els) =>
      els.flatMap((e) => {
        const img = e.querySelector('img')!.getBoundingClientRect();
        return [...e.querySelectorAll('.n, .pick')].map((m) => m.getBoundingClientRect().top < img.bottom - 0.5);
      }),
    );
    expect(overlaps).toEqual([false, false, false, false]);
    const main = await page.locator('#n-scene_01 .frame img').getAttribute('src');
    const picked = await page.locator('#n-scene_01 .take.picked img').getAttribute('src');
    expect(main).toBe(picked);
  });

  it('plays the segments: an animated WebP and an MP4', async () => {
    const draft = page.locator('#n-seg_01 .frame img');
    expect(await draft.isVisible()).toBe(true);
    expect(await draft.getAttribute('src')).toMatch(/^media\/[0-9a-f]{64}\.webp$/);
    expect(await draft.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
    const video = page.locator('#n-seg_02 video');
    expect(await video.isVisible()).toBe(true);
    await page.waitForFunction(() => (document.querySelector('#n-seg_02 video') as HTMLVideoElement).readyState > 0);
    expect(await video.evaluate((v: HTMLVideoElement) => [v.loop, v.muted, v.controls, v.videoWidth])).toEqual([true, true, true, 160]);
  });

  it('links reference thumbnails to their cards', async () => {
    await page.locator('#n-scene_02 .input', { hasText: 'mentor' }).click();
    await page.waitForFunction(() => location.hash === '#n-mentor');
    expect(await page.locator('#n-mentor').isVisible()).toBe(true);
  });

  it('shows a node being built with its state and time so far, ticking, until it is done', async () => {
    server.track({ type: 'node:start', node: 'seg_02', provider: 'google', model: 'veo-3.0-generate-001', attempt: 1 });
    server.track({ type: 'node:progress', node: 'seg_02', progress: { state: 'running' } });
    const line = page.locator('#n-seg_02 .live-run');
    await line.waitFor();
    expect(await line.innerText()).toMatch(/^building: running · 0:0\d$/);
    const first = await line.innerText();
    await page.waitForFunction((was) => document.querySelector('#n-seg_02 .live-run')?.textContent !== was, first, { timeout: 5000 });
    expect(await page.locator('.tl-seg[data-node="seg_02"] .live-run').count()).toBe(1);
    server.track({ type: 'node:done', node: 'seg_02', outcome: 'built', costUsd: 0, durationMs: 2000, outputs: [] });
    await page.waitForFunction(() => !document.querySelector('.live-run'));
  });

  it('reloads when told to, showing the rebuilt gallery', async () => {
    await openGallery();
    await page.evaluate(() => (window.aivpMarker = 1));
    fx.failures.clear();
    await buildGallery({ ...fx, outDir });
    const loaded = page.waitForEvent('load');
    server.reload();
    await loaded;
    expect(await page.evaluate(() => window.aivpMarker)).toBeUndefined();
    expect(await page.locator('#n-scene_04 .badge:not(.b-draft)').innerText()).toBe('missing');
  });
});
