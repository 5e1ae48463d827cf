// Follow/pause state for a stream list, fed by its scroll events (rules in follow.ts).
import { useCallback, useRef, useState } from "react";
import { afterScroll, FOLLOWING, pause, pausedLabel, unseenCount, type ScrollMetrics } from "./follow";

export interface Follow {
  following: boolean;
  /** "paused — N new lines", or null while following. */
  pill: string | null;
  /** Give to the list's scroll events. */
  onScroll: (m: ScrollMetrics) => void;
  /** Follow on or off (the checkbox); on jumps to the newest line. */
  setFollowing: (on: boolean) => void;
}

/** Follow state over `shown`, the rows on screen, oldest first; `noun` names a row in the pill. */
export function useFollow(shown: readonly { seq: number }[], noun = "line"): Follow {
  const [state, setState] = useState(FOLLOWING);
  const prevTop = useRef(0);
  const lastSeq = shown.length > 0 ? (shown[shown.length - 1] as { seq: number }).seq : -1;

  const onScroll = useCallback(
    (m: ScrollMetrics) => {
      const top = prevTop.current;
      prevTop.current = m.scrollTop;
      setState((s) => afterScroll(s, top, m, lastSeq));
    },
    [lastSeq],
  );
  const setFollowing = useCallback(
    (on: boolean) => setState((s) => (on ? FOLLOWING : pause(s, lastSeq))),
    [lastSeq],
  );

  const pill = pausedLabel(state, unseenCount(state, shown), noun);
  return { following: state.following, pill, onScroll, setFollowing };
}
