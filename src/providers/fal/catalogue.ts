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

function catalogue(): Readonly<Record<string, FalInputType>> {
  endpoints ??= (JSON.parse(readFileSync(new URL('./catalogue.json', import.meta.url), 'utf8')) as { endpoints: Record<string, FalInputType> }).endpoints;
  return endpoints;
}

/** An endpoint's input type, or undefined when the catalogue has no such endpoint. */
export function falEndpoint(id: string): FalInputType | undefined {
  const all = catalogue();
  return Object.hasOwn(all, id) ? all[id] : undefined;
}

/** Every catalogued endpoint id. */
export function falEndpointIds(): string[] {
  return Object.keys(catalogue());
}

/** One thing fal's validation would refuse, typed as pydantic types it. */
export interface InputProblem {
  field: string;
  type: 'missing' | 'extra_forbidden' | 'literal_error' | 'type_error';
  msg: string;
}

/**
 * What an input breaks of its endpoint's type: a required field missing, a field outside the type
 * (fal ignores those, so a setting would silently do nothing), a value of the wrong kind or
 * outside its enum.
 */
export function inputProblems(type: FalInputType, input: Record<string, unknown>): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const [field, f] of Object.entries(type)) {
    if (f.required && input[field] === undefined) problems.push({ field, type: 'missing', msg: 'Field required' });
  }
  for (const [field, value] of Object.entries(input)) {
    const f = Object.hasOwn(type, field) ? type[field] : undefined;
    if (!f) problems.push({ field, type: 'extra_forbidden', msg: 'Extra inputs are not permitted' });
    else if (value !== undefined) problems.push(...valueProblems(field, f, value));
  }
  return problems;
}

function valueProblems(field: string, f: FalField, value: unknown): InputProblem[] {
  if (f.kind === 'any') return [];
  const kinds = f.kind.split('|');
  const kind = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
  if (!kinds.includes(kind)) return [{ field, type: 'type_error', msg: `Input should be a valid ${f.kind}` }];
  if (!f.values || kind === 'object') return [];
  const outside = (kind === 'list' ? (value as unknown[]) : [value]).filter((v) => !f.values!.includes(v as string));
  if (outside.length === 0) return [];
  // Worded as pydantic words it: "Input should be 'a', 'b' or 'c'".
  const quoted = f.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted[0];
  return [{ field, type: 'literal_error', msg: `Input should be ${list}` }];
}
