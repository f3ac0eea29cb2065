import { describe, expect, it } from 'vitest';
import { findKeys, isKeyLike } from '../../src/project/secrets.js';

describe('key-like fields', () => {
  it.each([
    ['api_key', 'x'], ['apikey', 'x'], ['API-KEY', 'x'], ['fal_key', 'x'], ['GEMINI_KEY', 'x'], ['access_token', 'x'],
    ['client_secret', 'x'], ['password', 'x'], ['token', 'x'], ['color_key', 'sk-abcdef0123456789xyz'],
  ])('%s is key-like', (name, value) => {
    expect(isKeyLike(name, value)).toBe(true);
  });

  it.each([
    ['prompt', 'x'], ['color_key', 'green'], ['keyframes', ['a']], ['max_tokens', 100], ['seed', 3], ['style_key', 'vivid watercolor'],
  ])('%s is not', (name, value) => {
    expect(isKeyLike(name, value)).toBe(false);
  });

  it('finds them at any depth, in lists too', () => {
    const data = { aivp: 1, shots: { a: { params: { nested: [{ secret: 'x' }] } } }, api_key: 'y' };
    expect(findKeys(data).fields).toEqual([['shots', 'a', 'params', 'nested', 0, 'secret'], ['api_key']]);
  });

  it('finds keys pasted into values, once: not again under a key-like field', () => {
    const openai = `sk-proj-${'a1B2'.repeat(8)}`;
    const google = `AIza${'x'.repeat(35)}`;
    const data = { shots: { a: { prompt: `castle ${openai}` }, b: { refs: ['x', google] } }, token: google };
    expect(findKeys(data)).toEqual({
      fields: [['token']],
      values: [
        { path: ['shots', 'a', 'prompt'], what: 'an OpenAI or Stability key' },
        { path: ['shots', 'b', 'refs', 1], what: 'a Google API key' },
      ],
    });
  });
});
