// Renders the gallery view as one self-contained storyboard page: the film on top, the timeline
// of segments in story order, then a card per node. Its CSS and one small script (the timeline
// seeks the film) are inlined from page/; no external resources. Markup goes through the `html`
// tag, so every user string is escaped unless it is markup the tag made.
import type { Asset } from './assets.js';
import { formatUsd } from '../base/money.js';
import { html, joinHtml, type SafeHtml } from './markup.js';
import { pageFile } from './page-files.js';
import type { Badge, FilmView, GalleryView, InputThumb, NodeView, Take, TimelineEntry, Version } from './view.js';

const BADGE_LABELS: Record<Badge, string> = {
  uptodate: 'up to date',
  stale: 'stale',
  missing: 'missing',
  failed: 'failed',
  modified: 'hand-edited',
  source: 'source',
};

export function renderGallery(view: GalleryView): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="aivp">
${view.projectHash ? html`<meta name="aivp-project" content="${view.projectHash}">\n` : ''}<title>${view.name} · storyboard</title>
<style>
${pageFile('storyboard.css')}
</style>
</head>
<body${view.draft ? html` class="is-draft"` : ''}>
${header(view)}
<main>
${view.film ? film(view.film, view) : ''}
${timeline(view)}
${section('References', 'references', view.references)}
${section('Shots', 'shots', view.shots)}
${section('Segments', 'segments', view.segments)}
</main>
<footer>Made with aivp</footer>
<script>${pageFile('seek.js')}</script>
</body>
</html>
`.toString();
}

function header(view: GalleryView): SafeHtml {
  const t = view.totals;
  const stat = (n: number, label: string, cls: string): SafeHtml =>
    html`<li class="stat ${cls}${n === 0 ? ' zero' : ''}"><b>${n}</b> ${label}</li>`;
  const draft = view.draft
    ? html`<p class="draft-banner" id="draft"><b>Draft</b> ${view.draft.count === view.draft.of ? 'Every output here is' : `${view.draft.count} of ${view.draft.of} outputs here are`} an offline draft preview (<code>aivp build --draft</code>), not the real models' work: <code>aivp build</code> makes the real thing.</p>`
    : '';
  return html`<header>
<p class="eyebrow">Storyboard</p>
<h1>${view.name}</h1>
${draft}
<ul class="stats">
${stat(t.built, 'built', 'b-uptodate')}
${stat(t.stale, 'stale', 'b-stale')}
${stat(t.missing, 'missing', 'b-missing')}
${stat(t.failed, 'failed', 'b-failed')}
<li class="stat spent"><b>${formatUsd(t.spentUsd)}</b> spent</li>
${view.runningTimeSec !== undefined ? html`<li class="stat spent"><b>${clock(view.runningTimeSec)}</b> running time</li>` : ''}
</ul>
</header>`;
}

function film(f: FilmView, view: GalleryView): SafeHtml {
  return html`<section id="film">
<h2>Film ${f.badge !== 'uptodate' ? html`<span class="badge b-${f.badge}">${BADGE_LABELS[f.badge]}</span>` : ''}${view.draft ? html`<span class="badge b-draft">draft</span>` : ''}</h2>
<div class="player"><video id="film-player" src="${src(f.asset.media)}" controls playsinline preload="auto"></video></div>
<p class="caption">${f.path}${view.runningTimeSec !== undefined ? ` · ${clock(view.runningTimeSec)}` : ''}${view.timeline.length ? ' · click a segment in the timeline to jump there' : ''}</p>
</section>`;
}

function timeline(view: GalleryView): SafeHtml {
  if (view.timeline.length === 0) return shotline(view.shotline);
  // Between two segments that share no keyframe, a cut mark: nothing on the timeline joins them.
  const items = view.timeline.flatMap((e, i) => [
    ...(i > 0 && !e.joined ? [html`<li class="tl-cut" aria-hidden="true"></li>`] : []),
    ...(e.first && !e.joined ? [keyframe(e.first)] : []),
    clipItem(e),
    ...(e.last ? [keyframe(e.last)] : []),
  ]);
  const total = view.runningTimeSec !== undefined ? html`<span class="count">${clock(view.runningTimeSec)}</span>` : '';
  return html`<section id="timeline">
<h2>Timeline ${total}</h2>
<ol class="timeline">
${joinHtml(items, '\n')}
</ol>
</section>`;
}

/** A project without segments: its shots in story order. */
function shotline(shots: NodeView[]): SafeHtml {
  if (shots.length === 0) return html``;
  const items = shots.map((s) => keyframe({ role: 'keyframe', name: s.name, anchor: s.anchor, asset: pickedAsset(s) }));
  return html`<section id="timeline">
<h2>Timeline</h2>
<ol class="timeline">
${joinHtml(items, '\n')}
</ol>
</section>`;
}

function keyframe(k: InputThumb): SafeHtml {
  const img = k.asset ? html`<img src="${src(k.asset.thumb ?? k.asset.media)}" alt="${k.name}" decoding="async"${aspect(k.asset)}>` : html`<span class="none">not built</span>`;
  return html`<li class="tl-key"><a href="#${k.anchor}" style="--frame:${ratio(k.asset)}">${img}</a><span class="tl-name">${k.name}</span></li>`;
}

