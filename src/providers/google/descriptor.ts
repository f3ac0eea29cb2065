// Google in the registry: `gemini-`, `imagen-` and `veo-` ids, by API key or on Vertex AI.
import { genericVideoRow, type ProviderDescriptor } from '../descriptor.js';
import { GOOGLE_MODELS } from './models.js';
import { googleCredentialsPresent } from './settings.js';

export const GOOGLE: ProviderDescriptor = {
  id: 'google',
  shape: /^(gemini|imagen|veo)-/,
  shapeHint: 'Google ids start with `gemini-` or `veo-`',
  named: true,
  about: 'Google Gemini images and Veo. Key: GEMINI_API_KEY or GOOGLE_API_KEY in the environment or `.env` (or Vertex AI: GOOGLE_GENAI_USE_VERTEXAI=true, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION).',
  models: GOOGLE_MODELS,
  genericRow: (id, media) =>
    media === 'video'
      ? genericVideoRow(id, 'google')
      : { id, provider: 'google', task: 't2i', media, size: 'aspect_ratio', imageField: 'image_url', seed: true, numImages: true, price: {} },
  inlineImages: true,
  repeats: true,
  concurrency: 2,
  env: ['GEMINI_', 'GOOGLE_', 'GCP_', 'GCE_', 'STORAGE_EMULATOR_HOST'],
  // The API hosts, where Vertex reads `gs://` results, the service-account file, and the metadata
  // server google-auth-library asks for a token.
  endpointVars: ['GOOGLE_GEMINI_BASE_URL', 'GOOGLE_VERTEX_BASE_URL', 'STORAGE_EMULATOR_HOST', 'GOOGLE_APPLICATION_CREDENTIALS', 'GCE_METADATA_HOST', 'GCE_METADATA_IP'],
  keyVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  missingKey: (env) =>
    googleCredentialsPresent(env)
      ? undefined
      : 'Google models need GEMINI_API_KEY or GOOGLE_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION): set them in the environment or in a .env file',
  load: async (env) => (await import('./provider.js')).createGoogleProvider({ env }),
};
