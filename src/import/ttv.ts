// `aivp import ttv`: the ttv-pipeline prompt file (its `enhanced_prompt.json`) as a project.
// The pipeline generated keyframe N from keyframe N-1 (the first from the start image), with
// every image of its reference folder; segment N ran from its `first_frame` to its `last_frame`;
// frames are named `provided_start_image.png` (alias `segment_00.png`) and `segment_NN.png`.
import { basename, dirname, join } from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { UsageError } from '../base/errors.js';
import { insideChecker } from '../base/inside.js';
import { kindOf, notAnImage } from '../project/files.js';
import { fieldName } from '../project/report.js';
import { BUILTIN_DEFAULTS } from '../project/resolve.js';
import type { Path } from '../project/source.js';
import { didYouMean } from '../project/suggest.js';
import { lookupModel } from '../providers/models.js';
import type { ImportedNode, ImportedProject, InputReport, Names } from './model.js';

export interface TtvOptions {
  /** Absolute path of the prompt file. */
  file: string;
  /** `--initial-image`, absolute. */
  initialImage?: string;
  /** `--references`, absolute. */
  references?: string;
}

type Obj = Record<string, unknown>;

/** What the pipeline calls the start image; it also wrote it as `segment_00.png`. */
const START_IMAGE = 'provided_start_image.png';
const FRAME = /^segment_(\d+)\.(png|jpe?g|webp|bmp)$/i;
/** The pipeline's prompt for a start image it had to generate (pipeline.py, "Generating Initial Frame"). */
const START_PROMPT_PREFIX = 'First frame establishing shot: ';

interface Numbered {
  segment: number;
  prompt: string;
  item: Obj;
  path: Path;
}

