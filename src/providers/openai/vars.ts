// The variables of the two providers that speak OpenAI's image API.
import type { KeyedVars } from '../keyed.js';

export const OPENAI_VARS: Record<'openai' | 'imagerouter', KeyedVars> = {
  openai: { key: 'OPENAI_API_KEY', baseUrlVar: 'OPENAI_BASE_URL', baseUrl: 'https://api.openai.com/v1', label: 'OpenAI models' },
  imagerouter: { key: 'IMAGEROUTER_API_KEY', baseUrlVar: 'IMAGEROUTER_BASE_URL', baseUrl: 'https://api.imagerouter.io/v1/openai', label: 'ImageRouter models' },
};
