// Model ids: routed by a provider, known to the model table, and making the right kind of media.
import { descriptor } from '../providers/registry.js';
import { allowedValues, inputProblems } from '../providers/published.js';
import { keyframesSent, lookupModel, modelStatus, today, maxTakes, modelIds, requiresField, routeProvider, ROUTING_HINT, takesImages, withImages } from '../providers/models.js';
import { resolveSize, type ResolvedSize } from '../providers/size.js';
import type { ModelInfo } from '../providers/types.js';
import type { Reporter } from './report.js';
import type { Path } from './source.js';
import { isKeyLike } from './secrets.js';
import { didYouMean } from './suggest.js';
import { obj, type Obj } from './resolve.js';
import type { ImageNode, ProjectNode, SegmentNode } from './types.js';


export function checkModel(id: string, media: 'image' | 'video', path: Path, report: Reporter, on = today()): void {
  // A typo of a known id is the likeliest cause of both an unrouted and an unknown id.
  const near = suggestModel(id, media);
  if (!routeProvider(id)) {
    report.error(path, `unknown model \`${id}\`: no provider serves it`, { hint: near ?? ROUTING_HINT });
    return;
  }
  const found = lookupModel(id, media)!;
  const catalogue = descriptor(found.info.provider).catalogue;
  // Written with its `<provider>:` prefix, an id the catalogue lacks is sent as written (a model
  // published after the pinned client): only a warning, as for any id outside the table.
  const prefixed = id.startsWith(`${found.info.provider}:`);
  if (!found.known && catalogue && !catalogue.input(found.info.id) && !prefixed) {
    const real = suggestId(found.info.id, catalogue.ids());
    report.error(path, `\`${id}\` is not a ${found.info.provider} model: ${catalogue.source} lists no such endpoint`, {
      hint: real ?? `copy the id from the model's page, or write \`${found.info.provider}:${id}\` to send it as written`,
    });
    return;
  }
  if (!found.known) {
    report.warn(path, `model \`${id}\` is not in aivp's model table: generic input mapping and no cost estimate`, { request: true, ...(near ? { hint: near } : {}) });
  } else if (found.info.media !== media) {
    const want = media === 'image' ? 'an image model' : 'a video model';
    report.error(path, `model \`${id}\` makes ${found.info.media === 'image' ? 'images' : 'videos'}; this node needs ${want}`);
  } else {
    checkLifecycle(id, found.info, path, report, on);
  }
}

/** A retired model is refused (nothing would answer); one with a shutdown ahead, or deprecated, is a warning. */
function checkLifecycle(id: string, info: ModelInfo, path: Path, report: Reporter, on: string): void {
  const life = info.lifecycle;
  const status = modelStatus(info, on);
  if (!life || status === 'ga' || status === 'preview') return;
  const instead = life.replacement ? { hint: `use \`${life.replacement}\` instead` } : { hint: `choose a live model (\`aivp models --provider ${info.provider}\`)` };
  const when = life.shutdown ? ` on ${life.shutdown}` : '';
  if (status === 'retired') {
    report.error(path, `model \`${id}\` was shut down by its provider${when} (${life.source})`, instead);
  } else {
    report.warn(path, `model \`${id}\` is deprecated${life.shutdown ? ` and shuts down on ${life.shutdown}` : ''} (${life.source})`, instead);
  }
}

/** A known id one typo away, or one that ends with what was written (`nano-banana-pro` -> `fal-ai/nano-banana-pro`). */
export function suggestModel(id: string, media: 'image' | 'video'): string | undefined {
  return suggestId(id, modelIds().filter((m) => m !== id && lookupModel(m, media)?.info.media === media));
}

/** Of `ids` (the table's, or a provider's published endpoints), the one ending with `id`, else one a typo away. */
function suggestId(id: string, ids: readonly string[]): string | undefined {
  const tail = ids.find((m) => m.endsWith(`/${id}`));
  return tail ? `did you mean \`${tail}\`?` : didYouMean(id, ids);
}