export async function readTtv(text: string, opts: TtvOptions, names: Names, report: InputReport): Promise<ImportedProject | undefined> {
  const json = parseJson(text, report);
  if (json === undefined) return undefined;
  const { data, at } = json;
  const error = (path: Path, message: string, hint?: string, where: 'key' | 'value' = 'value') => {
    const pos = at(path, where);
    report.error(pos.line, pos.col, message, { field: fieldName(path) || undefined, hint });
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    error([], 'a prompt file is a JSON object with `keyframe_prompts`, `video_prompts` and `segmentation_logic`');
    return undefined;
  }
  const root = data as Obj;

  const keyframes = numberedList(root, 'keyframe_prompts', true, at, error);
  const videos = root.video_prompts === undefined ? [] : numberedList(root, 'video_prompts', false, at, error);
  const timing = segmentation(root, videos.length, error, (path, message) => {
    const pos = at(path);
    report.warn(pos.line, pos.col, message, { field: fieldName(path) || undefined });
  });
  // What parsed is still checked, so every error shows at once; without keyframes there is nothing to check.
  if (keyframes.length === 0) return undefined;
  const startName = names.take('start_frame', 'start_frame', 'reference');
  const refsName = opts.references === undefined ? undefined : names.take('reference_images', 'reference_images', 'reference');

  const { shots, frames } = chainShots(keyframes, startName, refsName, names);
  const segments = videos.flatMap((v) => {
    const keyframesOf = [frameOf(v, 'first_frame', v.segment - 1, frames, error), frameOf(v, 'last_frame', v.segment, frames, error)];
    if (!keyframesOf[0] || !keyframesOf[1]) return [];
    const fields: Obj = { keyframes: keyframesOf, prompt: v.prompt };
    if (timing) fields.duration = timing.perSegment;
    return [{ name: names.take(`segment_${pad(v.segment)}`, `segment_${pad(v.segment)}`, 'segment'), fields }];
  });
  if (report.errors.length) return undefined;
  const start = await startFrame(opts, keyframes[0], startName);
  const refs = opts.references && refsName ? await referenceFolder(opts.references, refsName) : undefined;

  const origin = [`Imported by \`aivp import ttv\` from the ttv-pipeline prompt file ${basename(opts.file)}.`];
  if (timing) {
    origin.push(`Segmentation: ${timing.total} s in ${timing.count} segment(s) of ${timing.perSegment} s.`);
    if (timing.reasoning) origin.push(`Reasoning: ${timing.reasoning}`);
  }
  origin.push('Keyframes are chained as the pipeline generated them: each one starts from the one before.');
  return { origin, references: [start, ...(refs ? [refs] : [])], shots, segments };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** One shot per keyframe prompt, each from the one before (the first from the start frame); frames by segment number, 0 the start. */
function chainShots(keyframes: Numbered[], startName: string, refsName: string | undefined, names: Names): { shots: ImportedNode[]; frames: Map<number, string> } {
  const frames = new Map<number, string>([[0, startName]]);
  const shots: ImportedNode[] = [];
  let previous = startName;
  for (const k of keyframes) {
    const name = names.take(`frame_${pad(k.segment)}`, `frame_${pad(k.segment)}`, 'shot');
    const fields: Obj = { prompt: k.prompt, input: previous };
    if (refsName) fields.refs = [refsName];
    shots.push({ name, comment: `segment_${pad(k.segment)}.png in the prompt file: the last frame of segment ${k.segment}`, fields });
    frames.set(k.segment, name);
    previous = name;
  }
  return { shots, frames };
}

/** The node a video prompt's `first_frame`/`last_frame` names; when absent, the frame of segment `fallback`. */
function frameOf(v: Numbered, key: 'first_frame' | 'last_frame', fallback: number, frames: Map<number, string>, error: ErrorAt): string | undefined {
  const given = v.item[key];
  if (given === undefined) {
    const name = frames.get(fallback);
    if (!name) error(v.path, `video prompt ${v.segment} has no \`${key}\`, and no keyframe prompt makes segment_${pad(fallback)}.png`, `add \`"${key}"\``, 'key');
    return name;
  }
  if (typeof given !== 'string') {
    error([...v.path, key], `\`${key}\` must be a frame's file name, like "segment_01.png"`);
    return undefined;
  }
  // The pipeline rewrote these to absolute paths in its own copy; the file name is what counts.
  const file = basename(given);
  const match = FRAME.exec(file);
  const name = frames.get(file === START_IMAGE ? 0 : match ? Number(match[1]) : -1);
  if (!name) {
    const known = [START_IMAGE, ...[...frames.keys()].filter((n) => n > 0).map((n) => `segment_${pad(n)}.png`)];
    error([...v.path, key], `\`${key}\` names \`${given}\`, a frame no keyframe prompt makes`, didYouMean(file, known) ?? `frames: ${known.join(', ')}`);
  }
  return name;
}

/** A parsed prompt file: its value, and where each value sits (for messages). */
interface Json {
  data: unknown;
  at(path: Path, where?: 'key' | 'value'): { line: number; col: number };
}

/** Strict JSON through jsonc-parser, which (unlike JSON.parse on Node 20) says where a syntax error is. */
function parseJson(text: string, report: InputReport): Json | undefined {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const position = (offset: number) => {
    let line = starts.length - 1;
    while (starts[line] > offset) line--;
    return { line: line + 1, col: offset - starts[line] + 1 };
  };
  // The parser recurses per level: a file nested thousands deep would overflow the stack.
  const deep = tooDeep(text, MAX_DEPTH);
  if (deep !== undefined) {
    const pos = position(deep);
    report.error(pos.line, pos.col, `nested more than ${MAX_DEPTH} levels deep`, { hint: 'a prompt file is an object of lists of objects, a few levels deep' });
    return undefined;
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length || !tree) {
    // The first error is the cause; the rest follow from it.
    const first = errors[0];
    const pos = position(first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty file';
    report.error(pos.line, pos.col, `not valid JSON: ${what}`, { hint: 'the prompt file is the JSON the pipeline saved (enhanced_prompt.json); a trailing comma or a comment is not JSON' });
    return undefined;
  }
  return {
    data: getNodeValue(tree),
    at(path, where = 'value') {
      // The deepest node that exists on the path, so a missing field points at its parent.
      let node: JsonNode | undefined = tree;
      for (let i = path.length; i > 0; i--) {
        const found = findNodeAtLocation(tree, path.slice(0, i));
        if (found) {
          node = i === path.length && where === 'key' && found.parent?.type === 'property' ? found.parent : found;
          break;
        }
      }
      return position(node!.offset);
    },
  };
}

/** Far deeper than a prompt file goes (4 levels), far shallower than the stack allows. */
const MAX_DEPTH = 64;

/** The offset of the first `[` or `{` that opens level `max + 1` (outside strings), or undefined. */
function tooDeep(text: string, max: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > max) return i;
    } else if (c === ']' || c === '}') depth--;
  }
  return undefined;
}

type ErrorAt = (path: Path, message: string, hint?: string, where?: 'key' | 'value') => void;

/** `keyframe_prompts` or `video_prompts`: a non-empty list of `{segment, prompt}`, sorted by segment. */
function numberedList(root: Obj, key: string, required: boolean, at: Json['at'], error: ErrorAt): Numbered[] {
  const list = root[key];
  if (list === undefined) {
    if (required) error([], `missing \`${key}\``, 'a prompt file lists `keyframe_prompts: [{"segment": 1, "prompt": "..."}]`');
    return [];
  }
  if (!Array.isArray(list)) {
    error([key], `\`${key}\` must be a list of {"segment", "prompt"} objects`);
    return [];
  }
  if (list.length === 0) {
    error([key], `\`${key}\` is empty: nothing to import`, required ? undefined : `remove \`${key}\` or add the video prompts`);
    return [];
  }
  const out: Numbered[] = [];
  const seen = new Map<number, Path>();
  list.forEach((raw, i) => {
    const path = [key, i];
    // The pipeline also accepted bare strings here, numbering them from 1.
    const item: Obj = typeof raw === 'string' && key === 'keyframe_prompts' ? { segment: i + 1, prompt: raw } : (raw as Obj);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      error(path, `each entry of \`${key}\` must be an object with "segment" and "prompt"`);
      return;
    }
    const { segment, prompt } = item;
    if (!Number.isInteger(segment) || (segment as number) < 1) {
      error(typeof raw === 'string' || segment === undefined ? path : [...path, 'segment'], `\`segment\` must be a whole number from 1, not ${JSON.stringify(segment) ?? 'missing'}`);
      return;
    }
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      error(prompt === undefined ? path : [...path, 'prompt'], `\`prompt\` of segment ${segment} must be a non-empty string`);
      return;
    }
    const earlier = seen.get(segment as number);
    if (earlier) {
      error([...path, 'segment'], `segment ${segment} appears twice in \`${key}\` (also line ${at(earlier).line})`);
      return;
    }
    seen.set(segment as number, path);
    out.push({ segment: segment as number, prompt, item, path });
  });
  return out.sort((a, b) => a.segment - b.segment);
}

