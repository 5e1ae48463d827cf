import { describe, expect, it } from "vitest";
import { EMPTY_STACKS, HISTORY_LIMIT, recorded, redoStep, undoStep, type Edit } from "./history";

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

const edit = (label: string): Edit => ({ label, undo: () => Promise.resolve(), redo: () => Promise.resolve() });

describe("edit history", () => {
  it("undoes the latest edit first and redoes what was undone", () => {
    let s = recorded(recorded(EMPTY_STACKS, edit("a")), edit("b"));
    const first = undoStep(s);
    expect(first?.edit.label).toBe("b");
    s = must(first).next;
    expect(undoStep(s)?.edit.label).toBe("a");
    const again = redoStep(s);
    expect(again?.edit.label).toBe("b");
    expect(again?.next.done.map((e) => e.label)).toEqual(["a", "b"]);
  });

  it("forgets the redo stack on a new edit and has nothing to undo when empty", () => {
    let s = recorded(EMPTY_STACKS, edit("a"));
    s = must(undoStep(s)).next;
    s = recorded(s, edit("c"));
    expect(redoStep(s)).toBeNull();
    expect(undoStep(EMPTY_STACKS)).toBeNull();
  });

  it("keeps at most the limit", () => {
    let s = EMPTY_STACKS;
    for (let i = 0; i <= HISTORY_LIMIT; i++) s = recorded(s, edit(String(i)));
    expect(s.done.length).toBe(HISTORY_LIMIT);
    expect(s.done[0]?.label).toBe("1");
  });
});