/**
 * `params` against the input type its provider publishes for each model the node may run (the
 * row a node's images choose): a key it does not take would silently do nothing, a value outside
 * its enum would be refused. Params from `defaults` are reported once, at the defaults; a default
 * key one model lacks is a warning (defaults are meant for many models).
 */
export function checkParams(node: ProjectNode, own: Obj, path: Path, defaultsPath: Path, report: Reporter, seen: Set<string>): void {
  // No params, nothing to judge: the catalogue (some 30 ms to parse) is not read for it.
  if (Object.keys(node.params).length === 0) return;
  const media = node.kind === 'segment' ? 'video' : 'image';
  const images = node.kind === 'segment' ? 0 : node.refs.length + (node.input ? 1 : 0);
  for (const model of new Set([node.model, ...node.fallback])) {
    const found = lookupModel(model, media);
    if (!found) continue;
    const info = withImages(found.info, images);
    const type = descriptor(info.provider).catalogue?.input(info.id);
    if (!type) continue;
    for (const p of inputProblems(type, node.params)) {
      // A credential is refused on its own (secrets.ts); a second error about it would be noise.
      if (p.type === 'missing' || isKeyLike(p.field, node.params[p.field])) continue;
      const mine = Object.hasOwn(obj(own.params), p.field);
      const where = mine ? [...path, 'params', p.field] : [...defaultsPath, 'params', p.field];
      const once = `${where.join('.')}|${info.id}`;
      if (!mine && seen.has(once)) continue;
      seen.add(once);
      const value = type[p.field];
      if (p.type === 'extra_forbidden') {
        // A default meant for most models is only a warning where one model lacks the field.
        const near = didYouMean(p.field, Object.keys(type));
        (mine ? report.error : report.warn).call(report, where, mine ? `\`${info.id}\` takes no \`${p.field}\`: it would be ignored` : `\`${info.id}\` (\`${node.name}\`'s model) takes no \`${p.field}\`: it is ignored there`, {
          at: 'key', hint: near ?? `its fields: ${Object.keys(type).join(', ')}`,
        });
      } else if (p.type === 'literal_error' && value?.values) {
        report.error(where, `\`params.${p.field}\` of \`${info.id}\` must be ${allowedValues(value.values)}`);
      } else {
        report.error(where, `\`params.${p.field}\` of \`${info.id}\` must be a ${value?.kind.replaceAll('|', ' or ')}`);
      }
    }
  }
}

/** Models of the same provider that do take images, for the hint. */
const IMAGE_MODELS: Partial<Record<string, string>> = {
  fal: 'use an image-to-image or edit model, e.g. `fal-ai/nano-banana-pro/edit` or `fal-ai/flux/dev/image-to-image`',
  stability: 'Ultra and the sd3 models take an `input` (e.g. `stability:ultra`); no Stability model takes `refs`',
};

/**
 * A node's images against its model: none (or no mask) where the model needs one is an error (fal
 * would refuse the request); images the model would never see are a warning (the build would ignore them).
 */
export function checkImageInputs(node: ImageNode, path: Path, report: Reporter): void {
  const found = lookupModel(node.model, 'image');
  const images = node.refs.length + (node.input ? 1 : 0);
  const source = node.kind === 'reference' && (node.file !== undefined || node.dir !== undefined) && node.prompt === undefined;
  if (!found || source) return;
  const info = withImages(found.info, images);
  const field = info.imageField ?? info.imageListField;
  if (images === 0) {
    if (requiresField(info, field)) {
      report.error(path, `\`${node.name}\` uses \`${node.model}\`, which needs an image (\`${field}\`), but has no \`input\` or \`refs\``, {
        at: 'key', hint: 'give it an `input`, or use a text-to-image model',
      });
    }
  } else if (node.mask === undefined && requiresField(info, info.maskField)) {
    report.error(path, `\`${node.name}\` uses \`${node.model}\`, which needs a mask (\`${info.maskField}\`), but has no \`mask\``, {
      at: 'key', hint: 'give it a `mask` (white where the image changes), or use an edit model',
    });
  } else if (info !== found.info && info.imageListField === undefined && node.input === undefined && node.refs.length > 0) {
    // The text-to-image model hands its images to its image-to-image variant, which takes one start picture.
    report.warn(path, `\`refs\` of \`${node.name}\` go to \`${info.id}\` as its start picture (\`${node.model}\` takes no reference images): the image is redrawn, not referenced`, {
      at: 'key', hint: 'make it the `input` to say so, or use a model that takes references (fal-ai/nano-banana-pro/edit)', request: true,
    });
  } else if (!takesImages(info)) {
    report.warn(path, `model \`${node.model}\` takes no input or reference images: they are not sent`, { hint: IMAGE_MODELS[info.provider] ?? IMAGE_MODELS.fal, request: true });
  } else if (info.maxRefs !== undefined && images > info.maxRefs + (info.imageListField ? 0 : 1)) {
    report.warn(path, `model \`${info.id}\` takes at most ${info.maxRefs} reference image(s); this node has ${images} input and reference images`, { request: true });
  }
}

