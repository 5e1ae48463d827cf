// The session components rendered to HTML (no DOM here): the test ids the end-to-end
// journeys use, secrets typed into password inputs, and the local tab without a close.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ContextList, LatticeStatus } from "../api";
import { AttachDialog } from "./AttachDialog";
import { ContextsList } from "./ContextsList";
import { SessionTabs } from "./SessionTabs";
import type { AuthMode } from "./contextForm";
import type { Sessions } from "./useSessions";
import attachDialogSource from "./AttachDialog.tsx?raw";
import contextFormSource from "./contextForm.ts?raw";

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

const noop = () => undefined;
const resolved = () => Promise.resolve();

/** The `<input>` tag carrying `testId`, or null. */
function inputTag(html: string, testId: string): string | null {
  return html.match(new RegExp(`<input[^>]*data-testid="${testId}"[^>]*>`))?.[0] ?? null;
}

describe("SessionTabs", () => {
  const since = new Date(2026, 11, 6, 10, 11, 12).getTime();
  const html = renderToStaticMarkup(
    createElement(SessionTabs, {
      sessions: [status("local"), status("prod", { state: "reconnecting", since_ms: since })],
      active: "prod",
      onSelect: noop,
      onClose: resolved,
    }),
  );

  it("has a tab per session and a close on every one but the local", () => {
    expect(html).toContain('role="tablist"');
    expect(html).toContain('data-testid="session-tab-local"');
    expect(html).toContain('data-testid="session-tab-prod"');
    expect(html).toContain('data-testid="session-close-prod"');
    expect(html).not.toContain('data-testid="session-close-local"');
  });

  it("marks the active tab and a stale session with since when", () => {
    expect(html).toMatch(/aria-selected="true"[^>]*data-testid="session-tab-prod"/);
    expect(html).toMatch(/aria-selected="false"[^>]*data-testid="session-tab-local"/);
    expect(html).toContain("stale since 10:11:12");
    expect(html).toContain("session-dot--warn");
  });
});

describe("AttachDialog", () => {
  const render = (authMode: AuthMode) =>
    renderToStaticMarkup(createElement(AttachDialog, { onClose: noop, onAttached: noop, initial: { authMode } }));

  it("has the journeys' fields and buttons", () => {
    const html = render("user_password");
    for (const id of [
      "attach-dialog",
      "attach-name",
      "attach-urls",
      "attach-lattice",
      "attach-auth-mode",
      "attach-user",
      "attach-password",
      "attach-test",
      "attach-save",
      "attach-submit",
    ]) {
      expect(html, id).toContain(`data-testid="${id}"`);
    }
    expect(html).toMatch(/nats:\/\/.*tls:\/\/.*ws:\/\/.*wss:\/\//);
  });

  it("types every secret into a password input", () => {
    const secrets: [AuthMode, string[]][] = [
      ["user_password", ["attach-password"]],
      ["token", ["attach-token"]],
      ["jwt_seed", ["attach-jwt", "attach-seed"]],
      ["nkey_seed", ["attach-seed"]],
    ];
    for (const [mode, ids] of secrets) {
      const html = render(mode);
      for (const id of ids) expect(inputTag(html, id), `${mode} ${id}`).toMatch(/type="password"/);
    }
    expect(inputTag(render("user_password"), "attach-user")).not.toMatch(/type="password"/);
    expect(inputTag(render("none"), "attach-password")).toBeNull();
  });

  it("keeps secrets out of storage and the console", () => {
    const sources: [string, string][] = [
      ["AttachDialog.tsx", attachDialogSource],
      ["contextForm.ts", contextFormSource],
    ];
    for (const [file, source] of sources) {
      expect(source.length, file).toBeGreaterThan(1000);
      expect(source, file).not.toMatch(/localStorage|sessionStorage|usePersistentState|saveSetting|console\./);
    }
  });
});

describe("ContextsList", () => {
  const contexts: ContextList = {
    contexts: [
      { name: "prod", urls: ["nats://p:4222"], lattice: "default", ctl_prefix: "wasmbus.ctl", auth_mode: "token", tls: false, js_domain: null, description: null, current: true },
      { name: "staging", urls: ["nats://s:4222"], lattice: "default", ctl_prefix: "wasmbus.ctl", auth_mode: "none", tls: false, js_domain: null, description: null, current: false },
    ],
    problems: [{ name: "broken", reason: "line 7: missing field `urls`" }],
    error: null,
  };
  const model: Sessions = {
    sessions: [status("local"), status("prod", { state: "disconnected", since_ms: new Date(2026, 0, 1, 9, 30, 0).getTime() })],
    loaded: true,
    sessionsError: null,
    contexts,
    contextsLoaded: true,
    active: "local",
    setActive: noop,
    attachSaved: resolved,
    adopt: noop,
    close: resolved,
    reloadContexts: noop,
  };

  it("lists the local lattice and the saved contexts with their state", () => {
    const html = renderToStaticMarkup(createElement(ContextsList, { model }));
    expect(html).toContain('data-testid="contexts-list"');
    expect(html).toMatch(/data-testid="context-local"[^]*data-testid="context-prod"[^]*data-testid="context-staging"/);
    expect(html).toMatch(/data-testid="context-staging"[^]*not attached/);
    expect(html).toContain("stale since 09:30:00");
    expect(html).toMatch(/data-testid="context-prod"[^]*current/);
    expect(html).toContain('data-testid="attach-open"');
    expect(html).toContain('data-testid="contexts-import"');
    expect(html).not.toContain('data-testid="context-delete-local"');
    expect(html).toContain('data-testid="context-delete-staging"');
  });

  it("names the entries that could not be read and the file error, keeping the rest", () => {
    const html = renderToStaticMarkup(
      createElement(ContextsList, { model: { ...model, contexts: { ...contexts, error: "contexts.json: line 3: expected ','" } } }),
    );
    expect(html).toMatch(/data-testid="contexts-problem"[^>]*>.*broken.*line 7: missing field `urls`/);
    expect(html).toMatch(/data-testid="contexts-error"[^>]*>.*line 3: expected &#x27;,&#x27;/);
    expect(html).toContain('data-testid="context-staging"');
  });

  it("opens the Attach dialog when asked", () => {
    expect(renderToStaticMarkup(createElement(ContextsList, { model }))).not.toContain("attach-dialog");
    expect(renderToStaticMarkup(createElement(ContextsList, { model, attachOpen: true }))).toContain(
      'data-testid="attach-dialog"',
    );
  });
});
