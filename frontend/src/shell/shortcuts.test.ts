import { describe, expect, it } from "vitest";
import { actionFor, SHORTCUTS, type KeyLike } from "./shortcuts";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("actionFor", () => {
  it("maps modifier shortcuts on both Ctrl and Cmd, even while typing", () => {
    expect(actionFor(key("o", { ctrlKey: true }), false)).toBe("open-wasm");
    expect(actionFor(key("O", { metaKey: true, shiftKey: true }), true)).toBe("open-wasm");
    expect(actionFor(key("r", { ctrlKey: true }), true)).toBe("refresh");
    expect(actionFor(key("F5"), false)).toBe("refresh");
    expect(actionFor(key("1", { ctrlKey: true }), false)).toBe("show-logs");
    expect(actionFor(key("2", { metaKey: true }), false)).toBe("show-events");
    expect(actionFor(key("3", { ctrlKey: true }), true)).toBe("show-config");
    expect(actionFor(key("4", { ctrlKey: true }), true)).toBe("show-apps");
    expect(actionFor(key("z", { ctrlKey: true }), false)).toBe("undo");
    expect(actionFor(key("Z", { ctrlKey: true, shiftKey: true }), false)).toBe("redo");
    expect(actionFor(key("y", { ctrlKey: true }), false)).toBe("redo");
    // In a text field, Ctrl+Z stays the field's own undo.
    expect(actionFor(key("z", { ctrlKey: true }), true)).toBeNull();
  });

  it("leaves plain keys to text fields", () => {
    expect(actionFor(key("f"), false)).toBe("fit-view");
    expect(actionFor(key("f"), true)).toBeNull();
    expect(actionFor(key("?", { shiftKey: true }), false)).toBe("toggle-help");
    expect(actionFor(key("?", { shiftKey: true }), true)).toBeNull();
    expect(actionFor(key("Escape"), true)).toBe("deselect");
  });

  it("ignores other keys and Alt chords", () => {
    expect(actionFor(key("x"), false)).toBeNull();
    expect(actionFor(key("o"), false)).toBeNull();
    expect(actionFor(key("o", { ctrlKey: true, altKey: true }), false)).toBeNull();
  });

  it("lists each action once, with keys and a description for the help", () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const s of SHORTCUTS) expect(s.keys && s.description).toBeTruthy();
  });
});