/**
 * More takes than a model returns (an upscaler makes one): a `pick` past the first would plan a
 * take that never exists, so it is an error here, for the node's model and each fallback.
 */
export function checkTakes(node: ImageNode, own: Obj, path: Path, report: Reporter): void {
  const source = node.kind === 'reference' && node.prompt === undefined && (node.file !== undefined || node.dir !== undefined);
  if (node.num_images <= 1 || source) return;
  const images = node.refs.length + (node.input ? 1 : 0);
  for (const model of new Set([node.model, ...node.fallback])) {
    const found = lookupModel(model, 'image');
    const most = found && maxTakes(withImages(found.info, images));
    if (!most || most >= node.num_images) continue;
    const field = ['num_images', 'pick'].find((k) => Object.hasOwn(own, k));
    const never = node.pick > most ? `: take ${node.pick} (\`pick\`) would never exist` : '';
    const returns = most === 1 ? 'returns one image per request' : `returns at most ${most} images per request`;
    report.error(field ? [...path, field] : path, `\`num_images\` is ${node.num_images} but \`${model}\` ${returns}${never}`, {
      hint: most === 1 ? 'set `num_images: 1` (and `pick: 1`), or use a model that makes several images' : `set \`num_images\` to at most ${most}`,
    });
  }
}

/**
 * What the node's model (or a fallback) would refuse only once the request is sent: a prompt over
 * its length limit, `params` that cannot travel as form fields. Errors here, so nothing is spent.
 */
export function checkRequestLimits(node: ImageNode, own: Obj, path: Path, report: Reporter): void {
  for (const model of new Set([node.model, ...node.fallback])) {
    const info = lookupModel(model, 'image')?.info;
    const chars = node.prompt === undefined ? 0 : [...node.prompt].length;
    if (info?.maxPromptChars !== undefined && chars > info.maxPromptChars) {
      report.error([...path, 'prompt'], `the prompt is ${chars} characters; \`${model}\` takes at most ${info.maxPromptChars}`, {
        at: 'key', hint: 'shorten it, or use another model',
      });
    }
    if (!info?.formParams) continue;
    for (const [k, v] of Object.entries(node.params)) {
      if (v === null || typeof v !== 'object') continue;
      const where = Object.hasOwn(obj(own.params), k) ? [...path, 'params', k] : path;
      report.error(where, `\`params.${k}\` is a ${Array.isArray(v) ? 'list' : 'mapping'}; \`${model}\` takes text, numbers and booleans only (form fields)`, { at: 'key' });
    }
  }
}

/** A duration the model does not offer: an error listing those it does (nothing would be sent that it refuses or rounds). */
export function checkDuration(model: string, duration: number | undefined, path: Path, report: Reporter): void {
  const allowed = lookupModel(model, 'video')?.info.durations;
  if (duration === undefined || !allowed || allowed.includes(duration)) return;
  report.error(path, `\`duration\` ${duration} s is not one \`${model}\` offers: ${allowed.join(', ')} s`, {
    hint: `set \`duration\` to one of them, or use another model`,
  });
}

