// A model's input type as its provider publishes it (fal's endpoint catalogue), and what an input
// breaks of it. Provider-neutral: validate, the contract test and the fakes all judge by this.

export interface PublishedField {
  required?: true;
  /** `string`, `number`, `boolean`, `list`, `object` or `any`; a union joins them with `|`. */
  kind: string;
  /** The only values allowed (of a list: of its items); absent means any of the kind. */
  values?: ReadonlyArray<string | number | boolean>;
}

export type PublishedInput = Readonly<Record<string, PublishedField>>;

/** A provider's published model inputs. */
export interface PublishedCatalogue {
  /** What was read, for messages: `@fal-ai/client 1.10.1`. */
  source: string;
  /** A model's input type, or undefined when the catalogue has no such model. */
  input(id: string): PublishedInput | undefined;
  ids(): readonly string[];
}

/** One thing the provider's validation would refuse, typed as pydantic types it. */
export interface InputProblem {
  field: string;
  type: 'missing' | 'extra_forbidden' | 'literal_error' | 'type_error';
  msg: string;
}

/**
 * What an input breaks of its published type: a required field missing, a field outside the type
 * (fal ignores those, so a setting would silently do nothing), a value of the wrong kind or
 * outside its enum.
 */
export function inputProblems(type: PublishedInput, input: Record<string, unknown>): InputProblem[] {
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

function valueProblems(field: string, f: PublishedField, value: unknown): InputProblem[] {
  if (f.kind === 'any') return [];
  const kinds = f.kind.split('|');
  const kind = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
  if (!kinds.includes(kind)) return [{ field, type: 'type_error', msg: `Input should be a valid ${f.kind}` }];
  if (!f.values || kind === 'object') return [];
  const outside = (kind === 'list' ? (value as unknown[]) : [value]).filter((v) => !f.values!.includes(v as string));
  if (outside.length === 0) return [];
  return [{ field, type: 'literal_error', msg: `Input should be ${allowedValues(f.values)}` }];
}

/** Worded as pydantic words it: `'a', 'b' or 'c'`. */
export function allowedValues(values: ReadonlyArray<string | number | boolean>): string {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted[0];
}
