import { describe, expect, it } from "vitest";
import type { CloudEvent } from "../api";
import { eventVisible, kindCounts, prettyJson, stepSelection, toggleKind, type EventFilter } from "./filter";

let nextId = 0;
const ev = (type: string, data: unknown, source = "NHOSTA"): CloudEvent => ({
  specversion: "1.0",
  id: `e${nextId++}`,
  source,
  type: `com.wasmcloud.lattice.${type}`,
  time: "2026-12-06T08:00:00Z",
  datacontenttype: "application/json",
  data,
});

const timeline = [
  ev("host_heartbeat", { friendly_name: "quiet-fox" }),
  ev("component_scaled", { component_id: "hello", max_instances: 3, image_ref: "file:///tmp/hello.wasm" }),
  ev("linkdef_set", { source_id: "caller", target: "hello", wit_namespace: "wasi", wit_package: "http" }),
  ev("component_scale_failed", { component_id: "counter", error: "no such file" }, "NHOSTB"),
  ev("host_heartbeat", { friendly_name: "quiet-fox" }),
  ev("component_scaled", { component_id: "counter", max_instances: 1 }),
];
const none: EventFilter = { hiddenKinds: [], heartbeats: false, search: "" };
const shown = (filter: Partial<EventFilter>) =>
  timeline.filter((e) => eventVisible(e, { ...none, ...filter })).map((e) => e.type.split(".").pop());

describe("event filter", () => {
  it("hides heartbeats unless asked for", () => {
    expect(shown({})).toEqual(["component_scaled", "linkdef_set", "component_scale_failed", "component_scaled"]);
    expect(shown({ heartbeats: true })).toHaveLength(6);
  });

  it("lists the kinds present, with counts, heartbeats apart", () => {
    expect(kindCounts(timeline)).toEqual([
      { kind: "component_scale_failed", count: 1, failed: true },
      { kind: "component_scaled", count: 2, failed: false },
      { kind: "linkdef_set", count: 1, failed: false },
    ]);
  });

  it("hides the kinds switched off", () => {
    const hidden = toggleKind([], "component_scaled");
    expect(shown({ hiddenKinds: hidden })).toEqual(["linkdef_set", "component_scale_failed"]);
    expect(toggleKind(hidden, "component_scaled")).toEqual([]);
  });

  it("searches the type, the source, the summary and the JSON, all words in any case", () => {
    expect(shown({ search: "LINKDEF" })).toEqual(["linkdef_set"]);
    expect(shown({ search: "nhostb" })).toEqual(["component_scale_failed"]);
    expect(shown({ search: "no such file" })).toEqual(["component_scale_failed"]);
    expect(shown({ search: "hello.wasm" })).toEqual(["component_scaled"]);
    expect(shown({ search: "counter scale" })).toEqual(["component_scale_failed", "component_scaled"]);
    expect(shown({ search: "counter scaled" })).toEqual(["component_scaled"]);
    expect(shown({ search: "quiet-fox" })).toEqual([]);
    expect(shown({ search: "quiet-fox", heartbeats: true })).toEqual(["host_heartbeat", "host_heartbeat"]);
    expect(shown({ search: "   " })).toHaveLength(4);
  });

  it("shows the selected event as indented JSON", () => {
    const text = prettyJson(timeline[1] as CloudEvent);
    expect(text).toContain('\n  "type": "com.wasmcloud.lattice.component_scaled"');
    expect(text).toContain('\n    "max_instances": 3');
  });
});

describe("keyboard selection", () => {
  const rows = [{ seq: 2 }, { seq: 5 }, { seq: 9 }];
  it("moves up and down the shown events and stops at the ends", () => {
    expect(stepSelection(rows, 5, -1)).toBe(2);
    expect(stepSelection(rows, 5, 1)).toBe(9);
    expect(stepSelection(rows, 9, 1)).toBe(9);
    expect(stepSelection(rows, 2, -10)).toBe(2);
  });
  it("starts from the newest going up, the oldest going down, and has nothing to select in an empty list", () => {
    expect(stepSelection(rows, null, -1)).toBe(9);
    expect(stepSelection(rows, 7, 1)).toBe(2);
    expect(stepSelection([], null, 1)).toBeNull();
  });
});
