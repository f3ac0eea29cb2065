// Every provider aivp has, one line each. Order matters for routing by shape: an unprefixed id
// goes to the first provider whose shape it has (fal's `owner/app` is the catch-all, so last).
import type { ProviderDescriptor } from './descriptor.js';
import { DRAFT } from './draft/descriptor.js';
import { FAL } from './fal/descriptor.js';
import { FILM } from './film/descriptor.js';
import { GOOGLE } from './google/descriptor.js';
import { IMAGEROUTER, OPENAI } from './openai/descriptor.js';
import { STABILITY } from './stability/descriptor.js';
import type { ProviderId } from './types.js';

export const PROVIDERS: readonly ProviderDescriptor[] = [DRAFT, GOOGLE, OPENAI, IMAGEROUTER, STABILITY, FAL, FILM];

const BY_ID = new Map(PROVIDERS.map((p) => [p.id, p]));

export function descriptor(id: ProviderId): ProviderDescriptor {
  return BY_ID.get(id)!;
}
