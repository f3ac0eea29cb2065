// `${name}` substitution in prompts.

export interface Substitution {
  text: string;
  /** Vars used, in order of first use. */
  used: string[];
  /** Names referenced but not defined. */
  missing: string[];
}

const REFERENCE = /\$\{([^}]*)\}/g;

export function substitute(prompt: string, vars: Record<string, string>): Substitution {
  const used: string[] = [];
  const missing: string[] = [];
  const text = prompt.replace(REFERENCE, (whole, raw: string) => {
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
