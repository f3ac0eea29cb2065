import { describe, expect, it } from 'vitest';
import { escapeVars, substitute } from '../../src/project/vars.js';

describe('substitute', () => {
  it('replaces known vars, keeps unknown ones and reports them once', () => {
    expect(substitute('${a}, ${ b }, ${a} ${nope} ${nope}', { a: 'A', b: 'B' })).toEqual({
      text: 'A, B, A ${nope} ${nope}',
      used: ['a', 'b'],
      missing: ['nope'],
    });
  });

  it('leaves text without references alone, including a lone $', () => {
    expect(substitute('costs $5 {not a var}', {})).toEqual({ text: 'costs $5 {not a var}', used: [], missing: [] });
  });

  it('does not expand vars inside values', () => {
    expect(substitute('${a}', { a: '${b}', b: 'B' }).text).toBe('${b}');
  });
});

describe('escapeVars', () => {
  it('$${...} is a literal ${...}, neither substituted nor reported', () => {
    expect(substitute('price $${a} and ${a}', { a: 'A' })).toEqual({ text: 'price ${a} and A', used: ['a'], missing: [] });
  });

  it.each([
    'plain text',
    'a ${look} here',
    'runs of dollars $${x} $$$${y} and ${}',
    'unterminated ${open and $ alone',
    'multi\nline ${a}\n"quoted" \'single\'',
  ])('substitute(escapeVars(t)) gives t back verbatim: %j', (t) => {
    const back = substitute(escapeVars(t), { look: 'LOOK', a: 'A', x: 'X', y: 'Y' });
    expect(back.text).toBe(t);
    expect(back.missing).toEqual([]);
    expect(back.used).toEqual([]);
  });
});