function clipItem(e: TimelineEntry): SafeHtml {
  const s = e.segment;
  const shown = s.takes[0]?.asset;
  const media = !shown
    ? html`<span class="none">${s.badge === 'failed' ? 'failed' : 'not built'}</span>`
    : shown.mediaType.startsWith('video/')
      ? html`<video src="${src(shown.media)}"${e.first?.asset?.thumb ? html` poster="${src(e.first.asset.thumb)}"` : ''} muted loop playsinline preload="metadata"></video>`
      : html`<img src="${src(shown.thumb ?? shown.media)}" alt="${s.name}" decoding="async">`;
  const start = e.startSec !== undefined ? html` data-start="${e.startSec}"` : '';
  const span = e.startSec !== undefined && e.durationSec !== undefined ? `${clock(e.startSec)}–${clock(e.startSec + e.durationSec)}` : '';
  const middle = e.middle ? html`<span class="tl-mid" title="its one keyframe, mid-clip">${e.middle.name}</span>` : '';
  return html`<li class="tl-seg${e.first && e.last ? '' : ' single'}" data-node="${s.name}"${start}>
<button type="button" class="tl-clip" title="${s.name}${span ? ` (${span})` : ''}">${media}</button>
<span class="tl-name"><a href="#${s.anchor}">${s.name}</a>${middle}</span>
<span class="tl-time"><b>${e.durationSec !== undefined ? `${seconds(e.durationSec)}s` : '?s'}</b>${span ? ` · ${span}` : ''}</span>
</li>`;
}

function section(title: string, id: string, cards: NodeView[]): SafeHtml {
  if (cards.length === 0) return html``;
  return html`<section id="${id}">
<h2>${title} <span class="count">${cards.length}</span></h2>
<div class="grid${id === 'references' ? '' : ' wide'}">
${joinHtml(cards.map(card), '\n')}
</div>
</section>`;
}

function card(v: NodeView): SafeHtml {
  return html`<article class="card" id="${v.anchor}" data-node="${v.name}" data-status="${v.badge}"${v.pickAt ? html` data-pickable` : ''}>
${frame(v)}
<div class="body">
<div class="title"><h3>${v.name}</h3><span class="badges">${v.draft ? html`<span class="badge b-draft">draft</span>` : ''}<span class="badge b-${v.badge}">${BADGE_LABELS[v.badge]}</span></span></div>
${v.reasons.length ? html`<p class="reasons">${v.reasons.join(' · ')}</p>` : ''}
${v.error !== undefined ? html`<div class="failure"><p class="attempt">Last attempt with <code>${v.failedModel ?? v.model}</code> failed:</p><pre class="error">${v.error}</pre></div>` : ''}
${v.prompt !== undefined ? html`<p class="prompt">${v.prompt}</p>` : ''}
${v.builtPrompt !== undefined ? html`<details class="built"><summary>Shown output was made from</summary><p class="prompt">${v.builtPrompt}</p></details>` : ''}
${meta(v)}
${pickHint(v)}
${inputs(v.inputs)}
${versions(v)}
</div>
</article>`;
}

function frame(v: NodeView): SafeHtml {
  if (v.takes.length === 0) {
    const label = v.badge === 'failed' ? 'generation failed' : 'not built yet';
    return html`<div class="frame empty"><span>${label}</span></div>`;
  }
  if (v.kind === 'segment') {
    const keyAspect = v.inputs.find((i) => i.asset)?.asset;
    return html`<div class="frame clip" style="--frame:${ratio(keyAspect)}">${clip(v.takes[0]!.asset, v)}</div>`;
  }
  if (v.badge === 'source' && v.takes.length > 1) {
    const cols = Math.ceil(Math.sqrt(v.takes.length));
    return html`<div class="frame mosaic" style="--cols:${cols}">${v.takes.map((t) => thumbLink(t.asset, `${v.name} ${t.index}`))}</div>`;
  }
  const main = v.takes.find((t) => t.picked) ?? v.takes[0]!;
  const strip = v.takes.length > 1 ? html`<div class="takes">${v.takes.map((t) => take(t, v.name))}</div>` : '';
  return html`<div class="frame" style="--frame:${ratio(main.asset)}">${thumbLink(main.asset, v.name)}</div>${strip}`;
}

function clip(asset: Asset, v: NodeView): SafeHtml {
  if (asset.mediaType.startsWith('video/')) {
    const poster = v.inputs.find((i) => i.asset?.thumb)?.asset?.thumb;
    return html`<video src="${src(asset.media)}"${poster ? html` poster="${src(poster)}"` : ''} controls loop muted playsinline preload="metadata"></video>`;
  }
  return html`<a href="${src(asset.media)}" target="_blank"><img src="${src(asset.media)}" alt="${v.name}" decoding="async"${aspect(asset)}></a>`;
}

