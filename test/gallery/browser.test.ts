// The gallery as a user sees it: built from a fabricated project, served, and opened in real
// headless Chromium (CI installs the Debian `chromium` package).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGallery } from '../../src/gallery/build.js';
import { EVENTS_PATH, serveGallery, type GalleryServer } from '../../src/gallery/serve.js';
import { makeFixture, TRICKY_PROMPT, type Fixture } from './fixture.js';

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

/** A short WebM recorded from a canvas by the browser itself: no ffmpeg, no binary fixture. */
async function recordWebm(p: Page): Promise<Buffer> {
  const base64 = await p.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 90;
    const ctx = canvas.getContext('2d')!;
    const recorder = new MediaRecorder(canvas.captureStream(20), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    for (let i = 0; i < 12; i++) {
      ctx.fillStyle = `hsl(${i * 30} 60% 45%)`;
      ctx.fillRect(0, 0, 160, 90);
      await new Promise((r) => setTimeout(r, 50));
    }
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

async function openGallery(): Promise<void> {
  const connected = page.waitForResponse((r) => r.url().endsWith(EVENTS_PATH));
  await page.goto(server.url, { waitUntil: 'load' });
  await connected;
}

describe.skipIf(!haveChromium)('gallery in Chromium', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aivp-gallery-browser-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const webm = await recordWebm(page);
    fx = await makeFixture(path.join(tmp, 'project'), { bytes: webm, ext: 'webm', mediaType: 'video/webm' });
    outDir = path.join(tmp, 'gallery');
    await buildGallery({ ...fx, outDir });
    server = await serveGallery({ dir: outDir });
    await openGallery();
  });

  afterAll(async () => {
    await server?.close();
    await browser?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('loads every image', async () => {
    const images = await page.$$eval('img', (imgs) => imgs.map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0 })));
    expect(images.length).toBeGreaterThan(15);
    expect(images.filter((i) => !i.ok)).toEqual([]);
    if (process.env.AIVP_GALLERY_SCREENSHOT) await page.screenshot({ path: process.env.AIVP_GALLERY_SCREENSHOT, fullPage: true });
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
      await page.$$eval('article.card', (cards) => cards.map((c) => [c.id.slice(2), c.querySelector('.badge')!.textContent])),
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
  });

  it('marks the picked take among all takes', async () => {
    const takes = await page.$$eval('#n-scene_01 .take', (els) => els.map((e) => [e.getAttribute('data-take'), e.classList.contains('picked')]));
    expect(takes).toEqual([
      ['1', false],
      ['2', true],
      ['3', false],
    ]);
    const main = await page.locator('#n-scene_01 .frame img').getAttribute('src');
    const picked = await page.locator('#n-scene_01 .take.picked img').getAttribute('src');
    expect(main).toBe(picked);
  });

  it('plays the segments: an animated WebP and a video', async () => {
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

  it('reloads when told to, showing the rebuilt gallery', async () => {
    await openGallery();
    await page.evaluate(() => (window.aivpMarker = 1));
    fx.failures.clear();
    await buildGallery({ ...fx, outDir });
    const loaded = page.waitForEvent('load');
    server.reload();
    await loaded;
    expect(await page.evaluate(() => window.aivpMarker)).toBeUndefined();
    expect(await page.locator('#n-scene_04 .badge').innerText()).toBe('missing');
  });
});
