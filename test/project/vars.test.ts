import { describe, expect, it } from 'vitest';
import { substitute } from '../../src/project/vars.js';

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
