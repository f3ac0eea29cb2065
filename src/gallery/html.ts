// Renders the gallery view as one static page: inline CSS, no scripts, no external resources,
// every user string escaped.
import type { Asset } from './assets.js';
import type { Badge, GalleryView, InputThumb, NodeView, Take } from './view.js';

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
<title>${esc(view.name)} · storyboard</title>
<style>${CSS}</style>
</head>
<body>
${header(view)}
<main>
${section('References', 'references', view.references)}
${section('Shots', 'shots', view.shots)}
${section('Segments', 'segments', view.segments)}
</main>
<footer>Made with aivp</footer>
</body>
</html>
`;
}

function header(view: GalleryView): string {
  const t = view.totals;
  const stat = (n: number, label: string, cls: string): string =>
    `<li class="stat ${cls}${n === 0 ? ' zero' : ''}"><b>${n}</b> ${label}</li>`;
  return `<header>
<p class="eyebrow">Storyboard</p>
<h1>${esc(view.name)}</h1>
<ul class="stats">
${stat(t.built, 'built', 'b-uptodate')}
${stat(t.stale, 'stale', 'b-stale')}
${stat(t.missing, 'missing', 'b-missing')}
${stat(t.failed, 'failed', 'b-failed')}
<li class="stat spent"><b>${usd(t.spentUsd)}</b> spent</li>
</ul>
</header>`;
}

function section(title: string, id: string, cards: NodeView[]): string {
  if (cards.length === 0) return '';
  const references = id === 'references';
  const ratio = references ? '1 / 1' : dominantAspect(cards);
  return `<section id="${id}">
<h2>${title} <span class="count">${cards.length}</span></h2>
<div class="grid${references ? '' : ' wide'}" style="--frame:${ratio}">
${cards.map(card).join('\n')}
</div>
</section>`;
}

function card(v: NodeView): string {
  return `<article class="card" id="${esc(v.anchor)}" data-node="${esc(v.name)}" data-status="${v.badge}">
${frame(v)}
<div class="body">
<div class="title"><h3>${esc(v.name)}</h3><span class="badge b-${v.badge}">${BADGE_LABELS[v.badge]}</span></div>
${v.reasons.length ? `<p class="reasons">${v.reasons.map(esc).join(' · ')}</p>` : ''}
${v.error !== undefined ? `<pre class="error">${esc(v.error)}</pre>` : ''}
${v.prompt !== undefined ? `<p class="prompt">${esc(v.prompt)}</p>` : ''}
${v.builtPrompt !== undefined ? `<details class="built"><summary>Shown output was made from</summary><p class="prompt">${esc(v.builtPrompt)}</p></details>` : ''}
${meta(v)}
${inputs(v.inputs)}
</div>
</article>`;
}

function frame(v: NodeView): string {
  if (v.takes.length === 0) {
    const label = v.badge === 'failed' ? 'generation failed' : 'not built yet';
    return `<div class="frame empty"><span>${label}</span></div>`;
  }
  if (v.kind === 'segment') return `<div class="frame clip">${clip(v.takes[0]!.asset, v)}</div>`;
  if (v.badge === 'source' && v.takes.length > 1) {
    const cols = Math.ceil(Math.sqrt(v.takes.length));
    const cells = v.takes.map((t) => thumbLink(t.asset, `${v.name} ${t.index}`)).join('');
    return `<div class="frame mosaic" style="--cols:${cols}">${cells}</div>`;
  }
  const main = v.takes.find((t) => t.picked) ?? v.takes[0]!;
  const strip = v.takes.length > 1 ? `<div class="takes">${v.takes.map((t) => take(t, v.name)).join('')}</div>` : '';
  return `<div class="frame">${thumbLink(main.asset, v.name)}</div>${strip}`;
}

/** Cards in a row line up when their frames share one shape: the most common output shape. */
function dominantAspect(cards: NodeView[]): string {
  const counts = new Map<string, number>();
  for (const v of cards) {
    const a = (v.takes.find((t) => t.picked) ?? v.takes[0])?.asset;
    if (!a?.width || !a.height) continue;
    const key = `${a.width} / ${a.height}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = '16 / 9';
  let most = 0;
  for (const [key, n] of counts) if (n > most) [best, most] = [key, n];
  return best;
}

