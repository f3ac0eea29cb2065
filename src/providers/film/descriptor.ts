// The film's assembler in the registry: local ffmpeg, free, never a model a user names.
import type { ProviderDescriptor } from '../descriptor.js';
import type { ModelInfo } from '../types.js';

export const FILM_ASSEMBLER: ModelInfo = { id: 'ffmpeg', provider: 'film', task: 'assemble', media: 'video', price: {} };

export const FILM: ProviderDescriptor = {
  id: 'film',
  named: false,
  about: 'The film: the segments cut into one MP4 with ffmpeg.',
  models: [],
  free: true,
  concurrency: 1,
  env: ['FFMPEG_PATH'],
  endpointVars: [],
  keyVars: [],
  missingKey: () => undefined,
  load: async (env) => (await import('./provider.js')).createFilmProvider({ env }),
};
