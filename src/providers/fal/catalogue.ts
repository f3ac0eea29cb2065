// fal's endpoint catalogue (catalogue.json, made by scripts/fal-catalogue.mjs from the endpoint
// types of the pinned @fal-ai/client): which endpoints exist and what each input takes. Read on
// first use: most commands never ask, and parsing it costs some 30 ms.
import { readFileSync } from 'node:fs';
import type { PublishedCatalogue, PublishedInput } from '../published.js';

interface CatalogueFile {
  source: string;
  endpoints: Record<string, PublishedInput>;
}

let file: CatalogueFile | undefined;
let ids: readonly string[] | undefined;

function read(): CatalogueFile {
  return (file ??= JSON.parse(readFileSync(new URL('./catalogue.json', import.meta.url), 'utf8')) as CatalogueFile);
}

/** An endpoint's input type, or undefined when the catalogue has no such endpoint. */
export function falEndpoint(id: string): PublishedInput | undefined {
  const { endpoints } = read();
  return Object.hasOwn(endpoints, id) ? endpoints[id] : undefined;
}

export const FAL_CATALOGUE: PublishedCatalogue = {
  get source() {
    return read().source.replace(/ src\/.*$/, '');
  },
  input: falEndpoint,
  ids: () => (ids ??= Object.keys(read().endpoints)),
};
