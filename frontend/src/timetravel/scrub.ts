// The scrubber's arithmetic: times as text, stepping between frames, tick positions. Pure.
import { frameIndexAt, type Frame } from "./timeline";

const pad = (n: number) => String(n).padStart(2, "0");

/** `14:03:09`, local time. */
export function formatHms(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "--:--:--";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `4 s ago`, `3 min 05 s ago`, `2 h 07 min ago`; a future or zero age is `0 s ago`. */
export function formatAgo(ageMs: number): string {
  const s = Math.max(0, Math.floor(ageMs / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s ago`;
  return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min ago`;
}

/**
 * The index of the frame drawn for `at` (`null` = live = the last frame), or -1 when
 * nothing is recorded.
 */
export function viewedIndex(frames: readonly Frame[], at: number | null): number {
  return at === null ? frames.length - 1 : frameIndexAt(frames, at);
}

/**
 * The moment one frame before (`-1`) or after (`+1`) the one viewed. Reaching the last
 * frame, which is the live state, goes live (`null`); the first frame is as far back as
 * it goes.
 */
export function stepFrame(frames: readonly Frame[], at: number | null, direction: -1 | 1): number | null {
  if (frames.length === 0) return null;
  const index = Math.min(frames.length - 1, Math.max(0, viewedIndex(frames, at) + direction));
  return index === frames.length - 1 ? null : (frames[index] as Frame).at;
}

/** Where `t` sits on a bar from `min` to `max`, in percent (0–100). */
export function percentAlong(t: number, min: number, max: number): number {
  if (max <= min) return 100;
  return Math.min(100, Math.max(0, ((t - min) / (max - min)) * 100));
}

/**
 * What a key pressed on the scrubber does: the moment to view (`null` = live), or
 * `undefined` when the key is not the scrubber's. ←/↓ and →/↑ step one frame, Home goes
 * to the first frame, End and Esc go live.
 */
export function keyAction(key: string, frames: readonly Frame[], at: number | null): number | null | undefined {
  switch (key) {
    case "ArrowLeft":
    case "ArrowDown":
      return stepFrame(frames, at, -1);
    case "ArrowRight":
    case "ArrowUp":
      return stepFrame(frames, at, 1);
    case "Home":
      return frames.length < 2 ? null : (frames[0] as Frame).at;
    case "End":
    case "Escape":
      return null;
    default:
      return undefined;
  }
}