interface Timing {
  total: number;
  count: number;
  perSegment: number;
  reasoning?: string;
}

/** `segmentation_logic`: the total split evenly, as the pipeline's segments were all one length. */
function segmentation(root: Obj, videoCount: number, error: ErrorAt, warn: (path: Path, message: string) => void): Timing | undefined {
  const logic = root.segmentation_logic;
  if (logic === undefined) {
    if (videoCount > 0) warn([], 'no `segmentation_logic`: segments get the default video duration');
    return undefined;
  }
  if (typeof logic !== 'object' || logic === null || Array.isArray(logic)) {
    error(['segmentation_logic'], '`segmentation_logic` must be an object with "total_duration_seconds" and "number_of_segments"');
    return undefined;
  }
  const { total_duration_seconds: total, number_of_segments: count, reasoning } = logic as Obj;
  const path = ['segmentation_logic'];
  if (typeof total !== 'number' || !(total > 0)) {
    error(total === undefined ? path : [...path, 'total_duration_seconds'], `\`total_duration_seconds\` must be a number of seconds above 0, not ${JSON.stringify(total) ?? 'missing'}`);
    return undefined;
  }
  if (!Number.isInteger(count) || (count as number) < 1) {
    error(count === undefined ? path : [...path, 'number_of_segments'], `\`number_of_segments\` must be a whole number from 1, not ${JSON.stringify(count) ?? 'missing'}`);
    return undefined;
  }
  if (videoCount > 0 && count !== videoCount) {
    warn([...path, 'number_of_segments'], `\`number_of_segments\` is ${count} but there are ${videoCount} video prompts: each segment gets ${total}/${count} s`);
  }
  const even = Math.round((total / (count as number)) * 100) / 100;
  const perSegment = offeredDuration(even);
  if (perSegment !== even) {
    warn(path, `${total} s in ${count} segment(s) is ${even} s each, which \`${BUILTIN_DEFAULTS.videoModel}\` does not make: each segment asks for ${perSegment} s, the nearest it offers`);
  }
  return { total, count: count as number, perSegment, reasoning: typeof reasoning === 'string' && reasoning.trim() ? reasoning.trim() : undefined };
}

/** The nearest duration the default video model offers (validate refuses any other). */
function offeredDuration(seconds: number): number {
  const offered = lookupModel(BUILTIN_DEFAULTS.videoModel, 'video')?.info.durations;
  if (!offered?.length) return seconds;
  return offered.reduce((best, d) => (Math.abs(d - seconds) < Math.abs(best - seconds) ? d : best));
}

/** The start image beside the file (or `--initial-image`), else generated from the first keyframe prompt as the pipeline did. */
async function startFrame(opts: TtvOptions, first: Numbered, name: string): Promise<ImportedNode> {
  const beside = join(dirname(opts.file), START_IMAGE);
  // --initial-image may be anywhere; the image found beside the file must be there, not a link out of its folder.
  if (opts.initialImage === undefined && (await kindOf(beside)) === 'file' && insideChecker(dirname(opts.file))(START_IMAGE)) {
    throw new UsageError(`${beside} is a symbolic link leading outside the prompt file's folder: nothing was written (copy the image there, or pass --initial-image PATH)`);
  }
  const image = opts.initialImage ?? ((await kindOf(beside)) === 'file' ? beside : undefined);
  if (image) {
    if ((await kindOf(image)) !== 'file') throw new UsageError(`--initial-image ${image}: no such file: nothing was written`);
    const why = await notAnImage(image);
    if (why) throw new UsageError(`start image ${image} is not an image (${why}): nothing was written`);
    return { name, comment: `${START_IMAGE} (segment_00.png): the first frame of segment 1`, fields: {}, source: { kind: 'file', abs: image } };
  }
  return {
    name,
    comment: `No ${START_IMAGE} beside the prompt file: generated from the first keyframe prompt, as the pipeline did`,
    fields: { prompt: `${START_PROMPT_PREFIX}${first.prompt}` },
  };
}

async function referenceFolder(dir: string, name: string): Promise<ImportedNode> {
  if ((await kindOf(dir)) !== 'dir') throw new UsageError(`--references ${dir}: no such folder: nothing was written`);
  return {
    name,
    comment: 'The reference folder: every image in it goes to every keyframe',
    fields: {},
    source: { kind: 'dir', abs: dir },
  };
}
