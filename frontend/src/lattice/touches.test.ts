import { describe, expect, it } from "vitest";
import type { Touch } from "../api";
import { addTouch, resourceNodeId } from "./touches";

const touch = (over: Partial<Touch> = {}): Touch => ({
  workload: "demo/echo",
  trigger: "demo.in",
  kind: "subject",
  name: "_INBOX.>",
  ...over,
});

describe("touches", () => {
  it("keeps one of each workload, kind and name", () => {
    const one = addTouch([], touch());
    expect(addTouch(one, touch({ trigger: "demo.in2" }))).toBe(one);
    expect(addTouch(one, touch({ kind: "bucket", name: "counts" }))).toHaveLength(2);
    expect(addTouch(one, touch({ workload: null }))).toHaveLength(2);
  });

  it("names resource nodes by kind and name", () => {
    expect(resourceNodeId(touch())).toBe("v2resource:subject:_INBOX.>");
  });
});
