import { describe, expect, it } from "vitest";
import { isBoolean, isOneOf, loadSetting, saveSetting, type SettingsStorage } from "./settings";

function memoryStorage(initial: Record<string, string> = {}): SettingsStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v;
    },
  };
}

describe("settings", () => {
  it("round-trips a value under the trellis prefix", () => {
    const storage = memoryStorage();
    saveSetting("dock.tab", "Events", storage);
    expect(storage.data["trellis.dock.tab"]).toBe('"Events"');
    expect(loadSetting("dock.tab", "Logs", isOneOf(["Logs", "Events"] as const), storage)).toBe("Events");
  });

  it("falls back on missing, malformed and wrong-shaped values", () => {
    const storage = memoryStorage({ "trellis.a": "{not json", "trellis.b": '"maybe"', "trellis.c": '"Nope"' });
    expect(loadSetting("missing", true, isBoolean, storage)).toBe(true);
    expect(loadSetting("a", true, isBoolean, storage)).toBe(true);
    expect(loadSetting("b", false, isBoolean, storage)).toBe(false);
    expect(loadSetting("c", "Logs", isOneOf(["Logs", "Events"] as const), storage)).toBe("Logs");
  });

  it("survives a storage that throws", () => {
    const broken: SettingsStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("full");
      },
    };
    expect(() => saveSetting("x", 1, broken)).not.toThrow();
    expect(loadSetting("x", 7, (v): v is number => typeof v === "number", broken)).toBe(7);
  });
});
