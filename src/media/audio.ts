// Audio files aivp accepts as a film's sound track, told apart by their first bytes (the
// extension alone lets an image or an HTML page saved as .mp3 through).

const SIGNATURES: Array<[name: string, test: (b: Buffer) => boolean]> = [
  ['MP3', (b) => at(b, 0, 'ID3') || (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe6) === 0xe2)],
  ['AAC', (b) => b.length >= 2 && b[0] === 0xff && (b[1]! & 0xf6) === 0xf0],
  ['WAV', (b) => at(b, 0, 'RIFF') && at(b, 8, 'WAVE')],
  ['AIFF', (b) => at(b, 0, 'FORM') && (at(b, 8, 'AIFF') || at(b, 8, 'AIFC'))],
  ['FLAC', (b) => at(b, 0, 'fLaC')],
  ['Ogg', (b) => at(b, 0, 'OggS')],
  ['MP4/M4A', (b) => at(b, 4, 'ftyp')],
  ['Matroska/WebM', (b) => at(b, 0, '\x1a\x45\xdf\xa3')],
];

/** Bytes to read from the start of a file for audioFormat. */
export const AUDIO_HEAD_BYTES = 16;

/** The container's name, or undefined when the bytes start no audio format aivp knows. */
export function audioFormat(head: Buffer): string | undefined {
  return SIGNATURES.find(([, test]) => test(head))?.[0];
}

function at(b: Buffer, offset: number, sig: string): boolean {
  return b.length >= offset + sig.length && b.toString('latin1', offset, offset + sig.length) === sig;
}
