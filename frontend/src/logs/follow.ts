// Follow and pause for the dock's streams. Following keeps the newest line in view; a
// scroll up by the user pauses it, and reaching the bottom again (by scrolling or by the
// "N new lines" pill) resumes it. Pure: the hook in useFollow.ts only feeds it DOM values.

/** The scroll position of a list, as read from its element. */
export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Pixels from the bottom that still count as "at the bottom" (sub-pixel rounding, zoom). */
export const BOTTOM_SLACK = 4;

/** Whether the list is scrolled to its end (an empty or unscrollable list is). */
export function atBottom(m: ScrollMetrics, slack = BOTTOM_SLACK): boolean {
  return m.scrollHeight - m.scrollTop - m.clientHeight <= slack;
}

export interface FollowState {
  following: boolean;
  /** While paused: the sequence number of the newest line shown when the pause began. */
  seenSeq: number;
}

export const FOLLOWING: FollowState = { following: true, seenSeq: -1 };

/** Paused with everything up to `lastSeq` seen; unchanged when already paused. */
export function pause(state: FollowState, lastSeq: number): FollowState {
  return state.following ? { following: false, seenSeq: lastSeq } : state;
}

/**
 * The state after a scroll event. Only a move up pauses, so the list's own jumps to the
 * newest line (which move down) and content growing under a still view never do.
 */
export function afterScroll(state: FollowState, prevTop: number, m: ScrollMetrics, lastSeq: number): FollowState {
  if (atBottom(m)) return state.following ? state : FOLLOWING;
  if (m.scrollTop < prevTop - 1) return pause(state, lastSeq);
  return state;
}

/** How many shown lines arrived after the pause (`shown` is oldest first). */
export function unseenCount(state: FollowState, shown: readonly { seq: number }[]): number {
  if (state.following) return 0;
  let n = 0;
  for (let i = shown.length - 1; i >= 0 && (shown[i] as { seq: number }).seq > state.seenSeq; i--) n++;
  return n;
}

/** The pill's text, or null when there is nothing to say. */
export function pausedLabel(state: FollowState, unseen: number, noun = "line"): string | null {
  if (state.following) return null;
  if (unseen === 0) return "paused";
  return `paused — ${unseen} new ${noun}${unseen === 1 ? "" : "s"}`;
}

/**
 * While paused, the scroll position that keeps the row at the top of the view in place
 * when it moved from index `before` to `after` (older rows dropped, or rows filtered in above).
 */
export function anchoredTop(scrollTop: number, rowHeight: number, before: number, after: number): number {
  return Math.max(0, scrollTop + (after - before) * rowHeight);
}
