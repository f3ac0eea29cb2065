// `film:` -> the film node: its clips, transition, sound track, size and fps, with the checks a
// cut needs (segments that exist, each once, crossfades shorter than every clip, a real audio file).
import { posix } from 'node:path';
import { defaultDuration, lookupModel } from '../providers/models.js';
import { SIZE_LIMITS } from '../providers/size.js';
import type { Entry } from './check.js';
import { checkAudioFile, checkInside, type PathRules } from './files.js';
import { normalizeRel, obj, str, type Obj } from './resolve.js';
import type { Path } from './source.js';
import { didYouMean } from './suggest.js';
import type { FilmNode, FilmTransition, NodeRef, SegmentNode } from './types.js';

/** The film's node name: a target (`aivp build film`) and its record, `metadata/film.json`. */
export const FILM_NAME = 'film';
/** The assembler's model id in records and plans. */
export const FILM_MODEL = 'ffmpeg';
export const DEFAULT_FPS = 24;
const DEFAULT_CROSSFADE = 0.5;
/** What a segment lasts when neither it nor the model table says. */
export const DEFAULT_CLIP_SECONDS = 5;

/** The declared length of a segment's clip: its `duration`, else its model's default. */
export function declaredDuration(seg: SegmentNode): number {
  const info = lookupModel(seg.model, 'video')?.info;
  return seg.duration ?? (info && defaultDuration(info)) ?? DEFAULT_CLIP_SECONDS;
}

export async function resolveFilms(data: Obj, projectName: string, entries: Entry[], rules: PathRules): Promise<FilmNode[]> {
  if (data.film === undefined || data.film === null) return [];
  const d = obj(data.film);
  const path: Path = ['film'];
  const { report } = rules;
  const segments = new Map(entries.flatMap((e) => (e.node.kind === 'segment' ? [[e.node.name, e.node] as const] : [])));
  const clash = entries.find((e) => e.node.name === FILM_NAME);
  if (clash) {
    report.error(clash.raw.path, `the name \`${FILM_NAME}\` is taken by the film (\`film:\`)`, { at: 'key', hint: 'rename this node' });
  }

  let refs: NodeRef[];
  if (Array.isArray(d.segments)) {
    refs = [];
    const seen = new Set<string>();
    d.segments.forEach((name, i) => {
      if (typeof name !== 'string') return;
      const at: Path = [...path, 'segments', i];
      if (!segments.has(name)) {
        const other = entries.find((e) => e.node.name === name);
        report.error(at, other ? `\`${name}\` is not a segment: the film cuts segments (video clips)` : `unknown segment \`${name}\` in \`film.segments\``, {
          hint: other ? undefined : (didYouMean(name, segments.keys()) ?? (segments.size ? `segments: ${[...segments.keys()].join(', ')}` : 'add it under `segments:`')),
        });
      } else if (seen.has(name)) {
        report.error(at, `segment \`${name}\` is listed twice in \`film.segments\``, { hint: 'a clip appears once in the cut; remove the repeat' });
      } else {
        seen.add(name);
        refs.push({ name });
      }
    });
  } else {
    refs = [...segments.keys()].map((name) => ({ name }));
    if (refs.length === 0) report.error(path, 'the film has no segments to cut: add some under `segments:`', { at: 'key' });
  }

  const transition = resolveTransition(d.transition);
  if (transition.type === 'crossfade') {
    const at: Path = typeof d.transition === 'object' && obj(d.transition).duration !== undefined ? [...path, 'transition', 'duration'] : [...path, 'transition'];
    for (const r of refs) {
      const seconds = declaredDuration(segments.get(r.name)!);
      if (transition.duration >= seconds) {
        report.error(at, `the crossfade (${transition.duration} s) is not shorter than segment \`${r.name}\` (${seconds} s)`, {
          hint: 'shorten the crossfade or lengthen the clip',
        });
        break;
      }
    }
  }

  let audio: FilmNode['audio'];
  const a = obj(d.audio);
  const file = str(a.file);
  if (file !== undefined && (await checkInside(file, [...path, 'audio', 'file'], rules))) {
    await checkAudioFile(normalizeRel(file), [...path, 'audio', 'file'], rules);
    audio = { file: normalizeRel(file), volume: typeof a.volume === 'number' ? a.volume : 1 };
  }

  let size: FilmNode['size'];
  const sizeText = str(d.size);
  const m = sizeText?.match(/^(\d+)x(\d+)$/);
  if (m) {
    size = { width: Number(m[1]), height: Number(m[2]) };
    if (Math.max(size.width, size.height) > SIZE_LIMITS.filmMaxSide) {
      report.error([...path, 'size'], `film size ${sizeText} cannot be made: a film is at most ${SIZE_LIMITS.filmMaxSide}x${SIZE_LIMITS.filmMaxSide}`, {
        hint: 'use a smaller size, e.g. 1920x1080 or 3840x2160',
      });
    } else if (size.width % 2 || size.height % 2) {
      report.error([...path, 'size'], `film size ${sizeText} must have even width and height (H.264 in yuv420p)`, {
        hint: `use ${size.width + (size.width % 2)}x${size.height + (size.height % 2)}`,
      });
    }
  }

  const output = str(d.output);
  const written = output ?? posix.join('film', `${safeFileName(projectName)}.mp4`);
  // The default folder is held to the rule too: a `film/` linked outside would have the cut written there.
  await checkInside(written, output !== undefined ? [...path, 'output'] : path, rules);
  return [
    {
      name: FILM_NAME,
      kind: 'film',
      vars: [],
      model: FILM_MODEL,
      params: {},
      retries: 0,
      fallback: [],
      output: normalizeRel(written),
      segments: refs,
      transition,
      audio,
      size,
      fps: typeof d.fps === 'number' && d.fps > 0 ? d.fps : DEFAULT_FPS,
    },
  ];
}

function resolveTransition(v: unknown): FilmTransition {
  const t = typeof v === 'string' ? { type: v } : obj(v);
  if (t.type !== 'crossfade') return { type: 'cut' };
  return { type: 'crossfade', duration: typeof t.duration === 'number' && t.duration > 0 ? t.duration : DEFAULT_CROSSFADE };
}

/** The project name as a file name: path separators and control characters replaced. */
function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').replace(/^\.+/, '_') || 'film';
}
