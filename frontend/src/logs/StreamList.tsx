// A virtualised, fixed-row-height list for the dock's streams: only the rows in view are
// in the DOM, so thousands of lines scroll and update without stalling the window.
// While not following, the row at the top of the view stays in place when older rows are
// dropped from the front of a full buffer (or new ones are filtered in above it).
import { useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { anchoredTop, type ScrollMetrics } from "./follow";

/** Height of one stream row in pixels (matches `.logline` in styles.css). */
export const ROW_HEIGHT = 18;

interface Props<T> {
  items: readonly T[];
  /** A key that stays with the item as rows come and go (keep the function stable). */
  rowKey: (item: T, index: number) => string | number;
  renderRow: (item: T) => ReactNode;
  /** Keep the newest row in view as rows arrive. */
  follow: boolean;
  /** Shown when there are no rows. */
  empty: string;
  label: string;
  /** Bring this row into view (a new object each time, e.g. on each key press). */
  reveal?: { index: number } | null;
  /** Called on every scroll of the list, with its position. */
  onScroll?: (m: ScrollMetrics) => void;
}

export function StreamList<T>({ items, rowKey, renderRow, follow, empty, label, reveal, onScroll }: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  // The app does not use the React Compiler; the virtualiser re-renders this list itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  // The row at the top of the view, by key, as of the last scroll or update.
  const anchor = useRef<{ key: string | number; index: number } | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null || follow) {
      anchor.current = null;
      return;
    }
    const before = anchor.current;
    if (before !== null) {
      const after = items.findIndex((item, i) => rowKey(item, i) === before.key);
      if (after >= 0 && after !== before.index) {
        el.scrollTop = anchoredTop(el.scrollTop, ROW_HEIGHT, before.index, after);
      }
    }
    const index = Math.floor(el.scrollTop / ROW_HEIGHT);
    const top = items[index];
    anchor.current = top === undefined ? null : { key: rowKey(top, index), index };
  }, [items, follow, rowKey]);

  useEffect(() => {
    if (follow && items.length > 0) virtualizer.scrollToIndex(items.length - 1, { align: "end" });
  }, [items, follow, virtualizer]);

  useEffect(() => {
    if (reveal && reveal.index >= 0) virtualizer.scrollToIndex(reveal.index, { align: "auto" });
  }, [reveal, virtualizer]);

  return (
    <div
      ref={scroller}
      tabIndex={0}
      className="stream__body mono"
      role="log"
      aria-label={label}
      onScroll={
        onScroll &&
        ((e) => {
          const el = e.currentTarget;
          if (!follow) {
            const index = Math.floor(el.scrollTop / ROW_HEIGHT);
            const top = items[index];
            anchor.current = top === undefined ? null : { key: rowKey(top, index), index };
          }
          onScroll({ scrollTop: el.scrollTop, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight });
        })
      }
    >
      {items.length === 0 ? (
        <div className="muted stream__empty">{empty}</div>
      ) : (
        <div className="stream__rows" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index] as T;
            return (
              <div
                key={rowKey(item, row.index)}
                className="stream__row"
                style={{ height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}
              >
                {renderRow(item)}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
