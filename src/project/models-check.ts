// Model ids: routed by a provider, known to the model table, and making the right kind of media.
import { lookupModel, routeProvider, takesImages, withImages } from '../providers/models.js';
import type { Reporter } from './report.js';
import type { Path } from './source.js';

const ROUTING_HINT = 'fal ids look like `owner/app` (e.g. `fal-ai/flux/dev`); Google ids start with `gemini-`, `imagen-` or `veo-`; `draft` is the offline renderer';

export function checkModel(id: string, media: 'image' | 'video', path: Path, report: Reporter): void {
  if (!routeProvider(id)) {
    report.error(path, `unknown model \`${id}\`: no provider serves it`, { hint: ROUTING_HINT });
    return;
  }
  const found = lookupModel(id, media)!;
  if (!found.known) {
    report.warn(path, `model \`${id}\` is not in aivp's model table: generic input mapping and no cost estimate`);
  } else if (found.info.media !== media) {
    const want = media === 'image' ? 'an image model' : 'a video model';
    report.error(path, `model \`${id}\` makes ${found.info.media === 'image' ? 'images' : 'videos'}; this node needs ${want}`);
  }
}

/** Input and reference images a node's model would never see: a warning, since the build would silently ignore them. */
export function checkImageInputs(model: string, images: number, path: Path, report: Reporter): void {
  const found = lookupModel(model, 'image');
  if (!found || images === 0) return;
  const info = withImages(found.info, images);
  if (!takesImages(info)) {
    report.warn(path, `model \`${model}\` takes no input or reference images: they are not sent`, {
      hint: 'use an image-to-image or edit model, e.g. `fal-ai/nano-banana-pro/edit` or `fal-ai/flux/dev/image-to-image`',
    });
  } else if (info.maxRefs !== undefined && images > info.maxRefs + (info.imageListField ? 0 : 1)) {
    report.warn(path, `model \`${info.id}\` takes at most ${info.maxRefs} reference image(s); this node has ${images} input and reference images`);
  }
}

/** A duration the model table says the model does not offer: a warning (the table may lag the provider). */
export function checkDuration(model: string, duration: number | undefined, path: Path, report: Reporter): void {
  const allowed = lookupModel(model, 'video')?.info.durations;
  if (duration === undefined || !allowed || allowed.includes(duration)) return;
  report.warn(path, `\`duration\` ${duration} s is not one \`${model}\` is known to offer (${allowed.join(', ')} s): the provider may refuse it`);
}

export function isUpscaler(id: string): boolean {
  return lookupModel(id, 'image')?.info.task === 'upscale';
}
