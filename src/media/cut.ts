// A film's cut: where each clip starts in the film and how long it lasts there. The one
// computation of it: the assembler's filter-graph offsets, the film's length, the record it keeps
// and the storyboard's times (before a film has a recorded cut) all come from here.

/** Where each clip sits in the assembled film (after crossfades), in film order. */
export type FilmCut = { segment: string; startSec: number; durationSec: number }[];

/** Each clip starts `fade` seconds before the one before it ends (a crossfade overlaps them), to the millisecond. */
export function filmCut(names: string[], durations: number[], fade: number): FilmCut {
  let at = 0;
  return durations.map((d, i) => {
    const entry = { segment: names[i]!, startSec: round(at), durationSec: round(d) };
    at = round(at + round(d) - fade);
    return entry;
  });
}

/** The film's length: where its last clip ends. */
export function cutEnd(cut: FilmCut): number {
  const last = cut[cut.length - 1];
  return last ? round(last.startSec + last.durationSec) : 0;
}

/** Millisecond precision keeps the filter graph readable and the offsets exact enough. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
