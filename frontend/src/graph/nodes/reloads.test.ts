import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const { clock, fileRefPath, reloadBadge, reloadSummary } = await import("./reloads");

const at = new Date(2026, 11, 6, 12, 3, 4).getTime();
const event = (ok: boolean, revision: number | null, message = "component hello running") => ({
  session: "local",
  component_id: "hello",
  ok,
  message,
  at_ms: at,
  revision,
});

describe("fileRefPath", () => {
  it("gives the path of a file:// reference", () => {
    expect(fileRefPath("file:///home/me/hello.wasm")).toBe("/home/me/hello.wasm");
    expect(fileRefPath("file://localhost/tmp/a.wasm")).toBe("/tmp/a.wasm");
    expect(fileRefPath("file:///tmp/my dir/a.wasm")).toBe("/tmp/my dir/a.wasm");
  });

  it("is null for anything that is not a local file", () => {
    for (const ref of ["", "ghcr.io/x/hello:1", "oci://ghcr.io/x/y:1", "file://relative.wasm", null, undefined]) {
      expect(fileRefPath(ref)).toBeNull();
    }
  });
});

describe("reload texts", () => {
  it("name the time, the revision and the failure", () => {
    expect(clock(at)).toBe("12:03:04");
    expect(reloadSummary(event(true, 2))).toBe("reloaded 12:03:04");
    expect(reloadBadge(event(true, 2))).toBe("rev 2");
    expect(reloadBadge(event(true, null))).toBe("reloaded 12:03:04");
    expect(reloadBadge(event(false, null, "not a component"))).toBe("reload failed");
    expect(reloadSummary(event(false, null, "not a component"))).toBe("reload failed 12:03:04: not a component");
  });
});
