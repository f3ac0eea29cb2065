// `${name}` substitution in prompts; `$${...}` is a literal `${...}` (Make's `$$`).

export interface Substitution {
  text: string;
  /** Vars used, in order of first use. */
  used: string[];
  /** Names referenced but not defined. */
  missing: string[];
}

const REFERENCE = /\$(\$)?\{([^}]*)\}/g;

export function substitute(prompt: string, vars: Record<string, string>): Substitution {
  const used: string[] = [];
  const missing: string[] = [];
  const text = prompt.replace(REFERENCE, (whole, escaped: string | undefined, raw: string) => {
    if (escaped) return whole.slice(1);
    const name = raw.trim();
    if (!Object.hasOwn(vars, name)) {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    if (!used.includes(name)) used.push(name);
    return vars[name];
  });
  return { text, used, missing };
}

/** Text that `substitute` turns back into exactly `text`: every `${...}` gets its escaping `$`. */
export function escapeVars(text: string): string {
  return text.replace(/\$\{[^}]*\}/g, '$$$&');
}