function clip(asset: Asset, v: NodeView): string {
  const src = esc(encodeURI(asset.media));
  if (asset.mediaType.startsWith('video/')) {
    const poster = v.inputs.find((i) => i.asset?.thumb)?.asset?.thumb;
    const posterAttr = poster ? ` poster="${esc(encodeURI(poster))}"` : '';
    return `<video src="${src}"${posterAttr} controls loop muted playsinline preload="metadata"></video>`;
  }
  return `<a href="${src}" target="_blank"><img src="${src}" alt="${esc(v.name)}" decoding="async"${aspect(asset)}></a>`;
}

function take(t: Take, name: string): string {
  const label = t.picked ? `<span class="pick">pick</span>` : '';
  return `<div class="take${t.picked ? ' picked' : ''}" data-take="${t.index}">${thumbLink(t.asset, `${name} take ${t.index}`)}<span class="n">${t.index}</span>${label}</div>`;
}

function thumbLink(asset: Asset, alt: string): string {
  const href = esc(encodeURI(asset.media));
  const src = esc(encodeURI(asset.thumb ?? asset.media));
  return `<a href="${href}" target="_blank"><img src="${src}" alt="${esc(alt)}" decoding="async"${aspect(asset)}></a>`;
}

function aspect(asset: Asset): string {
  return asset.width && asset.height ? ` width="${asset.width}" height="${asset.height}"` : '';
}

function meta(v: NodeView): string {
  const rows: [string, string][] = v.sourcePath !== undefined ? [['file', v.sourcePath]] : [['model', v.model]];
  if (v.seed !== undefined) rows.push(['seed', String(v.seed)]);
  if (v.durationSec !== undefined) rows.push(['duration', `${v.durationSec}s`]);
  if (v.costUsd !== undefined) rows.push(['cost', usd(v.costUsd)]);
  return `<dl class="meta">${rows.map(([k, val]) => `<div><dt>${k}</dt><dd>${esc(val)}</dd></div>`).join('')}</dl>`;
}

function inputs(list: InputThumb[]): string {
  if (list.length === 0) return '';
  const items = list.map((i) => {
    const img = i.asset ? `<img src="${esc(encodeURI(i.asset.thumb ?? i.asset.media))}" alt="" decoding="async">` : '<span class="none"></span>';
    return `<a class="input" href="#${esc(i.anchor)}" title="${i.role}: ${esc(i.name)}">${img}<span>${esc(i.name)}</span></a>`;
  });
  return `<div class="inputs">${items.join('')}</div>`;
}

/** Cents, or tenths of a cent where they matter: per-image prices are often $0.025. */
function usd(n: number): string {
  return `$${n >= 100 ? n.toFixed(2) : n.toFixed(3).replace(/(\.\d\d)0$/, '$1')}`;
}

