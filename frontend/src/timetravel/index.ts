// Time travel over a session's recorded lattice states (issue 10, section 3).
//
// Layout:
// - `timeline.ts`: the pure recorder (frames, coalescing, bounding, event causes, `frameAt`);
// - `store.ts`: one session's timeline plus the moment viewed, for `useSyncExternalStore`;
// - `useTimeline.ts`: the hook that feeds the recorder from the live data;
// - `scrub.ts`: the scrubber's pure arithmetic (times as text, stepping, keys);
// - `Scrubber.tsx` + `timetravel.css`: the bar and the "viewing the past" banner.
export { Scrubber, TimeTravelBanner, type ScrubberProps, type TimeTravelBannerProps } from "./Scrubber";
export { frameAt, frameIndexAt, type Frame, type Timeline } from "./timeline";
export { useTimeline, type LiveState, type TimelineView } from "./useTimeline";
