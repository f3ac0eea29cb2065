// The gallery's markup is written with the `html` tag: every interpolated value is escaped unless
// it is itself markup the tag made, so a prompt, node name or error message is text wherever it
// lands, whoever writes the next line. Quotes are escaped too, which makes values safe inside
// quoted attributes (the only kind the gallery writes).

const TEXT = Symbol('aivp.html');

/**
 * Markup made by `html`. Its text sits under a symbol only this module holds, so no other object
 * (a record field, parsed JSON) can pass for one.
 */
export interface SafeHtml {
  readonly [TEXT]: string;
  toString(): string;
}

/** What may be interpolated: text and numbers (escaped), markup, and lists of markup (joined). */
export type HtmlValue = string | number | SafeHtml | readonly SafeHtml[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  // A template's strings are frozen by the language; an array passed by a direct call
  // (`html(Object.assign([text], { raw: [text] }))`) is not, and would put its text in raw.
  if (!Object.isFrozen(strings)) throw new TypeError('html: use it as a tag, html`...`, not as a function');
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return safe(out);
}

/** Markup between markup: `joinHtml(cards, '\n')`. The separator is text, escaped like any. */
export function joinHtml(parts: readonly SafeHtml[], separator: string): SafeHtml {
  return safe(parts.map(render).join(escapeHtml(separator)));
}

/**
 * The one way past escaping, for the text of the page's own CSS and scripts (page-files.ts),
 * never for data. It refuses `</`, which would close their <style> or <script> early.
 */
export function rawPageText(text: string): SafeHtml {
  if (text.includes('</')) throw new Error('a page file must not contain "</": it would end its <style> or <script> element');
  return safe(text);
}

function safe(text: string): SafeHtml {
  return { [TEXT]: text, toString: () => text };
}

function render(v: HtmlValue): string {
  if (typeof v === 'string' || typeof v === 'number') return escapeHtml(String(v));
  if (Array.isArray(v)) return v.map(render).join('');
  // The types allow nothing else; an `any` that slips through (undefined, false, an object) would
  // print "undefined" or "[object Object]" into the page, so it stops here instead.
  if (typeof v !== 'object' || v === null || !(TEXT in v)) throw new TypeError(`html: cannot interpolate ${v === null ? 'null' : typeof v}`);
  return v[TEXT];
}