const CSS = `
:root{color-scheme:dark;--bg:#0e0f11;--card:#17181c;--raised:#1f2126;--line:#2a2c32;--text:#e8e8ec;--muted:#9a9ea8;--dim:#6c707a;
--ok:#46c98b;--warn:#f0b849;--bad:#f06a6a;--edit:#b992f5;--src:#6fa8f5;--accent:#e8e8ec}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;-webkit-font-smoothing:antialiased}
header{padding:40px clamp(16px,4vw,48px) 28px;border-bottom:1px solid var(--line);background:linear-gradient(180deg,#15161a,var(--bg))}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:12px;letter-spacing:.14em;text-transform:uppercase}
h1{margin:0 0 18px;font-size:clamp(24px,3.2vw,36px);font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
.stats{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0;list-style:none}
.stat{display:flex;align-items:center;gap:6px;padding:6px 12px;border:1px solid var(--line);border-radius:999px;background:var(--card);color:var(--muted);font-size:13px}
.stat b{color:var(--text);font-weight:600;font-variant-numeric:tabular-nums}
.stat::before{content:"";width:8px;height:8px;border-radius:50%;background:var(--c,var(--muted))}
.stat.zero{opacity:.55}
.stat.spent::before{display:none}
main{padding:8px clamp(16px,4vw,48px) 48px}
section{margin-top:32px}
h2{display:flex;align-items:center;gap:10px;margin:0 0 14px;font-size:13px;font-weight:600;letter-spacing:.12em;text-transform:uppercase;color:var(--muted)}
h2 .count{padding:1px 8px;border-radius:999px;background:var(--raised);color:var(--text);font-size:12px;letter-spacing:0}
.grid{display:grid;gap:18px;grid-template-columns:repeat(auto-fill,minmax(240px,1fr))}
.grid.wide{grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr))}
.card{display:flex;flex-direction:column;min-width:0;border:1px solid var(--line);border-radius:14px;background:var(--card);overflow:hidden;scroll-margin-top:16px}
.card:target{outline:2px solid var(--src);outline-offset:2px}
.frame{display:flex;align-items:center;justify-content:center;aspect-ratio:var(--frame,16/9);max-height:80vh;background:#0a0a0c;border-bottom:1px solid var(--line);overflow:hidden}
.frame>a{display:block;width:100%;height:100%}
.frame img,.frame video{display:block;width:100%;height:100%;object-fit:contain;background:#0a0a0c}
.frame.empty{color:var(--dim);font-size:13px;background:repeating-linear-gradient(135deg,#121316 0 12px,#15161a 12px 24px)}
.card[data-status=failed] .frame.empty{color:var(--bad)}
.frame.mosaic{display:grid;grid-template-columns:repeat(var(--cols),1fr);grid-auto-rows:1fr;gap:2px;align-items:stretch;background:#0a0a0c}
.frame.mosaic>a{min-height:0}
.frame.mosaic img{object-fit:cover}
.takes{display:grid;grid-template-columns:repeat(auto-fill,minmax(64px,1fr));gap:6px;padding:8px;border-bottom:1px solid var(--line);background:#121316}
.take{position:relative;border-radius:6px;overflow:hidden;outline:1px solid var(--line)}
.take img{display:block;width:100%;height:auto;aspect-ratio:1;object-fit:cover;opacity:.7;transition:opacity .15s}
.take:hover img,.take.picked img{opacity:1}
.take.picked{outline:2px solid var(--ok)}
.take .n{position:absolute;left:4px;bottom:3px;padding:0 5px;border-radius:4px;background:#000a;font-size:11px;color:var(--text)}
.take .pick{position:absolute;right:4px;top:4px;padding:0 6px;border-radius:4px;background:var(--ok);color:#06140d;font-size:10px;font-weight:700;text-transform:uppercase;letter-spacing:.06em}
.body{display:flex;flex-direction:column;gap:10px;padding:14px 16px 16px}
.title{display:flex;align-items:center;justify-content:space-between;gap:10px}
h3{margin:0;font-size:15px;font-weight:600;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.badge{flex:none;padding:2px 9px;border-radius:999px;font-size:11px;font-weight:600;letter-spacing:.03em;color:var(--c);background:color-mix(in srgb,var(--c) 16%,transparent);border:1px solid color-mix(in srgb,var(--c) 35%,transparent)}
.b-uptodate{--c:var(--ok)}.b-stale{--c:var(--warn)}.b-missing{--c:var(--dim)}.b-failed{--c:var(--bad)}.b-modified{--c:var(--edit)}.b-source{--c:var(--src)}
.stat.b-missing{--c:#8a8e98}
.reasons{margin:-4px 0 0;color:var(--warn);font-size:12px}
.prompt{margin:0;color:#d3d4da;white-space:pre-wrap;overflow-wrap:anywhere}
.built summary{cursor:pointer;color:var(--muted);font-size:12px}
.built .prompt{margin-top:6px;padding-left:10px;border-left:2px solid var(--line);color:var(--muted)}
.error{margin:0;padding:8px 10px;border-radius:8px;background:color-mix(in srgb,var(--bad) 12%,transparent);color:#ffb3b3;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;margin:0}
.meta div{min-width:0}
.meta dt{color:var(--dim);font-size:11px;text-transform:uppercase;letter-spacing:.08em}
.meta dd{margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.inputs{display:flex;flex-wrap:wrap;gap:8px;padding-top:10px;border-top:1px solid var(--line)}
.input{display:flex;align-items:center;gap:6px;padding:3px 8px 3px 3px;border-radius:8px;background:var(--raised);color:var(--muted);font-size:12px;text-decoration:none}
.input:hover{color:var(--text)}
.input img,.input .none{width:28px;height:28px;border-radius:5px;object-fit:cover;background:#0a0a0c}
@media (max-width:600px){.grid:not(.wide){grid-template-columns:repeat(2,minmax(0,1fr));gap:10px}.grid:not(.wide) .body{padding:10px 12px 12px}.grid:not(.wide) .title{flex-wrap:wrap}}
footer{padding:24px;text-align:center;color:var(--dim);font-size:12px}
`;
