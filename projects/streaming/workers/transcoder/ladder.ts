/**
 * The HLS ladder: which renditions a source gets, and the ffmpeg command that makes them.
 * Pure functions (no I/O), shared by the worker and by the project's config validation.
 *
 * A rendition is named by the length of its short side (`1080p` is 1920x1080 landscape or
 * 1080x1920 portrait). A source gets every rendition of the ladder at or below its own short
 * side: no upscaling, so 2160p only for 4K sources. A source smaller than every rung gets one
 * rendition at its own size.
 */

export interface Rendition {
  /** Name in keys and the master playlist (`1080p`). */
  name: string;
  /** Short side in pixels (even). */
  height: number;
  /** H.264 average bitrate, kbit/s. */
  videoKbps: number;
  /** AAC bitrate, kbit/s (when the source has audio). */
  audioKbps: number;
}

/** The default ladder (Apple's HLS authoring guidance, rounded): 2160p only for 4K sources. */
export const DefaultLadder: readonly Rendition[] = Object.freeze([
  { name: "2160p", height: 2160, videoKbps: 14_000, audioKbps: 192 },
  { name: "1080p", height: 1080, videoKbps: 5_000, audioKbps: 128 },
  { name: "720p", height: 720, videoKbps: 2_800, audioKbps: 128 },
  { name: "480p", height: 480, videoKbps: 1_200, audioKbps: 96 },
  { name: "360p", height: 360, videoKbps: 700, audioKbps: 96 },
]);

/** What ffprobe says about a source. */
export interface SourceInfo {
  width: number;
  height: number;
  durationSeconds: number;
  hasAudio: boolean;
}

/** Problems with a ladder (config validation; every one at once). */
export function ladderProblems(ladder: readonly Rendition[]): string[] {
  const problems: string[] = [];
  if (ladder.length === 0) problems.push("the ladder is empty: name at least one rendition");
  const names = new Set<string>();
  for (const r of ladder) {
    if (!/^[a-z0-9_-]{1,32}$/i.test(r.name)) problems.push(`rendition "${r.name}": names are 1 to 32 letters, digits, - or _`);
    if (names.has(r.name)) problems.push(`rendition "${r.name}" appears twice`);
    names.add(r.name);
    if (!Number.isInteger(r.height) || r.height < 144 || r.height > 4320 || r.height % 2 !== 0) problems.push(`rendition "${r.name}": height = ${r.height}: an even number of pixels from 144 to 4320`);
    if (!Number.isInteger(r.videoKbps) || r.videoKbps < 100 || r.videoKbps > 100_000) problems.push(`rendition "${r.name}": videoKbps = ${r.videoKbps}: a whole number from 100 to 100000`);
    if (!Number.isInteger(r.audioKbps) || r.audioKbps < 32 || r.audioKbps > 512) problems.push(`rendition "${r.name}": audioKbps = ${r.audioKbps}: a whole number from 32 to 512`);
  }
  return problems;
}

/** The short side of the picture as displayed. */
export function shortSide(source: Pick<SourceInfo, "width" | "height">): number {
  return Math.min(source.width, source.height);
}

/** The renditions a source gets, largest first. */
export function selectRenditions(source: Pick<SourceInfo, "width" | "height">, ladder: readonly Rendition[]): Rendition[] {
  const side = shortSide(source);
  const fitting = [...ladder].filter((r) => r.height <= side).sort((a, b) => b.height - a.height);
  if (fitting.length > 0) return fitting;
  const smallest = [...ladder].sort((a, b) => a.height - b.height)[0]!;
  const height = Math.max(2, side - (side % 2));
  return [{ ...smallest, name: `${height}p`, height }];
}

export interface FfmpegPlan {
  /** Arguments after `ffmpeg`. */
  args: string[];
  /** The master playlist, relative to the output directory. */
  masterPlaylist: string;
  /** Each rendition's playlist, relative to the output directory. */
  playlists: Record<string, string>;
}

export const MasterPlaylistName = "master.m3u8";

/**
 * One ffmpeg run for the whole ladder: the source is decoded once, split, scaled per rendition
 * (short side to the rung, the other side even and in proportion), encoded H.264 (+ AAC when the
 * source has audio) with a keyframe at every segment boundary, and written as VOD HLS:
 * `<out>/<name>/playlist.m3u8` and `<out>/<name>/segment_00000.ts`..., plus `<out>/master.m3u8`.
 */
export function ffmpegPlan(input: string, outputDir: string, source: SourceInfo, renditions: readonly Rendition[], options: { segmentSeconds: number; preset?: string }): FfmpegPlan {
  const n = renditions.length;
  const portrait = source.height > source.width;
  const scale = (h: number) => (portrait ? `scale=${h}:-2` : `scale=-2:${h}`);
  const filter = [`[0:v]split=${n}${renditions.map((_, i) => `[s${i}]`).join("")}`, ...renditions.map((r, i) => `[s${i}]${scale(r.height)},setsar=1[v${i}]`)].join(";");
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", input, "-filter_complex", filter];
  renditions.forEach((_, i) => args.push("-map", `[v${i}]`));
  if (source.hasAudio) renditions.forEach(() => args.push("-map", "0:a:0"));
  args.push("-c:v", "libx264", "-preset", options.preset ?? "veryfast", "-pix_fmt", "yuv420p", "-sc_threshold", "0");
  // A keyframe at every multiple of the segment length: segments cut exactly there.
  args.push("-force_key_frames", `expr:gte(t,n_forced*${options.segmentSeconds})`);
  renditions.forEach((r, i) => {
    args.push(`-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${Math.round(r.videoKbps * 1.07)}k`, `-bufsize:v:${i}`, `${Math.round(r.videoKbps * 1.5)}k`);
    if (source.hasAudio) args.push(`-b:a:${i}`, `${r.audioKbps}k`);
  });
  if (source.hasAudio) args.push("-c:a", "aac", "-ac", "2");
  const streamMap = renditions.map((r, i) => (source.hasAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`)).join(" ");
  args.push(
    "-f", "hls",
    "-hls_time", String(options.segmentSeconds),
    "-hls_playlist_type", "vod",
    "-hls_flags", "independent_segments",
    "-hls_segment_type", "mpegts",
    "-hls_segment_filename", `${outputDir}/%v/segment_%05d.ts`,
    "-master_pl_name", MasterPlaylistName,
    "-var_stream_map", streamMap,
    `${outputDir}/%v/playlist.m3u8`,
  );
  return { args, masterPlaylist: MasterPlaylistName, playlists: Object.fromEntries(renditions.map((r) => [r.name, `${r.name}/playlist.m3u8`])) };
}

/** Parse ffprobe's JSON (`-show_streams -show_format`) into what the ladder needs; rotation (phones) swaps the sides. */
export function parseProbe(json: string): SourceInfo {
  const probe = JSON.parse(json) as { streams?: Array<Record<string, any>>; format?: { duration?: string } };
  const video = probe.streams?.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  if (!video || !(video.width > 0) || !(video.height > 0)) throw new Error("the source has no video stream");
  const rotation = Number(video.tags?.rotate ?? video.side_data_list?.find((d: any) => d.rotation !== undefined)?.rotation ?? 0);
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  const duration = Number(probe.format?.duration ?? video.duration ?? NaN);
  return {
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    durationSeconds: Number.isFinite(duration) ? duration : 0,
    hasAudio: (probe.streams ?? []).some((s) => s.codec_type === "audio"),
  };
}