function take(t: Take, name: string): SafeHtml {
  const label = t.picked ? html`<span class="pick">pick</span>` : '';
  // The number and the pick mark sit under the image, never on it: a draft writes its title in the corner.
  return html`<div class="take${t.picked ? ' picked' : ''}" data-take="${t.index}" style="--frame:${ratio(t.asset)}">${thumbLink(t.asset, `${name} take ${t.index}`)}<span class="take-cap"><span class="n">${t.index}</span>${label}</span></div>`;
}

/** The static page's way to choose a take: the line to edit (the live page adds buttons). */
function pickHint(v: NodeView): SafeHtml {
  if (!v.pickAt) return html``;
  const where = v.pickAt.hasPick
    ? html`change <code>pick:</code> at <code>aivp.project.yaml:${v.pickAt.line}</code>`
    : html`add <code>pick: N</code> under <code>${v.field}</code> (<code>aivp.project.yaml:${v.pickAt.line}</code>)`;
  return html`<p class="pick-hint">To use another take, ${where}.</p>`;
}

function versions(v: NodeView): SafeHtml {
  if (v.versions.length === 0) return html``;
  return html`<details class="versions"><summary>Earlier versions <span class="count">${v.versions.length}</span></summary>
<ol>${v.versions.map((ver) => version(ver, v))}</ol>
</details>`;
}

function version(ver: Version, v: NodeView): SafeHtml {
  const media = ver.assets.map((a) =>
    a.mediaType.startsWith('video/') ? html`<video src="${src(a.media)}" controls muted loop playsinline preload="none"></video>` : thumbLink(a, `${v.name} earlier`),
  );
  const rows: [string, string][] = [['made', ver.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')], ['model', ver.model]];
  if (ver.seed !== undefined) rows.push(['seed', String(ver.seed)]);
  const restore = ver.restore.length
    ? html`<p class="restore-how">To restore it (free, from the cache), put back in <code>${v.field}</code>:</p><pre class="restore">${ver.restore.join('\n')}</pre>`
    : '';
  return html`<li class="version"><div class="v-media">${media}</div>${ver.prompt !== undefined ? html`<p class="prompt">${ver.prompt}</p>` : ''}${metaList(rows)}${restore}</li>`;
}

function thumbLink(asset: Asset, alt: string): SafeHtml {
  return html`<a href="${src(asset.media)}" target="_blank"><img src="${src(asset.thumb ?? asset.media)}" alt="${alt}" decoding="async"${aspect(asset)}></a>`;
}

function aspect(asset: Asset): SafeHtml {
  return asset.width && asset.height ? html` width="${asset.width}" height="${asset.height}"` : html``;
}

/** The CSS aspect ratio of an image (its own shape, never squeezed), 16:9 when unknown. */
function ratio(asset: Asset | undefined): string {
  return asset?.width && asset.height ? `${asset.width} / ${asset.height}` : '16 / 9';
}

/** A gallery-relative path as a URL (the tag escapes it for the attribute). */
function src(rel: string): string {
  return encodeURI(rel);
}

function pickedAsset(v: NodeView): Asset | undefined {
  return (v.takes.find((t) => t.picked) ?? v.takes[0])?.asset;
}

function meta(v: NodeView): SafeHtml {
  const rows: [string, string][] = v.sourcePath !== undefined ? [['file', v.sourcePath]] : [['model', v.model]];
  if (v.seed !== undefined) rows.push(['seed', String(v.seed)]);
  if (v.durationSec !== undefined) rows.push(['duration', `${seconds(v.durationSec)}s`]);
  else if (v.askedSec !== undefined) rows.push(['asks for', `${v.askedSec}s`]);
  if (v.costUsd !== undefined) rows.push(['cost', formatUsd(v.costUsd)]);
  if (v.takes.length > 1 && v.kind !== 'segment' && v.badge !== 'source') rows.push(['takes', String(v.takes.length)]);
  return metaList(rows);
}

function metaList(rows: [string, string][]): SafeHtml {
  return html`<dl class="meta">${rows.map(([k, val]) => html`<div><dt>${k}</dt><dd>${val}</dd></div>`)}</dl>`;
}

function inputs(list: InputThumb[]): SafeHtml {
  if (list.length === 0) return html``;
  const items = list.map((i) => {
    const img = i.asset ? html`<img src="${src(i.asset.thumb ?? i.asset.media)}" alt="" decoding="async">` : html`<span class="none"></span>`;
    return html`<a class="input" href="#${i.anchor}" title="${i.role}: ${i.name}">${img}<span>${i.name}</span></a>`;
  });
  return html`<div class="inputs">${items}</div>`;
}

/** Seconds to a tenth: 4.96 s of clip reads 5s, 2.5 stays 2.5. */
function seconds(sec: number): string {
  return String(Math.round(sec * 10) / 10);
}

/** m:ss, with tenths when the time is not whole. */
function clock(sec: number): string {
  const tenths = Math.round(sec * 10);
  const m = Math.floor(tenths / 600);
  const s = (tenths - m * 600) / 10;
  const whole = Number.isInteger(s);
  return `${m}:${(whole ? String(s) : s.toFixed(1)).padStart(whole ? 2 : 4, '0')}`;
}
