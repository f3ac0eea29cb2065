import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGallery } from '../../src/gallery/build.js';
import { escapeHtml } from '../../src/gallery/markup.js';
import { tempDir } from '../support/project.js';
import { makeFixture, PROJECT_YAML, TRICKY_PROMPT, type Fixture } from './fixture.js';

let tmp: string;
let fx: Fixture;
let outDir: string;
let html: string;

beforeAll(async () => {
  tmp = await tempDir();
  fx = await makeFixture(path.join(tmp, 'project'));
  outDir = path.join(tmp, 'project', '.aivp', 'gallery');
  const { indexPath } = await buildGallery({ ...fx, outDir });
  expect(indexPath).toBe(path.join(outDir, 'index.html'));
  html = await readFile(indexPath, 'utf8');
});

const attrs = (name: string): string[] => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('gallery page', () => {
  it('escapes every user string', () => {
    expect(escapeHtml(`<b>&"'`)).toBe('&#60;b&#62;&#38;&#34;&#39;');
    expect(html).toContain(`<p class="prompt">${escapeHtml(TRICKY_PROMPT)}</p>`);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('alert(1)</script>');
    expect(html).toContain('<h1>Cliff &#60;Dreams&#62; &#38; co</h1>');
    expect(html).toContain('422 &#60;no image returned&#62;');
  });

  it('has one inline script of its own and no external resources', () => {
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).toMatch(/<script>\(\(\) => \{/);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/fetch\(|EventSource|XMLHttpRequest/);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/(src|href)="\/\//);
    expect(html).not.toMatch(/<link\b/i);
  });

  it('points only at files inside the gallery folder, all present', () => {
    const targets = [...attrs('src'), ...attrs('href'), ...attrs('poster')].filter((t) => !t.startsWith('#'));
    expect(targets.length).toBeGreaterThan(10);
    for (const t of targets) {
      expect(t).toMatch(/^(media|thumbs)\/[0-9a-f]{64}\.[a-z0-9]+$/);
      expect(existsSync(path.join(outDir, t)), t).toBe(true);
    }
    for (const anchor of attrs('href').filter((t) => t.startsWith('#'))) {
      expect(html).toContain(`id="${anchor.slice(1)}"`);
    }
  });

  it('shows nodes in project order with the right status', () => {
    const cards = [...html.matchAll(/data-node="([^"]+)" data-status="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(cards).toEqual([
      ['mentor', 'source'],
      ['places', 'source'],
      ['hero', 'uptodate'],
      ['style', 'uptodate'],
      ['scene_01', 'uptodate'],
      ['scene_02', 'stale'],
      ['scene_03', 'modified'],
      ['scene_04', 'failed'],
      ['scene_05', 'missing'],
      ['seg_01', 'uptodate'],
    ]);
    expect(html).toContain('<p class="reasons">prompt changed</p>');
    expect(html).toContain('She looks at the sea'); // the prompt the stale output was made from
  });

  it('totals built, stale, missing, failed and spent', () => {
    expect(html).toMatch(/<b>5<\/b> built/); // hero, style, scene_01, scene_03 (hand-edited), seg_01
    expect(html).toMatch(/<b>1<\/b> stale/);
    expect(html).toMatch(/<b>1<\/b> missing/);
    expect(html).toMatch(/<b>1<\/b> failed/);
    expect(html).toContain('<b>$0.17</b> spent'); // 7 fal images at $0.025, the draft clip free: written as plan writes money
  });

  it('shows every take with the pick marked, and the dir reference one by one', () => {
    const s1 = html.slice(html.indexOf('id="n-scene_01"'), html.indexOf('id="n-scene_02"'));
    expect(s1.match(/class="take[ "]/g)).toHaveLength(3);
    expect(s1).toContain('class="take picked" data-take="2"');
    expect(s1).toContain('<dd>1001</dd>');
    expect(s1).toMatch(/title="ref: places\/beach"/);
    const places = html.slice(html.indexOf('id="n-places"'), html.indexOf('id="n-hero"'));
    expect(places.match(/<img /g)).toHaveLength(3);
  });

  it('copies outputs by content and reuses thumbnails on rebuild', async () => {
    const media = await readdir(path.join(outDir, 'media'));
    const thumbs = await readdir(path.join(outDir, 'thumbs'));
    // 4 source images, hero, style, 3 takes, scene_02, scene_03, the clip, 2 earlier scene_02s
    expect(media).toHaveLength(14);
    expect(thumbs).toHaveLength(14);
    const before = await stat(path.join(outDir, 'thumbs', thumbs[0]!));
    await buildGallery({ ...fx, outDir });
    expect((await stat(path.join(outDir, 'thumbs', thumbs[0]!))).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(path.join(outDir, 'media'))).toHaveLength(14);
  });

  it('drops media of earlier builds that the page no longer shows', async () => {
    const dir = path.join(tmp, 'pruned');
    await buildGallery({ ...fx, outDir: dir });
    await writeFile(path.join(dir, 'media', 'notes.txt'), 'mine');
    const records = new Map(fx.records);
    records.delete('seg_01');
    await buildGallery({ ...fx, records, outDir: dir });
    const media = await readdir(path.join(dir, 'media'));
    expect(media.filter((m) => m.endsWith('.webp'))).toEqual([]);
    expect(media).toHaveLength(14); // 13 outputs left, plus the user's own file
    expect(media).toContain('notes.txt');
  });

  it('shows the hand-edited bytes, not the recorded ones', async () => {
    const edited = await readFile(path.join(fx.project.root, 'keyframes/scene_03.png'));
    const sha = createHash('sha256').update(edited).digest('hex');
    const s3 = html.slice(html.indexOf('id="n-scene_03"'), html.indexOf('id="n-scene_04"'));
    expect(s3).toContain(`media/${sha}.png`);
    expect(sha).not.toBe(fx.records.get('scene_03')!.outputs[0]!.sha256);
  });

  it('says which line to edit to choose a take, and offers no button', () => {
    const s1 = card('scene_01');
    // `pick: 2` is line 16 of the fixture's project file.
    expect(s1).toContain('To use another take, change <code>pick:</code> at <code>aivp.project.yaml:16</code>.');
    expect(html).not.toMatch(/<button[^>]*use-take|use this take/);
    expect(card('hero')).not.toContain('pick-hint'); // one take: nothing to choose
    expect(html).toContain(`<meta name="aivp-project" content="${createHash('sha256').update(PROJECT_YAML).digest('hex')}">`);
  });

  it('shows a failed node with the error and the model of its last attempt', () => {
    const s4 = card('scene_04');
    expect(s4).toContain('Last attempt with <code>fal-ai/flux/schnell</code> failed:');
    expect(s4).toContain('<pre class="error">fal-ai/flux/schnell: 422 &#60;no image returned&#62;</pre>');
    expect(s4).toContain('data-status="failed"');
  });

  it('marks the draft outputs and says the page holds drafts', () => {
    expect(html).toContain('<body class="is-draft">');
    expect(html).toMatch(/<p class="draft-banner" id="draft"><b>Draft<\/b> 1 of 6 outputs here are an offline draft preview/);
    expect(card('seg_01')).toContain('<span class="badge b-draft">draft</span>');
    expect(card('scene_01')).not.toContain('b-draft');
  });

  it('lists earlier versions newest first with the lines that restore them', () => {
    const versions = card('scene_02').slice(card('scene_02').indexOf('class="versions"'));
    expect(versions).toContain('Earlier versions <span class="count">2</span>');
    const prompts = [...versions.matchAll(/<li class="version">.*?<p class="prompt">([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(prompts).toEqual(['She looks back', 'She stands still']);
    expect(versions).toContain('put back in <code>shots.scene_02</code>:</p><pre class="restore">prompt: &#34;She looks back&#34;\nseed: 12</pre>');
    expect(versions).toContain('<dd>2024-12-02 10:00:00 UTC</dd>');
    expect(card('scene_01')).not.toContain('class="versions"');
  });

  it('shows references and the style frame at their own aspect ratio', () => {
    expect(card('mentor')).toContain('style="--frame:200 / 260"');
    expect(card('style')).toContain('style="--frame:384 / 216"');
    expect(card('hero')).toContain('style="--frame:256 / 256"');
  });

  it("lays the segments on a timeline between their keyframes, timed by the clip's real length (not the declared one)", () => {
    const tl = html.slice(html.indexOf('<section id="timeline">'), html.indexOf('</section>', html.indexOf('<section id="timeline">')));
    const items = [...tl.matchAll(/<li class="(tl-key|tl-seg)"[^>]*>[\s\S]*?<span class="tl-name">(?:<a[^>]*>)?([^<]+)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(items).toEqual(['tl-key:scene_01', 'tl-seg:seg_01', 'tl-key:scene_02']);
    expect(tl).toContain('data-start="0"');
    // seg_01 asks for 5 s; its draft clip is 4 frames of 100 ms.
    expect(tl).toContain('<b>0.4s</b> · 0:00–0:00.4');
    expect(html).toContain('<b>0:00.4</b> running time');
    expect(card('seg_01')).toContain('<dt>duration</dt><dd>0.4s</dd>');
  });
});

function card(name: string): string {
  const at = html.indexOf(`id="n-${name}"`);
  return html.slice(at, html.indexOf('</article>', at));
}
