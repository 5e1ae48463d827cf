import { describe, expect, it } from "vitest";
import type { SettingsStorage } from "../shell/settings";
import { loadPositions, savePositions } from "./positions";

function memory(): SettingsStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe("positions per session", () => {
  it("restores what was saved for each session, and only for it", () => {
    const storage = memory();
    savePositions("local", new Map([["host:NA", { x: 10, y: 20, width: 300, height: 200 }], ["component:NA:one", { x: 20.04, y: 112 }]]), storage);
    savePositions("prod", new Map([["host:NA", { x: 500, y: 60 }]]), storage);
    expect(loadPositions("local", storage)).toEqual(
      new Map([
        ["host:NA", { x: 10, y: 20 }],
        ["component:NA:one", { x: 20, y: 112 }],
      ]),
    );
    expect(loadPositions("prod", storage)).toEqual(new Map([["host:NA", { x: 500, y: 60 }]]));
    expect(loadPositions("staging", storage).size).toBe(0);
  });

  it("replaces a session's positions when saved again, so removed nodes go", () => {
    const storage = memory();
    savePositions("local", new Map([["a", { x: 1, y: 1 }], ["b", { x: 2, y: 2 }]]), storage);
    savePositions("local", new Map([["b", { x: 3, y: 3 }]]), storage);
    expect(loadPositions("local", storage)).toEqual(new Map([["b", { x: 3, y: 3 }]]));
  });

  it("gives nothing for an entry it cannot read, and an empty key means the local session", () => {
    const storage = memory();
    storage.setItem("trellis.graph.positions.bad", JSON.stringify({ a: [1, "2"] }));
    storage.setItem("trellis.graph.positions.worse", "{not json");
    expect(loadPositions("bad", storage).size).toBe(0);
    expect(loadPositions("worse", storage).size).toBe(0);
    savePositions("", new Map([["a", { x: 1, y: 2 }]]), storage);
    expect(loadPositions("local", storage).get("a")).toEqual({ x: 1, y: 2 });
  });
});
