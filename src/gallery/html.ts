// Renders the gallery view as one self-contained storyboard page: the film on top, the timeline
// of segments in story order, then a card per node. Inline CSS and one small inline script (the
// timeline seeks the film); no external resources; every user string escaped.
import type { Asset } from './assets.js';
import type { Badge, FilmView, GalleryView, InputThumb, NodeView, Take, TimelineEntry, Version } from './view.js';

const BADGE_LABELS: Record<Badge, string> = {
  uptodate: 'up to date',
  stale: 'stale',
  missing: 'missing',
  failed: 'failed',
  modified: 'hand-edited',
  source: 'source',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const esc = escapeHtml;

export function renderGallery(view: GalleryView): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="aivp">
${view.projectHash ? `<meta name="aivp-project" content="${view.projectHash}">\n` : ''}<title>${esc(view.name)} · storyboard</title>
<style>${CSS}</style>
</head>
<body${view.draft ? ' class="is-draft"' : ''}>
${header(view)}
<main>
${view.film ? film(view.film, view) : ''}
${timeline(view)}
${section('References', 'references', view.references)}
${section('Shots', 'shots', view.shots)}
${section('Segments', 'segments', view.segments)}
</main>
<footer>Made with aivp</footer>
<script>${SEEK_SCRIPT}</script>
</body>
</html>
`;
}

function header(view: GalleryView): string {
  const t = view.totals;
  const stat = (n: number, label: string, cls: string): string =>
    `<li class="stat ${cls}${n === 0 ? ' zero' : ''}"><b>${n}</b> ${label}</li>`;
  const draft = view.draft
    ? `<p class="draft-banner" id="draft"><b>Draft</b> ${view.draft.count === view.draft.of ? 'Every output here is' : `${view.draft.count} of ${view.draft.of} outputs here are`} an offline draft preview (<code>aivp build --draft</code>), not the real models' work: <code>aivp build</code> makes the real thing.</p>`
    : '';
  return `<header>
<p class="eyebrow">Storyboard</p>
<h1>${esc(view.name)}</h1>
${draft}
<ul class="stats">
${stat(t.built, 'built', 'b-uptodate')}
${stat(t.stale, 'stale', 'b-stale')}
${stat(t.missing, 'missing', 'b-missing')}
${stat(t.failed, 'failed', 'b-failed')}
<li class="stat spent"><b>${usd(t.spentUsd)}</b> spent</li>
${view.runningTimeSec !== undefined ? `<li class="stat spent"><b>${clock(view.runningTimeSec)}</b> running time</li>` : ''}
</ul>
</header>`;
}

function film(f: FilmView, view: GalleryView): string {
  return `<section id="film">
<h2>Film ${f.badge !== 'uptodate' ? `<span class="badge b-${f.badge}">${BADGE_LABELS[f.badge]}</span>` : ''}${view.draft ? '<span class="badge b-draft">draft</span>' : ''}</h2>
<div class="player"><video id="film-player" src="${src(f.asset.media)}" controls playsinline preload="auto"></video></div>
<p class="caption">${esc(f.path)}${view.runningTimeSec !== undefined ? ` · ${clock(view.runningTimeSec)}` : ''}${view.timeline.length ? ' · click a segment in the timeline to jump there' : ''}</p>
</section>`;
}

function timeline(view: GalleryView): string {
  if (view.timeline.length === 0) return shotline(view.shotline);
  const items = view.timeline.flatMap((e) => [...(e.first && !e.joined ? [keyframe(e.first)] : []), clipItem(e), ...(e.last ? [keyframe(e.last)] : [])]);
  const total = view.runningTimeSec !== undefined ? `<span class="count">${clock(view.runningTimeSec)}</span>` : '';
  return `<section id="timeline">
<h2>Timeline ${total}</h2>
<ol class="timeline">
${items.join('\n')}
</ol>
</section>`;
}

/** A project without segments: its shots in story order. */
function shotline(shots: NodeView[]): string {
  if (shots.length === 0) return '';
  const items = shots.map((s) => keyframe({ role: 'keyframe', name: s.name, anchor: s.anchor, asset: pickedAsset(s) }));
  return `<section id="timeline">
<h2>Timeline</h2>
<ol class="timeline">
${items.join('\n')}
</ol>
</section>`;
}

