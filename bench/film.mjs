// 7. The film: a draft build of a 10-segment project (keyframes, MP4 segments, film) and the
// re-assembly after one segment edit, against bare ffmpeg doing the same normalise-and-concat.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median, ms, QUICK, ratio, removeDir, runCli, table, tempDir, timed } from './lib/util.mjs';

export const title = 'Film assembly';

const SEGMENTS = 10;
const SECONDS = 5;
const FPS = 24;

function yaml(edit) {
  const lines = ['aivp: 1', 'name: bench-film', 'defaults:', '  image: { model: draft, size: 640x360 }', '  video: { model: draft }', 'shots:'];
  for (let i = 0; i <= SEGMENTS; i++) lines.push(`  k${i}: { prompt: "Keyframe ${i}, wide angle" }`);
  lines.push('segments:');
  for (let i = 1; i <= SEGMENTS; i++) {
    const prompt = edit && i === 5 ? `Segment ${i}, take ${edit}` : `Segment ${i}, slow push in`;
    lines.push(`  seg${i}: { keyframes: [k${i - 1}, k${i}], duration: ${SECONDS}, prompt: "${prompt}" }`);
  }
  lines.push('film: {}', '');
  return lines.join('\n');
}

/** The same normalise-and-concat aivp runs, written out by hand: every clip scaled, padded, one fps, silent audio, then concat. */
function bareArgs(clips, out, W, H) {
  const graph = [];
  clips.forEach((_, i) => {
    graph.push(`[${i}:v]scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${FPS},format=yuv420p,trim=duration=${SECONDS},setpts=PTS-STARTPTS[v${i}]`);
    graph.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${SECONDS}[a${i}]`);
  });
  graph.push(`${clips.map((_, i) => `[v${i}][a${i}]`).join('')}concat=n=${clips.length}:v=1:a=1[v][a]`);
  return [
    '-hide_banner', '-nostdin', '-v', 'error', '-y', ...clips.flatMap((c) => ['-i', c]),
    '-filter_complex', graph.join(';'), '-map', '[v]', '-map', '[a]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-r', String(FPS),
    '-c:a', 'aac', '-b:a', '160k', '-movflags', '+faststart', out,
  ];
}

export async function run() {
  const dir = await tempDir('film');
  const runs = QUICK ? 2 : 3;
  const record = async (name) => JSON.parse(await readFile(join(dir, 'metadata', `${name}.json`), 'utf8'));
  try {
    await writeFile(join(dir, 'aivp.project.yaml'), yaml());
    const first = await runCli(dir, ['build', '--draft', '--json']);
    const firstFilm = await record('film');
    const segMs = [];
    for (let i = 1; i <= SEGMENTS; i++) segMs.push((await record(`seg${i}`)).durationMs);

    const rebuild = [];
    for (let r = 1; r <= runs; r++) {
      await writeFile(join(dir, 'aivp.project.yaml'), yaml(r));
      const t = await runCli(dir, ['build', '--draft', '--json']);
      rebuild.push({ wallMs: t.wallMs, filmMs: (await record('film')).durationMs, segmentMs: (await record('seg5')).durationMs });
    }
    const { outputs } = await record('film');
    const [W, H] = [outputs[0].width ?? 640, outputs[0].height ?? 360];
    const clips = Array.from({ length: SEGMENTS }, (_, i) => join(dir, 'segments', `seg${i + 1}.mp4`));
    const bare = [];
    for (let r = 0; r < runs; r++) bare.push((await timed('ffmpeg', bareArgs(clips, join(dir, `bare-${r}.mp4`), W, H))).wallMs);

    const m = {
      rebuildWall: median(rebuild.map((x) => x.wallMs)),
      film: median(rebuild.map((x) => x.filmMs)),
      segment: median(rebuild.map((x) => x.segmentMs)),
      bare: median(bare),
    };
    const rows = [
      ['first draft build: 11 keyframes, 10 segments, film', ms(first.wallMs), '', ''],
      ['  of which one draft segment (median of 10, 5 s MP4)', ms(median(segMs)), '', ''],
      ['  of which the film node', ms(firstFilm.durationMs), '', ''],
      [`rebuild after one segment edit (median of ${runs})`, ms(m.rebuildWall), '', ''],
      ['  of which the edited segment', ms(m.segment), '', ''],
      ['  of which the film node (re-assembly)', ms(m.film), ms(m.bare), ratio(m.film, m.bare)],
      ['  rebuild without the segment render', ms(m.rebuildWall - m.segment), ms(m.bare), ratio(m.rebuildWall - m.segment, m.bare)],
    ];
    const markdown = [
      `A draft project of ${SEGMENTS} segments of ${SECONDS} s (${SEGMENTS + 1} keyframes, draft clips 640 px wide at ${FPS} fps, \`film: {}\`), ` +
        '`aivp build --draft --json` through the CLI. The edit changes one segment\'s prompt (a new one each run, so nothing comes from the cache): ' +
        'aivp re-renders that segment and re-assembles the film. "bare ffmpeg" is the same normalise-and-concat on the same clips written out by hand ' +
        '(scale + pad, fps, yuv420p, silent audio, concat filter, libx264 veryfast crf 20 + AAC, faststart), median of ' + runs + ' runs. ' +
        'Node times are the `durationMs` of their records.',
      '',
      table(['step', 'aivp ms', 'bare ffmpeg ms', 'aivp / bare'], rows),
      '',
      `Target (re-assembly within 1.3x of bare ffmpeg): ${m.film / m.bare <= 1.3 ? 'met' : 'missed'} (${ratio(m.film, m.bare)} for the film node; ${ratio(m.rebuildWall - m.segment, m.bare)} for the whole rebuild less the segment render, which bare ffmpeg does not do).`,
    ].join('\n');
    return { markdown, data: m };
  } finally {
    await removeDir(dir);
  }
}
