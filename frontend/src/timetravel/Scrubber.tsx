// The time-travel bar: a slider over the session's recorded frames with a tick per frame
// caused by lattice events (failures in red), the moment shown as HH:MM:SS and its age,
// and a Live button. Keys while focused: ←/→ (and ↓/↑) step a frame, Home goes to the
// first, End and Esc go live. Also the banner the window shows while in the past.
import type { KeyboardEvent } from "react";
import { useNow } from "../lattice/useNow";
import { formatAgo, formatHms, keyAction, percentAlong, viewedIndex } from "./scrub";
import type { Frame } from "./timeline";
import "./timetravel.css";

export interface ScrubberProps {
  /** Recorded frames, oldest first (`useTimeline().frames`). */
  frames: readonly Frame[];
  /** The moment viewed (ms since epoch), or `null` for live. */
  at: number | null;
  /** Called with the moment to view, or `null` to go live. */
  onChange: (at: number | null) => void;
}

export function Scrubber({ frames, at, onChange }: ScrubberProps) {
  const now = useNow(1000);
  const first = frames[0];
  const last = frames.at(-1);
  if (!first || !last) {
    return (
      <div className="scrubber scrubber--empty" role="group" aria-label="Time travel">
        <span className="scrubber__cause">No lattice states recorded yet.</span>
      </div>
    );
  }

  const live = at === null;
  const index = viewedIndex(frames, at);
  const viewed = frames[index] ?? last;
  const shown = at ?? last.at;
  const min = first.at;
  const max = Math.max(last.at, min + 1);
  const single = frames.length < 2;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = keyAction(e.key, frames, at);
    if (next === undefined) return;
    e.preventDefault();
    onChange(next);
  };

  return (
    <div
      className={`scrubber${live ? "" : " scrubber--past"}`}
      role="group"
      aria-label="Time travel"
      onKeyDown={onKeyDown}
    >
      <span className={`scrubber__mode${live ? " scrubber__mode--live" : ""}`}>{live ? "live" : "past"}</span>
      <div className="scrubber__track">
        <input
          type="range"
          className="scrubber__range"
          min={min}
          max={max}
          step={1}
          value={Math.min(max, Math.max(min, shown))}
          disabled={single}
          aria-label="Moment of the lattice shown"
          aria-valuetext={live ? "live" : `${formatHms(shown)}, ${viewed.cause}`}
          onChange={(e) => {
            const value = Number(e.currentTarget.value);
            onChange(value >= last.at ? null : value);
          }}
        />
        <div className="scrubber__ticks">
          {frames.map((frame, i) =>
            frame.evented ? (
              <button
                type="button"
                key={`${frame.at}-${i}`}
                tabIndex={-1}
                className={`scrubber__tick${frame.failed ? " scrubber__tick--failed" : ""}`}
                style={{ left: `${percentAlong(frame.at, min, max)}%` }}
                title={`${formatHms(frame.at)} ${frame.cause}`}
                aria-label={`${formatHms(frame.at)} ${frame.cause}`}
                onClick={() => onChange(i === frames.length - 1 ? null : frame.at)}
              />
            ) : null,
          )}
        </div>
      </div>
      <span className="scrubber__time" title={new Date(shown).toString()}>
        {formatHms(shown)}
      </span>
      <span className="scrubber__ago" title={live ? "Time of the last recorded change" : undefined}>
        {live ? `changed ${formatAgo(now - shown)}` : formatAgo(now - shown)}
      </span>
      <span className={`scrubber__cause${viewed.failed ? " scrubber__cause--failed" : ""}`} title={viewed.cause}>
        {viewed.cause}
      </span>
      <span className="scrubber__count">
        {index + 1}/{frames.length}
      </span>
      <button type="button" className="btn btn--ghost scrubber__live" disabled={live} onClick={() => onChange(null)}>
        Live
      </button>
    </div>
  );
}

export interface TimeTravelBannerProps {
  /** The moment viewed (ms since epoch). */
  at: number;
  /** When given, the banner offers a way back to live. */
  onLive?: () => void;
}

/** Says the graph shows the past and that actions are off; show it whenever `at !== null`. */
export function TimeTravelBanner({ at, onLive }: TimeTravelBannerProps) {
  return (
    <div className="timetravel-banner" role="status">
      <span>Viewing {formatHms(at)} — the lattice as it was; actions are disabled</span>
      {onLive ? (
        <button type="button" className="btn btn--ghost timetravel-banner__live" onClick={onLive}>
          Back to live
        </button>
      ) : null}
    </div>
  );
}
