import { describe, expect, it } from "vitest";
import type { ElkNode } from "elkjs/lib/elk-api";
import { warmLayout, type LayoutEngine } from "./layout";

describe("warmLayout", () => {
  it("runs one empty layout on the engine", async () => {
    const seen: ElkNode[] = [];
    const engine: LayoutEngine = { inThread: false, layout: (g) => (seen.push(g), Promise.resolve(g)) };
    await warmLayout(engine);
    expect(seen).toEqual([{ id: "warm-up", children: [] }]);
  });

  it("never fails: a broken engine shows at the first real layout", async () => {
    const engine: LayoutEngine = { inThread: true, layout: () => Promise.reject(new Error("no ELK")) };
    await expect(warmLayout(engine)).resolves.toBeUndefined();
  });
});