function keyframe(k: InputThumb): string {
  const img = k.asset ? `<img src="${src(k.asset.thumb ?? k.asset.media)}" alt="${esc(k.name)}" decoding="async"${aspect(k.asset)}>` : '<span class="none">not built</span>';
  return `<li class="tl-key"><a href="#${esc(k.anchor)}" style="--frame:${ratio(k.asset)}">${img}</a><span class="tl-name">${esc(k.name)}</span></li>`;
}

function clipItem(e: TimelineEntry): string {
  const s = e.segment;
  const shown = s.takes[0]?.asset;
  const media = !shown
    ? `<span class="none">${s.badge === 'failed' ? 'failed' : 'not built'}</span>`
    : shown.mediaType.startsWith('video/')
      ? `<video src="${src(shown.media)}"${e.first?.asset?.thumb ? ` poster="${src(e.first.asset.thumb)}"` : ''} muted loop playsinline preload="metadata"></video>`
      : `<img src="${src(shown.thumb ?? shown.media)}" alt="${esc(s.name)}" decoding="async">`;
  const start = e.startSec !== undefined ? ` data-start="${e.startSec}"` : '';
  const span = e.startSec !== undefined && e.durationSec !== undefined ? `${clock(e.startSec)}–${clock(e.startSec + e.durationSec)}` : '';
  return `<li class="tl-seg" data-node="${esc(s.name)}"${start}>
<button type="button" class="tl-clip" title="${esc(s.name)}${span ? ` (${span})` : ''}">${media}</button>
<span class="tl-name"><a href="#${esc(s.anchor)}">${esc(s.name)}</a></span>
<span class="tl-time"><b>${e.durationSec !== undefined ? `${e.durationSec}s` : '?s'}</b>${span ? ` · ${span}` : ''}</span>
</li>`;
}

function section(title: string, id: string, cards: NodeView[]): string {
  if (cards.length === 0) return '';
  return `<section id="${id}">
<h2>${title} <span class="count">${cards.length}</span></h2>
<div class="grid${id === 'references' ? '' : ' wide'}">
${cards.map(card).join('\n')}
</div>
</section>`;
}

function card(v: NodeView): string {
  const pickable = v.pickAt ? ' data-pickable' : '';
  return `<article class="card" id="${esc(v.anchor)}" data-node="${esc(v.name)}" data-status="${v.badge}"${pickable}>
${frame(v)}
<div class="body">
<div class="title"><h3>${esc(v.name)}</h3><span class="badges">${v.draft ? '<span class="badge b-draft">draft</span>' : ''}<span class="badge b-${v.badge}">${BADGE_LABELS[v.badge]}</span></span></div>
${v.reasons.length ? `<p class="reasons">${v.reasons.map(esc).join(' · ')}</p>` : ''}
${v.error !== undefined ? `<div class="failure"><p class="attempt">Last attempt with <code>${esc(v.failedModel ?? v.model)}</code> failed:</p><pre class="error">${esc(v.error)}</pre></div>` : ''}
${v.prompt !== undefined ? `<p class="prompt">${esc(v.prompt)}</p>` : ''}
${v.builtPrompt !== undefined ? `<details class="built"><summary>Shown output was made from</summary><p class="prompt">${esc(v.builtPrompt)}</p></details>` : ''}
${meta(v)}
${pickHint(v)}
${inputs(v.inputs)}
${versions(v)}
</div>
</article>`;
}

function frame(v: NodeView): string {
  if (v.takes.length === 0) {
    const label = v.badge === 'failed' ? 'generation failed' : 'not built yet';
    return `<div class="frame empty"><span>${label}</span></div>`;
  }
  if (v.kind === 'segment') {
    const keyAspect = v.inputs.find((i) => i.asset)?.asset;
    return `<div class="frame clip" style="--frame:${ratio(keyAspect)}">${clip(v.takes[0]!.asset, v)}</div>`;
  }
  if (v.badge === 'source' && v.takes.length > 1) {
    const cols = Math.ceil(Math.sqrt(v.takes.length));
    const cells = v.takes.map((t) => thumbLink(t.asset, `${v.name} ${t.index}`)).join('');
    return `<div class="frame mosaic" style="--cols:${cols}">${cells}</div>`;
  }
  const main = v.takes.find((t) => t.picked) ?? v.takes[0]!;
  const strip = v.takes.length > 1 ? `<div class="takes">${v.takes.map((t) => take(t, v.name)).join('')}</div>` : '';
  return `<div class="frame" style="--frame:${ratio(main.asset)}">${thumbLink(main.asset, v.name)}</div>${strip}`;
}

