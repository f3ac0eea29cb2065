// Stability's variables.
import type { KeyedVars } from '../keyed.js';

export const STABILITY_VARS: KeyedVars = { key: 'STABILITY_API_KEY', baseUrlVar: 'STABILITY_BASE_URL', baseUrl: 'https://api.stability.ai', label: 'Stability models' };
