// Model ids: routed by a provider, known to the model table, and making the right kind of media.
import { lookupModel, routeProvider } from '../providers/models.js';
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

export function isUpscaler(id: string): boolean {
  return lookupModel(id, 'image')?.info.task === 'upscale';
}