function clip(asset: Asset, v: NodeView): string {
  if (asset.mediaType.startsWith('video/')) {
    const poster = v.inputs.find((i) => i.asset?.thumb)?.asset?.thumb;
    const posterAttr = poster ? ` poster="${src(poster)}"` : '';
    return `<video src="${src(asset.media)}"${posterAttr} controls loop muted playsinline preload="metadata"></video>`;
  }
  return `<a href="${src(asset.media)}" target="_blank"><img src="${src(asset.media)}" alt="${esc(v.name)}" decoding="async"${aspect(asset)}></a>`;
}

function take(t: Take, name: string): string {
  const label = t.picked ? `<span class="pick">pick</span>` : '';
  return `<div class="take${t.picked ? ' picked' : ''}" data-take="${t.index}" style="--frame:${ratio(t.asset)}">${thumbLink(t.asset, `${name} take ${t.index}`)}<span class="n">${t.index}</span>${label}</div>`;
}

/** The static page's way to choose a take: the line to edit (the live page adds buttons). */
function pickHint(v: NodeView): string {
  if (!v.pickAt) return '';
  const where = v.pickAt.hasPick ? `change <code>pick:</code> at <code>aivp.project.yaml:${v.pickAt.line}</code>` : `add <code>pick: N</code> under <code>${esc(v.field)}</code> (<code>aivp.project.yaml:${v.pickAt.line}</code>)`;
  return `<p class="pick-hint">To use another take, ${where}.</p>`;
}

function versions(v: NodeView): string {
  if (v.versions.length === 0) return '';
  return `<details class="versions"><summary>Earlier versions <span class="count">${v.versions.length}</span></summary>
<ol>${v.versions.map((ver) => version(ver, v)).join('')}</ol>
</details>`;
}

