import type { NodeRecord } from '../../src/engine/record-types.js';

export function sampleRecord(over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    aivp: 1,
    node: 'shot-01',
    kind: 'keyframe',
    key: 'a'.repeat(64),
    provider: 'fal',
    model: 'fal-ai/flux/dev',
    prompt: 'a lighthouse at dusk',
    params: { size: '1024x576', num_images: 1, extra: { z: 1, a: [2, { y: 1, b: 2 }] } },
    seed: 42,
    inputs: [{ role: 'reference', name: 'hero', sha256: 'b'.repeat(64) }],
    outputs: [{ path: 'keyframes/shot-01.png', sha256: 'c'.repeat(64), bytes: 123, width: 1024, height: 576, mediaType: 'image/png' }],
    pick: 1,
    requestId: 'req-1',
    costUsd: 0.025,
    durationMs: 1234,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}
