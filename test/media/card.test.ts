import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { frameDelays, renderAnimatic } from '../../src/media/animatic.js';
import { escapeXml, renderCard, wrapText } from '../../src/media/card.js';
import { noisy } from './helpers.js';

describe('wrapText', () => {
  it('wraps on words within the width', () => {
    expect(wrapText('a woman in a red dress on a cliff', 12, 5)).toEqual(['a woman in a', 'red dress on', 'a cliff']);
  });

  it('ends with an ellipsis when lines run out, and clips overlong words', () => {
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three …']);
    expect(wrapText('supercalifragilistic', 8, 2)).toEqual(['superca…']);
    expect(wrapText('anything', 0, 3)).toEqual([]);
  });
});

describe('escapeXml', () => {
  it('keeps prompts with markup characters from breaking the SVG', async () => {
    expect(escapeXml(`<b>"rock" & 'roll'</b>\u0001`)).toBe('&#60;b&#62;&#34;rock&#34; &#38; &#39;roll&#39;&#60;/b&#62;');
    const png = await renderCard({ width: 200, height: 100, hash: 'ab'.repeat(32), title: '<x>', text: 'a & b </svg>', footer: '"', thumbs: [] });
    expect(await sharp(png).metadata()).toMatchObject({ width: 200, height: 100 });
  });
});

describe('renderAnimatic', () => {
  it('frame delays add up to the duration, 12 to 24 frames', () => {
    expect(frameDelays(5)).toHaveLength(20);
    expect(frameDelays(5).reduce((a, b) => a + b)).toBe(5000);
    expect(frameDelays(1)).toHaveLength(12);
    expect(frameDelays(1).reduce((a, b) => a + b)).toBe(1000);
    expect(frameDelays(10)).toHaveLength(24);
    expect(frameDelays(10).reduce((a, b) => a + b)).toBe(10000);
  });

  it('a single keyframe still animates: a looping WebP of several frames', async () => {
    const webp = await renderAnimatic({ keyframes: [await noisy(100, 60)], width: 64, height: 40, duration: 3 });
    const meta = await sharp(webp).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 64, loop: 0 });
    expect(meta.pages).toBeGreaterThan(1);
  });
});
