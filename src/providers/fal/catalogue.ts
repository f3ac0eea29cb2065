// fal's endpoint catalogue (catalogue.json, made by scripts/fal-catalogue.mjs from the endpoint
// types of the pinned @fal-ai/client): which endpoints exist and what each input takes. Read on
// first use: most commands never ask, and parsing it costs some 30 ms.
import { readFileSync } from 'node:fs';

export interface FalField {
  required?: true;
  /** `string`, `number`, `boolean`, `list`, `object` or `any`; a union joins them with `|`. */
  kind: string;
  /** The only values allowed (of a list: of its items); absent means any of the kind. */
  values?: ReadonlyArray<string | number | boolean>;
}

export type FalInputType = Readonly<Record<string, FalField>>;

let endpoints: Readonly<Record<string, FalInputType>> | undefined;

/** An endpoint's input type, or undefined when the catalogue has no such endpoint. */
export function falEndpoint(id: string): FalInputType | undefined {
  endpoints ??= (JSON.parse(readFileSync(new URL('./catalogue.json', import.meta.url), 'utf8')) as { endpoints: Record<string, FalInputType> }).endpoints;
  return Object.hasOwn(endpoints, id) ? endpoints[id] : undefined;
}