/**
 * A segment's `audio` on a model that gives no choice of sound (its row sends no
 * `generate_audio`): the setting would do nothing, so it is an error, for each model of the chain.
 */
export function checkAudio(node: SegmentNode, path: Path, report: Reporter): void {
  if (node.audio === undefined) return;
  for (const model of new Set([node.model, ...node.fallback])) {
    const info = lookupModel(model, 'video')?.info;
    if (!info || info.audio !== undefined) continue;
    report.error(path, `\`${model}\` makes no choice of sound: \`audio: ${node.audio}\` would do nothing`, {
      at: 'key', hint: 'remove `audio`, or use a model that makes sound on request (`aivp models --media video` shows which)',
    });
  }
}

/** First+last-frame models from the table, for hints. */
const LAST_FRAME_HINT = 'a model that takes a first and a last frame (e.g. `fal-ai/kling-video/v2.5-turbo/pro/image-to-video` or `veo-3.1-generate-001`)';

/**
 * A segment's keyframes against its model: one where the model needs a last frame too is an
 * error (fal would refuse it); a keyframe the model will never receive is a warning, naming it.
 */
export function checkKeyframes(node: SegmentNode, path: Path, report: Reporter): void {
  const info = lookupModel(node.model, 'video')?.info;
  if (info && node.keyframes.length > 0 && !takesImages(info)) {
    report.error(path, `\`${node.model}\` takes no image: \`${node.name}\`'s keyframes would never reach it`, {
      at: 'key', hint: 'use an image-to-video model',
    });
    return;
  }
  if (node.keyframes.length === 1 && info && requiresField(info, info.lastFrameField)) {
    report.error(path, `\`${node.model}\` needs a first and a last frame (\`${info.lastFrameField}\`); \`${node.name}\` has one keyframe`, {
      at: 'key', hint: 'give the segment a second keyframe, or use an image-to-video model',
    });
    return;
  }
  const sent = new Set(keyframesSent(node.keyframes.length, info, node.position));
  node.keyframes.forEach((k, i) => {
    if (sent.has(i)) return;
    const kept = node.keyframes[[...sent][0]]?.name;
    report.warn([...path, 'keyframes', i], `keyframe \`${k.name}\` of \`${node.name}\` is not sent: \`${node.model}\` takes one frame (\`${kept}\`, by position: ${node.position})`, {
      hint: `use ${LAST_FRAME_HINT}, or give the segment one keyframe`,
      request: true,
    });
  });
}

/**
 * A keyframe whose aspect differs from its segment's `aspect_ratio` is letterboxed on the way to
 * the video model: a warning at the keyframe. A keyframe's aspect is its `size` when its model
 * takes one, else its input's (upscalers and plain image-to-image keep it); unknown otherwise.
 */
export function checkKeyframeAspect(node: SegmentNode, images: Map<string, ImageNode>, path: Path, report: Reporter): void {
  const want = node.aspect_ratio && resolveSize(node.aspect_ratio);
  if (!want) return;
  node.keyframes.forEach((k, i) => {
    const size = aspectOf(images.get(k.name), images, new Set());
    if (!size || Math.abs(Math.log(size.width / size.height / (want.width / want.height))) < 0.02) return;
    report.warn([...path, 'keyframes', i], `keyframe \`${k.name}\` is ${size.aspectRatio} but \`${node.name}\` is ${node.aspect_ratio}: it will be letterboxed`, {
      hint: `give \`${k.name}\` \`size: "${node.aspect_ratio}"\`, or change the segment's \`aspect_ratio\``,
      request: true,
    });
  });
}

function aspectOf(node: ImageNode | undefined, images: Map<string, ImageNode>, seen: Set<string>): ResolvedSize | undefined {
  if (!node || seen.has(node.name)) return undefined;
  seen.add(node.name);
  const info = lookupModel(node.model, 'image')?.info;
  if (node.size !== undefined && info && info.size !== 'none') return resolveSize(node.size);
  return node.input ? aspectOf(images.get(node.input.name), images, seen) : undefined;
}

export function isUpscaler(id: string): boolean {
  return lookupModel(id, 'image')?.info.task === 'upscale';
}