function version(ver: Version, v: NodeView): string {
  const media = ver.assets
    .map((a) =>
      a.mediaType.startsWith('video/')
        ? `<video src="${src(a.media)}" controls muted loop playsinline preload="none"></video>`
        : thumbLink(a, `${v.name} earlier`),
    )
    .join('');
  const rows: [string, string][] = [['made', ver.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')], ['model', ver.model]];
  if (ver.seed !== undefined) rows.push(['seed', String(ver.seed)]);
  const restore = ver.restore.length
    ? `<p class="restore-how">To restore it (free, from the cache), put back in <code>${esc(v.field)}</code>:</p><pre class="restore">${esc(ver.restore.join('\n'))}</pre>`
    : '';
  return `<li class="version"><div class="v-media">${media}</div>${ver.prompt !== undefined ? `<p class="prompt">${esc(ver.prompt)}</p>` : ''}${metaList(rows)}${restore}</li>`;
}

function thumbLink(asset: Asset, alt: string): string {
  return `<a href="${src(asset.media)}" target="_blank"><img src="${src(asset.thumb ?? asset.media)}" alt="${esc(alt)}" decoding="async"${aspect(asset)}></a>`;
}

function aspect(asset: Asset): string {
  return asset.width && asset.height ? ` width="${asset.width}" height="${asset.height}"` : '';
}

/** The CSS aspect ratio of an image (its own shape, never squeezed), 16:9 when unknown. */
function ratio(asset: Asset | undefined): string {
  return asset?.width && asset.height ? `${asset.width} / ${asset.height}` : '16 / 9';
}

function src(rel: string): string {
  return esc(encodeURI(rel));
}

function pickedAsset(v: NodeView): Asset | undefined {
  return (v.takes.find((t) => t.picked) ?? v.takes[0])?.asset;
}

function meta(v: NodeView): string {
  const rows: [string, string][] = v.sourcePath !== undefined ? [['file', v.sourcePath]] : [['model', v.model]];
  if (v.seed !== undefined) rows.push(['seed', String(v.seed)]);
  if (v.durationSec !== undefined) rows.push(['duration', `${v.durationSec}s`]);
  if (v.costUsd !== undefined) rows.push(['cost', usd(v.costUsd)]);
  if (v.takes.length > 1 && v.kind !== 'segment' && v.badge !== 'source') rows.push(['takes', String(v.takes.length)]);
  return metaList(rows);
}

function metaList(rows: [string, string][]): string {
  return `<dl class="meta">${rows.map(([k, val]) => `<div><dt>${k}</dt><dd>${esc(val)}</dd></div>`).join('')}</dl>`;
}

function inputs(list: InputThumb[]): string {
  if (list.length === 0) return '';
  const items = list.map((i) => {
    const img = i.asset ? `<img src="${src(i.asset.thumb ?? i.asset.media)}" alt="" decoding="async">` : '<span class="none"></span>';
    return `<a class="input" href="#${esc(i.anchor)}" title="${i.role}: ${esc(i.name)}">${img}<span>${esc(i.name)}</span></a>`;
  });
  return `<div class="inputs">${items.join('')}</div>`;
}

/** Cents, or tenths of a cent where they matter: per-image prices are often $0.025. */
function usd(n: number): string {
  return `$${n >= 100 ? n.toFixed(2) : n.toFixed(3).replace(/(\.\d\d)0$/, '$1')}`;
}

/** m:ss, with tenths when the time is not whole. */
function clock(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec - m * 60;
  const whole = Number.isInteger(s);
  return `${m}:${(whole ? String(s) : s.toFixed(1)).padStart(whole ? 2 : 4, '0')}`;
}

/** Clicking a segment in the timeline plays the film from its start; the playing segment is lit. */
const SEEK_SCRIPT = `(() => {
  const film = document.getElementById("film-player");
  const segs = [...document.querySelectorAll(".tl-seg[data-start]")];
  for (const seg of segs) {
    seg.querySelector(".tl-clip").addEventListener("click", () => {
      if (!film) return void (location.hash = "#n-" + seg.dataset.node);
      film.currentTime = Number(seg.dataset.start);
      film.play().catch(() => {});
      film.scrollIntoView({ block: "nearest" });
    });
    const v = seg.querySelector("video");
    if (v) {
      seg.addEventListener("mouseenter", () => v.play().catch(() => {}));
      seg.addEventListener("mouseleave", () => v.pause());
    }
  }
  if (film) film.addEventListener("timeupdate", () => {
    let on;
    for (const seg of segs) if (film.currentTime >= Number(seg.dataset.start)) on = seg;
    for (const seg of segs) seg.classList.toggle("playing", seg === on);
  });
})();`;

const CSS = `
:root{color-scheme:dark;--bg:#0e0f11;--card:#17181c;--raised:#1f2126;--line:#2a2c32;--text:#e8e8ec;--muted:#9a9ea8;--dim:#6c707a;
--ok:#46c98b;--warn:#f0b849;--bad:#f06a6a;--edit:#b992f5;--src:#6fa8f5;--draft:#ff9f43;--accent:#e8e8ec}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;-webkit-font-smoothing:antialiased}
body.is-draft{border-top:6px solid var(--draft)}
header{padding:36px clamp(16px,4vw,48px) 26px;border-bottom:1px solid var(--line);background:linear-gradient(180deg,#15161a,var(--bg))}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:12px;letter-spacing:.14em;text-transform:uppercase}
h1{margin:0 0 16px;font-size:clamp(24px,3.2vw,36px);font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
.draft-banner{margin:0 0 16px;padding:10px 14px;border:1px solid color-mix(in srgb,var(--draft) 60%,transparent);border-radius:10px;background:color-mix(in srgb,var(--draft) 14%,transparent);color:#ffd9b0;font-size:13px;max-width:72em}
.draft-banner b{margin-right:8px;padding:1px 8px;border-radius:4px;background:var(--draft);color:#1d1003;font-size:12px;letter-spacing:.1em;text-transform:uppercase}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0;list-style:none}
.stat{display:flex;align-items:center;gap:6px;padding:6px 12px;border:1px solid var(--line);border-radius:999px;background:var(--card);color:var(--muted);font-size:13px}
.stat b{color:var(--text);font-weight:600;font-variant-numeric:tabular-nums}
.stat::before{content:"";width:8px;height:8px;border-radius:50%;background:var(--c,var(--muted))}
.stat.zero{opacity:.55}
.stat.spent::before{display:none}
main{padding:8px clamp(16px,4vw,48px) 48px}
section{margin-top:28px}
h2{display:flex;align-items:center;gap:10px;margin:0 0 14px;font-size:13px;font-weight:600;letter-spacing:.12em;text-transform:uppercase;color:var(--muted)}
h2 .count,summary .count{padding:1px 8px;border-radius:999px;background:var(--raised);color:var(--text);font-size:12px;letter-spacing:0}
.player{display:flex;justify-content:center;background:#000;border:1px solid var(--line);border-radius:14px;overflow:hidden}
.player video{display:block;width:100%;max-width:min(100%,1280px);max-height:60vh;background:#000}
.caption{margin:8px 2px 0;color:var(--muted);font-size:12px;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.timeline{display:flex;align-items:flex-start;gap:10px;margin:0;padding:4px 2px 14px;list-style:none;overflow-x:auto}
.tl-key,.tl-seg{flex:none;display:flex;flex-direction:column;gap:5px}
.tl-key a{display:block;height:96px;aspect-ratio:var(--frame,16/9);border-radius:8px;overflow:hidden;background:#0a0a0c;outline:1px solid var(--line)}
.tl-key img{display:block;width:100%;height:100%;object-fit:contain}
.tl-key .none,.tl-clip .none{display:flex;align-items:center;justify-content:center;width:100%;height:100%;color:var(--dim);font-size:12px}
.tl-seg{width:190px}
.tl-clip{position:relative;display:block;width:100%;height:96px;padding:0;border:0;border-radius:8px;overflow:hidden;background:#0a0a0c;outline:2px solid color-mix(in srgb,var(--src) 45%,transparent);cursor:pointer}
.tl-clip:hover,.tl-seg.playing .tl-clip{outline:2px solid var(--src)}
.tl-clip::after{content:"▶";position:absolute;left:8px;bottom:6px;width:22px;height:22px;border-radius:50%;background:#000a;color:#fff;font-size:10px;line-height:22px;text-align:center}
.tl-clip video,.tl-clip img{display:block;width:100%;height:100%;object-fit:cover}
.tl-name{font:12px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);overflow-wrap:anywhere}
.tl-name a{color:var(--text);text-decoration:none}
.tl-time{color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.tl-time b{color:var(--text);font-weight:600}
.grid{display:grid;gap:18px;align-items:start;grid-template-columns:repeat(auto-fill,minmax(240px,1fr))}
.grid.wide{grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr))}
.card{display:flex;flex-direction:column;min-width:0;border:1px solid var(--line);border-radius:14px;background:var(--card);overflow:hidden;scroll-margin-top:16px}
.card:target{outline:2px solid var(--src);outline-offset:2px}
.frame{display:flex;align-items:center;justify-content:center;aspect-ratio:var(--frame,16/9);max-height:80vh;background:#0a0a0c;border-bottom:1px solid var(--line);overflow:hidden}
.frame>a{display:block;width:100%;height:100%}
.frame img,.frame video{display:block;width:100%;height:100%;object-fit:contain;background:#0a0a0c}
.frame.empty{color:var(--dim);font-size:13px;background:repeating-linear-gradient(135deg,#121316 0 12px,#15161a 12px 24px)}
.card[data-status=failed] .frame.empty{color:var(--bad)}
.frame.mosaic{aspect-ratio:1;display:grid;grid-template-columns:repeat(var(--cols),1fr);grid-auto-rows:1fr;gap:2px;align-items:stretch;background:#0a0a0c}
.frame.mosaic>a{min-height:0}
.frame.mosaic img{object-fit:cover}
.takes{display:flex;gap:6px;padding:8px;border-bottom:1px solid var(--line);background:#121316}
.take{position:relative;flex:1 1 0;min-width:0;display:flex;flex-direction:column;border-radius:6px;overflow:hidden;outline:1px solid var(--line)}
.take>a{display:block;aspect-ratio:var(--frame,1)}
.take img{display:block;width:100%;height:100%;object-fit:contain;background:#0a0a0c;opacity:.7;transition:opacity .15s}
.take:hover img,.take.picked img{opacity:1}
.take.picked{outline:2px solid var(--ok)}
.take .n{position:absolute;left:4px;top:4px;padding:0 5px;border-radius:4px;background:#000a;font-size:11px;color:var(--text)}
.take .pick{position:absolute;right:4px;top:4px;padding:0 6px;border-radius:4px;background:var(--ok);color:#06140d;font-size:10px;font-weight:700;text-transform:uppercase;letter-spacing:.06em}
.use-take{margin:0;padding:4px 6px;border:0;border-top:1px solid var(--line);background:var(--raised);color:var(--text);font:600 11px/1.2 system-ui,sans-serif;cursor:pointer}
.use-take:hover{background:color-mix(in srgb,var(--ok) 30%,var(--raised))}
.use-take:disabled{opacity:.5;cursor:progress}
.body{display:flex;flex-direction:column;gap:10px;padding:14px 16px 16px}
.title{display:flex;align-items:center;justify-content:space-between;gap:10px}
.badges{display:flex;gap:6px;flex:none}
h3{margin:0;font-size:15px;font-weight:600;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.badge{flex:none;padding:2px 9px;border-radius:999px;font-size:11px;font-weight:600;letter-spacing:.03em;color:var(--c);background:color-mix(in srgb,var(--c) 16%,transparent);border:1px solid color-mix(in srgb,var(--c) 35%,transparent)}
h2 .badge{letter-spacing:.03em;text-transform:none}
.b-uptodate{--c:var(--ok)}.b-stale{--c:var(--warn)}.b-missing{--c:var(--dim)}.b-failed{--c:var(--bad)}.b-modified{--c:var(--edit)}.b-source{--c:var(--src)}.b-draft{--c:var(--draft)}
.stat.b-missing{--c:#8a8e98}
.reasons{margin:-4px 0 0;color:var(--warn);font-size:12px}
.prompt{margin:0;color:#d3d4da;white-space:pre-wrap;overflow-wrap:anywhere}
.built summary,.versions summary{cursor:pointer;color:var(--muted);font-size:12px}
.built .prompt{margin-top:6px;padding-left:10px;border-left:2px solid var(--line);color:var(--muted)}
.failure{display:flex;flex-direction:column;gap:4px}
.attempt{margin:0;color:#ffb3b3;font-size:12px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.error{margin:0;padding:8px 10px;border-radius:8px;background:color-mix(in srgb,var(--bad) 12%,transparent);color:#ffb3b3;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;margin:0}
.meta div{min-width:0}
.meta dt{color:var(--dim);font-size:11px;text-transform:uppercase;letter-spacing:.08em}
.meta dd{margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.pick-hint{margin:0;color:var(--muted);font-size:12px}
.live .pick-hint{display:none}
.inputs{display:flex;flex-wrap:wrap;gap:8px;padding-top:10px;border-top:1px solid var(--line)}
.input{display:flex;align-items:center;gap:6px;padding:3px 8px 3px 3px;border-radius:8px;background:var(--raised);color:var(--muted);font-size:12px;text-decoration:none}
.input:hover{color:var(--text)}
.input img,.input .none{width:28px;height:28px;border-radius:5px;object-fit:cover;background:#0a0a0c}
.versions{border-top:1px solid var(--line);padding-top:10px}
.versions ol{display:flex;flex-direction:column;gap:12px;margin:10px 0 0;padding:0;list-style:none}
.version{display:flex;flex-direction:column;gap:6px;padding:8px;border-radius:8px;background:#121316}
.v-media{display:flex;gap:6px}
.v-media>a,.v-media video{display:block;flex:0 1 160px;min-width:0}
.v-media img,.v-media video{display:block;width:100%;height:auto;border-radius:5px;background:#0a0a0c}
.restore-how{margin:0;color:var(--muted);font-size:12px}
.restore{margin:0;padding:6px 8px;border-radius:6px;background:#0a0a0c;color:#cfe8d8;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
#aivp-toast{position:fixed;right:16px;bottom:16px;max-width:min(520px,90vw);padding:10px 14px;border-radius:10px;background:var(--raised);border:1px solid var(--line);color:var(--text);font-size:13px;opacity:0;transition:opacity .2s;pointer-events:none}
#aivp-toast.show{opacity:1}
#aivp-toast.bad{border-color:var(--bad);color:#ffb3b3}
@media (max-width:600px){.grid:not(.wide){grid-template-columns:repeat(2,minmax(0,1fr));gap:10px}.grid:not(.wide) .body{padding:10px 12px 12px}.grid:not(.wide) .title{flex-wrap:wrap}}
footer{padding:24px;text-align:center;color:var(--dim);font-size:12px}
`;
