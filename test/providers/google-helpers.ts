// Shared fixtures for the Google provider tests: input images, requests and contexts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lookupModel } from '../../src/providers/models.js';
import type { GenerateContext, GenerateRequest, InputImage, Progress } from '../../src/providers/types.js';
import { makeImage } from '../support/images.js';

export const KEY = 'AIzaFAKE-test-key-0123456789abcdef';

export async function image(dir: string, name: string, width: number, height: number, color = '#c33'): Promise<InputImage> {
  const path = join(dir, `${name}.png`);
  await writeFile(path, await makeImage({ width, height, colour: color }));
  return { name, path, sha256: name, mediaType: 'image/png' };
}

export function request(modelId: string, fields: Partial<GenerateRequest> = {}): GenerateRequest {
  const media = modelId.startsWith('veo-') ? 'video' : 'image';
  return { node: 'n', model: lookupModel(modelId, media)!.info, numImages: 1, refs: [], keyframes: [], params: {}, ...fields };
}

export interface TestContext extends GenerateContext {
  submitted: string[];
  progress: Progress[];
  controller: AbortController;
}

export function context(fields: Partial<GenerateContext> = {}): TestContext {
  const controller = new AbortController();
  const submitted: string[] = [];
  const progress: Progress[] = [];
  return {
    signal: controller.signal,
    controller,
    submitted,
    progress,
    onProgress: (p) => void progress.push(p),
    onSubmitted: async (id) => void submitted.push(id),
    ...fields,
  };
}
