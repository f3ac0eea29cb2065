// The gallery's markup escapes by default: the `html` tag on its own, then the whole page fed a
// hostile string in every field a user (or a provider's error) can fill, and the page files the
// build copies beside the compiled module.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/gallery/assets.js';
import { renderGallery } from '../../src/gallery/html.js';
import { escapeHtml, html, joinHtml, rawPageText, type HtmlValue } from '../../src/gallery/markup.js';
import type { GalleryView, NodeView } from '../../src/gallery/view.js';
import { REPO } from '../cli/helpers.js';

describe('the html tag', () => {
  it('escapes text and numbers, in content and in quoted attributes', () => {
    const v = `<b>"x" & 'y'</b>`;
    expect(String(html`<p title="${v}">${v} ${3}</p>`)).toBe(`<p title="${escapeHtml(v)}">${escapeHtml(v)} 3</p>`);
  });

  it('inserts its own results as they are, lists of them joined', () => {
    const items = ['<a>', 'b&'].map((t) => html`<li>${t}</li>`);
    expect(String(html`<ul>${items}</ul>`)).toBe('<ul><li>&#60;a&#62;</li><li>b&#38;</li></ul>');
    expect(String(joinHtml(items, '\n'))).toBe('<li>&#60;a&#62;</li>\n<li>b&#38;</li>');
  });

  it('takes nothing else for markup: a look-alike, a missing value or a direct call stops the page', () => {
    const forged = { [Symbol('aivp.html')]: '<script>', toString: () => '<script>' } as unknown as HtmlValue;
    expect(() => html`${forged}`).toThrow(TypeError);
    expect(() => html`${undefined as unknown as string}`).toThrow(/cannot interpolate undefined/);
    // A list holds markup by its type; a string that slips into one is still text.
    expect(String(html`${['<i>'] as unknown as HtmlValue}`)).toBe('&#60;i&#62;');
    const text = '<script>';
    expect(() => html(Object.assign([text], { raw: [text] }))).toThrow(/as a tag/);
  });

  it('lets only the page files past escaping, and never a closing tag', () => {
    expect(() => rawPageText('a{}</style><script>')).toThrow(/<\//);
    const callers = sourceFiles(path.join(REPO, 'src')).filter((f) => /(?<!function )\brawPageText\(/.test(readFileSync(f, 'utf8')));
    expect(callers.map((f) => path.relative(REPO, f).replace(/\\/g, '/'))).toEqual(['src/gallery/page-files.ts']);
  });
});

/** The escaping the page must show, written out here so that the check does not trust the module's own. */
const escaped = (t: string) => t.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** A value that breaks out of text and out of a quoted attribute, named so the test can find it. */
const hostile = (label: string) => `${label}<script>alert(1)</script>"' onerror="x"&amp;`;

/** Every string field of a page that is not from a fixed set: names, prompts, models, errors, paths. */
function hostileView(): { view: GalleryView; labels: string[] } {
  const labels: string[] = [];
  const s = (label: string) => (labels.push(label), hostile(label));
  const asset = (label: string, mediaType = 'image/png'): Asset => ({ media: s(`${label}.media`), thumb: s(`${label}.thumb`), mediaType, width: 320, height: 180 });
  const node = (n: string, extra: Partial<NodeView>): NodeView => ({
    name: s(`${n}.name`),
    kind: 'shot',
    anchor: s(`${n}.anchor`),
    field: s(`${n}.field`),
    badge: 'stale',
    reasons: [s(`${n}.reason1`), s(`${n}.reason2`)],
    model: s(`${n}.model`),
    draft: false,
    takes: [],
    inputs: [],
    versions: [],
    ...extra,
  });
  const hero = node('hero', { kind: 'reference', badge: 'source', sourcePath: s('hero.file'), takes: [1, 2].map((i) => ({ index: i, asset: asset(`hero.take${i}`), picked: false })) });
  const shot = node('shot', {
    badge: 'failed',
    error: s('shot.error'),
    failedModel: s('shot.failedModel'),
    prompt: s('shot.prompt'),
    builtPrompt: s('shot.builtPrompt'),
    seed: 7,
    takes: [1, 2].map((i) => ({ index: i, asset: asset(`shot.take${i}`), picked: i === 2 })),
    pickAt: { line: 3, hasPick: false },
    inputs: [{ role: 'ref', name: s('shot.input.name'), anchor: s('shot.input.anchor'), asset: asset('shot.input') }],
    versions: [{ createdAt: s('shot.v.createdAt'), model: s('shot.v.model'), prompt: s('shot.v.prompt'), seed: 1, assets: [asset('shot.v'), asset('shot.v.clip', 'video/mp4')], restore: [s('shot.v.restore1'), s('shot.v.restore2')] }],
  });
  const segAsset = asset('seg.clip', 'video/mp4');
  const seg = node('seg', { kind: 'segment', badge: 'uptodate', durationSec: 4, takes: [{ index: 1, asset: segAsset, picked: true }], inputs: [{ role: 'keyframe', name: s('seg.key.name'), anchor: s('seg.key.anchor'), asset: asset('seg.key') }] });
  const view: GalleryView = {
    name: s('project.name'),
    totals: { built: 1, stale: 0, missing: 0, failed: 1, spentUsd: 0.05 },
    draft: { count: 1, of: 3 },
    projectHash: s('project.hash'),
    film: { name: 'film', asset: asset('film', 'video/mp4'), badge: 'stale', path: s('film.path') },
    timeline: [{ segment: seg, first: { role: 'keyframe', name: s('tl.first.name'), anchor: s('tl.first.anchor'), asset: asset('tl.first') }, last: { role: 'keyframe', name: s('tl.last.name'), anchor: s('tl.last.anchor') }, joined: false, startSec: 0, durationSec: 4 }],
    runningTimeSec: 4,
    shotline: [],
    references: [hero],
    shots: [shot],
    segments: [seg],
  };
  return { view, labels };
}

describe('the whole page, with a hostile string in every field', () => {
  const { view, labels } = hostileView();
  // Without segments the timeline is the shots in story order: the other way names reach it.
  const pages = [renderGallery(view), renderGallery({ ...view, film: undefined, timeline: [], shotline: [view.shots[0]!, view.references[0]!] })];

  /** The page with every properly escaped hostile value taken out: what is left is markup and page files. */
  const rest = (page: string) => labels.reduce((p, l) => p.replaceAll(escaped(hostile(l)), '').replaceAll(escaped(encodeURI(hostile(l))), ''), page);

  it('shows every one of them, escaped', () => {
    const all = pages.join('\n');
    const missing = labels.filter((l) => !all.includes(escaped(hostile(l))) && !all.includes(escaped(encodeURI(hostile(l)))));
    // Not on the page by design: a source shows its file, not a model; a node without a take to
    // choose names no field; an input's chip and a keyframe show the thumbnail, a video its media.
    expect(missing.sort()).toEqual(
      ['hero.field', 'hero.model', 'seg.field', 'shot.input.media', 'seg.key.media', 'tl.first.media', 'film.thumb', 'seg.clip.thumb', 'shot.v.clip.thumb'].sort(),
    );
  });

  it.each([0, 1])('leaves no piece of one unescaped (page %i)', (i) => {
    const left = rest(pages[i]!);
    expect(left).not.toContain('alert(1)');
    expect(left).not.toMatch(/onerror|&amp;/);
    expect(left.match(/<script/g)).toHaveLength(1);
  });

  it.each([0, 1])('keeps every tag well formed: no quote in a value broke out of its attribute (page %i)', (i) => {
    const markup = pages[i]!.replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, '');
    const tags = markup.match(/<[^>]*>/g)!;
    const bad = tags.filter((t) => !/^<\/?[a-z][a-z0-9]*(\s+[a-z][a-z-]*(="[^"<>]*")?)*>$|^<!doctype html>$/.test(t));
    expect(bad).toEqual([]);
    expect(markup.replace(/<[^>]*>/g, '')).not.toMatch(/[<>"]/);
  });
});

describe('page files', () => {
  it('are copied by the build beside the compiled module that reads them', () => {
    const src = path.join(REPO, 'src/gallery/page');
    const names = readdirSync(src).sort();
    expect(names).toEqual(['live.js', 'seek.js', 'storyboard.css']);
    for (const n of names) expect(readFileSync(path.join(REPO, 'dist/gallery/page', n), 'utf8'), n).toBe(readFileSync(path.join(src, n), 'utf8'));
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}
