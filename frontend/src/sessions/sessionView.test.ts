import { describe, expect, it } from "vitest";
import type { ConnectionReport, LatticeStatus } from "../api";
import {
  formatClock,
  importSummaryText,
  mergeSessions,
  needsAttach,
  removeSession,
  reportSummary,
  resolveActive,
  sessionTitle,
  staleSince,
  stateTone,
  stepLabel,
  stepMark,
  upsertSession,
} from "./sessionView";

function status(context: string, patch: Partial<LatticeStatus> = {}): LatticeStatus {
  return {
    context,
    lattice: "default",
    local: context === "local",
    state: "connected",
    since_ms: 1000,
    detail: null,
    nats_url: null,
    local_host_id: null,
    error: null,
    ...patch,
  };
}

const STEPS = ["settings", "name_lookup", "tcp", "tls", "authentication", "authorization", "hosts", "jetstream"] as const;

function report(failedAt: (typeof STEPS)[number] | null, detail = ""): ConnectionReport {
  const at = failedAt ? STEPS.indexOf(failedAt) : STEPS.length;
  return {
    url: "nats://127.0.0.1:4333",
    lattice: "default",
    steps: STEPS.map((step, i) => ({
      step,
      outcome: i < at ? (step === "tls" ? "skipped" : "passed") : i === at ? "failed" : "skipped",
      detail: i === at ? detail : step === "tls" ? "not used" : "ok",
      duration_ms: i <= at ? 1 : 0,
    })),
  };
}

describe("state", () => {
  it("colours each state", () => {
    expect(stateTone("connected")).toBe("ok");
    expect(stateTone("reconnecting")).toBe("warn");
    expect(stateTone("failed")).toBe("err");
    expect(stateTone("disconnected")).toBe("err");
    expect(stateTone("starting")).toBe("idle");
  });

  it("formats a local wall-clock time with two digits each", () => {
    expect(formatClock(new Date(2026, 11, 6, 3, 4, 5).getTime())).toBe("03:04:05");
    expect(formatClock(new Date(2026, 11, 6, 19, 59, 0).getTime())).toBe("19:59:00");
  });

  it("says since when a session that lost its server is stale", () => {
    const since = new Date(2026, 11, 6, 14, 2, 9).getTime();
    expect(staleSince({ state: "reconnecting", since_ms: since })).toBe("stale since 14:02:09");
    expect(staleSince({ state: "disconnected", since_ms: since })).toBe("stale since 14:02:09");
    expect(staleSince({ state: "connected", since_ms: since })).toBeNull();
    expect(staleSince({ state: "starting", since_ms: since })).toBeNull();
    expect(staleSince({ state: "failed", since_ms: since })).toBeNull();
    expect(staleSince({ state: "reconnecting", since_ms: 0 })).toBe("stale");
  });

  it("titles a tab with lattice, server, state and error", () => {
    const since = new Date(2026, 0, 1, 8, 0, 0).getTime();
    const title = sessionTitle(
      status("prod", { state: "reconnecting", since_ms: since, nats_url: "nats://h:4222", lattice: "p" }),
    );
    expect(title).toBe("prod — lattice p\nnats://h:4222\nreconnecting, stale since 08:00:00");
    expect(sessionTitle(status("x", { state: "failed", error: { code: "lattice", message: "refused" } }))).toContain(
      "refused",
    );
  });
});

describe("connection report", () => {
  it("names the failed step and its detail", () => {
    expect(reportSummary(report("authentication", "authorization violation"))).toBe(
      "failed at authentication: authorization violation",
    );
    expect(reportSummary(report("tcp", "connection refused"))).toBe("failed at tcp: connection refused");
    expect(reportSummary(report("name_lookup", "no such host"))).toBe("failed at name lookup: no such host");
    expect(reportSummary(report("hosts", ""))).toBe("failed at hosts");
  });

  it("says every step passed and which did not apply", () => {
    expect(reportSummary(report(null))).toBe("every step passed (not used: tls)");
  });

  it("marks and labels steps", () => {
    expect(stepMark("passed")).toBe("✓");
    expect(stepMark("failed")).toBe("✗");
    expect(stepMark("skipped")).toBe("–");
    expect(stepLabel("name_lookup")).toBe("name lookup");
  });
});

describe("import summary", () => {
  it("counts and names what was imported and counts what was skipped", () => {
    expect(
      importSummaryText({ imported: ["a", "b"], skipped: [{ name: "/x/c.json", reason: "bad JSON at line 3" }] }),
    ).toBe("imported 2: a, b; skipped 1");
    expect(importSummaryText({ imported: [], skipped: [] })).toBe("imported 0; skipped 0");
  });
});

describe("open sessions", () => {
  it("replaces a session's entry and adds new ones after the local one", () => {
    const list = [status("local"), status("a")];
    const next = upsertSession(list, status("a", { state: "reconnecting" }));
    expect(next.map((s) => [s.context, s.state])).toEqual([
      ["local", "connected"],
      ["a", "reconnecting"],
    ]);
    expect(upsertSession([status("b")], status("local")).map((s) => s.context)).toEqual(["local", "b"]);
    expect(removeSession(list, "a").map((s) => s.context)).toEqual(["local"]);
  });

  it("merges the listed sessions with events received meanwhile, the later change winning", () => {
    const listed = [status("a", { since_ms: 5 }), status("local", { since_ms: 5 })];
    const received = [
      status("a", { since_ms: 9, state: "reconnecting" }),
      status("local", { since_ms: 1, state: "starting" }),
      status("b", { since_ms: 3 }),
    ];
    const merged = mergeSessions(listed, received);
    expect(merged.map((s) => [s.context, s.state])).toEqual([
      ["local", "connected"],
      ["a", "reconnecting"],
      ["b", "connected"],
    ]);
  });

  it("shows the remembered tab only while its session is open", () => {
    const open = [status("local"), status("prod")];
    expect(resolveActive(open, "prod")).toBe("prod");
    expect(resolveActive(open, "gone")).toBe("local");
    expect(resolveActive([], "prod")).toBe("local");
  });

  it("attaches only what is not open or was disconnected", () => {
    const open = [status("local"), status("a"), status("d", { state: "disconnected" }), status("f", { state: "failed" })];
    expect(needsAttach(open, "a")).toBe(false);
    expect(needsAttach(open, "f")).toBe(false);
    expect(needsAttach(open, "d")).toBe(true);
    expect(needsAttach(open, "new")).toBe(true);
  });
});
