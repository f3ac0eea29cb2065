// 7. The film: a draft build of a 10-segment project (keyframes, MP4 segments, film) and the
// re-assembly after one segment edit, against bare ffmpeg doing the same normalise-and-concat.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median, ms, QUICK, ratio, removeDir, runCli, table, tempDir, timed } from './lib/util.mjs';

export const title = 'Film assembly';

const SEGMENTS = 10;
const SECONDS = 5;
const FPS = 24;

function yaml(edit, fps) {
  const lines = ['aivp: 1', 'name: bench-film', 'defaults:', '  image: { model: draft, size: 640x360 }', '  video: { model: draft }', 'shots:'];
  for (let i = 0; i <= SEGMENTS; i++) lines.push(`  k${i}: { prompt: "Keyframe ${i}, wide angle" }`);
  lines.push('segments:');
  for (let i = 1; i <= SEGMENTS; i++) {
    const prompt = edit && i === 5 ? `Segment ${i}, take ${edit}` : `Segment ${i}, slow push in`;
    lines.push(`  seg${i}: { keyframes: [k${i - 1}, k${i}], duration: ${SECONDS}, prompt: "${prompt}" }`);
  }
  lines.push(fps ? `film: { fps: ${fps} }` : 'film: {}', '');
  return lines.join('\n');
}

/** The same normalise-and-concat aivp runs, written out by hand: every clip scaled, padded, one fps, its sound resampled, then concat. */
function bareNormalise(clips, out, W, H, fps) {
  const graph = [];
  clips.forEach((_, i) => {
    graph.push(`[${i}:v]scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p,trim=duration=${SECONDS},setpts=PTS-STARTPTS[v${i}]`);
    graph.push(`[${i}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=duration=${SECONDS},asetpts=PTS-STARTPTS[a${i}]`);
  });
  graph.push(`${clips.map((_, i) => `[v${i}][a${i}]`).join('')}concat=n=${clips.length}:v=1:a=1[v][a]`);
  return [
    '-hide_banner', '-nostdin', '-v', 'error', '-y', ...clips.flatMap((c) => ['-i', c]),
    '-filter_complex', graph.join(';'), '-map', '[v]', '-map', '[a]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-r', String(fps),
    '-c:a', 'aac', '-b:a', '160k', '-movflags', '+faststart', out,
  ];
}

/** The plain concat the replaced scripts ran: right only because these clips already match. */
function bareCopy(list, out) {
  return ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', out];
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
    const list = join(dir, 'clips.txt');
    await writeFile(list, clips.map((c) => `file '${c}'\n`).join(''));
    const bareCopyMs = [];
    for (let r = 0; r < runs; r++) bareCopyMs.push((await timed('ffmpeg', bareCopy(list, join(dir, `copy-${r}.mp4`)))).wallMs);

    // The normalising path: the film at another frame rate than its clips (a new one each run).
    const normalise = [];
    const bareNormaliseMs = [];
    for (let r = 1; r <= runs; r++) {
      const fps = 24 + r;
      await writeFile(join(dir, 'aivp.project.yaml'), yaml(runs, fps));
      const t = await runCli(dir, ['build', '--draft', '--json', 'film']);
      normalise.push({ wallMs: t.wallMs, filmMs: (await record('film')).durationMs });
      bareNormaliseMs.push((await timed('ffmpeg', bareNormalise(clips, join(dir, `bare-${r}.mp4`), W, H, fps))).wallMs);
    }

    const m = {
      rebuildWall: median(rebuild.map((x) => x.wallMs)),
      film: median(rebuild.map((x) => x.filmMs)),
      segment: median(rebuild.map((x) => x.segmentMs)),
      bareCopy: median(bareCopyMs),
      normaliseWall: median(normalise.map((x) => x.wallMs)),
      normaliseFilm: median(normalise.map((x) => x.filmMs)),
      bareNormalise: median(bareNormaliseMs),
    };
    const rows = [
      ['first draft build: 11 keyframes, 10 segments, film', ms(first.wallMs), '', ''],
      ['  of which one draft segment (median of 10, 5 s MP4)', ms(median(segMs)), '', ''],
      ['  of which the film node', ms(firstFilm.durationMs), '', ''],
      [`rebuild after one segment edit (median of ${runs})`, ms(m.rebuildWall), '', ''],
      ['  of which the edited segment', ms(m.segment), '', ''],
      ['  of which the film node (clips match: joined with -c copy)', ms(m.film), ms(m.bareCopy), ratio(m.film, m.bareCopy)],
      ['  rebuild less the segment render, vs bare -c copy', ms(m.rebuildWall - m.segment), ms(m.bareCopy), ratio(m.rebuildWall - m.segment, m.bareCopy)],
      [`re-assembly at another fps: \`aivp build film\` (median of ${runs})`, ms(m.normaliseWall), ms(m.bareNormalise), ratio(m.normaliseWall, m.bareNormalise)],
      ['  of which the film node (normalise + concat, re-encoded)', ms(m.normaliseFilm), ms(m.bareNormalise), ratio(m.normaliseFilm, m.bareNormalise)],
    ];
    const markdown = [
      `A draft project of ${SEGMENTS} segments of ${SECONDS} s (${SEGMENTS + 1} keyframes, draft clips 640 px wide at ${FPS} fps with silent AAC, \`film: {}\`), ` +
        '`aivp build --draft --json` through the CLI. The edit changes one segment\'s prompt (a new one each run, so nothing comes from the cache): ' +
        'aivp re-renders that segment and re-assembles the film; the draft clips already match the film, so aivp joins them with `-c copy`, compared with a bare ' +
        '`ffmpeg -f concat -c copy` of the same clips. The normalising path is measured by setting the film to another frame rate (a new one each run): ' +
        'only the film is rebuilt, against bare ffmpeg running the same normalise-and-concat written out by hand (scale + pad, fps, yuv420p, 48 kHz stereo, ' +
        `concat filter, libx264 veryfast crf 20 + AAC, faststart). Medians of ${runs} runs; node times are the \`durationMs\` of their records. ` +
        'The machine was shared with other work while this ran (load well above its core count): the ratios compare runs made side by side, the absolute times are inflated.',
      '',
      table(['step', 'aivp ms', 'bare ffmpeg ms', 'aivp / bare'], rows),
      '',
      `Target (re-assembly within 1.3x of bare ffmpeg): ${m.normaliseWall / m.bareNormalise <= 1.3 ? 'met' : 'missed'} for the normalising re-assembly ` +
        `(${ratio(m.normaliseWall, m.bareNormalise)} for the whole \`aivp build film\`, ${ratio(m.normaliseFilm, m.bareNormalise)} for the film node); ` +
        `after a segment edit the film node takes ${ratio(m.film, m.bareCopy)} of a bare \`-c copy\` (probe, hashing, cache and atomic write included).`,
    ].join('\n');
    return { markdown, data: m };
  } finally {
    await removeDir(dir);
  }
}
