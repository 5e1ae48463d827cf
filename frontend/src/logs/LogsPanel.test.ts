// What the Logs tab shows before any line arrives, and how one line reads, rendered to
// HTML (no DOM in these tests; the live behaviour is covered by the pure modules).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { LogRecord } from "../api";
import { LogRow } from "./LogRow";
import { LogsView } from "./LogsPanel";

const never = () => new Promise<() => void>(() => {});
const text = (html: string) => html.replace(/<[^>]+>/g, "");

describe("LogsView", () => {
  it("says the session's note while no line has arrived", () => {
    const note = "wasmCloud hosts publish no logs over NATS";
    const html = renderToStaticMarkup(createElement(LogsView, { session: "s", subscribe: never, logsNote: note }));
    expect(text(html)).toContain(note);
    expect(text(html)).not.toContain("No log lines yet.");
    expect(text(renderToStaticMarkup(createElement(LogsView, { session: "s", subscribe: never })))).toContain(
      "No log lines yet.",
    );
  });

  it("has a chip per level, all on at first, and no regex error", () => {
    const html = renderToStaticMarkup(createElement(LogsView, { session: "s", subscribe: never }));
    for (const level of ["trace", "debug", "info", "warn", "error"]) {
      expect(html).toMatch(new RegExp(`aria-pressed="true"[^>]*data-testid="log-level-chip-${level}"`));
    }
    expect(html).not.toContain("log-regex-error");
    expect(html).not.toContain("log-paused");
  });
});

describe("LogRow", () => {
  const line: LogRecord = {
    time: "2026-12-06T09:00:00Z",
    level: "warn",
    host: "NABCDEFGHIJKLMNOP",
    component: "caller",
    message: "slow\nrequest",
  };

  it("shows level, component and the message on one row; the time only when asked", () => {
    const withTime = text(renderToStaticMarkup(createElement(LogRow, { record: line, timestamps: true })));
    const without = text(renderToStaticMarkup(createElement(LogRow, { record: line, timestamps: false })));
    expect(withTime).toMatch(/^\d\d:\d\d:\d\d\.000WARNcallerslow ↵ request$/);
    expect(without).toBe("WARNcallerslow ↵ request");
  });

  it("highlights what the regex filter matched", () => {
    const html = renderToStaticMarkup(createElement(LogRow, { record: line, timestamps: false, highlight: /slow/ }));
    expect(html).toContain('<mark class="logline__match">slow</mark> ↵ request');
  });

  it("makes the component a button when it can select the node; a host line shows the short host id", () => {
    const html = renderToStaticMarkup(
      createElement(LogRow, { record: line, timestamps: false, onSelectComponent: () => {} }),
    );
    expect(html).toMatch(/<button[^>]*data-testid="log-component-link"[^>]*>caller<\/button>/);
    const hostLine = { ...line, component: null };
    const host = renderToStaticMarkup(createElement(LogRow, { record: hostLine, timestamps: false }));
    expect(text(host)).toBe("WARNNABCDEFG…slow ↵ request");
  });
});
