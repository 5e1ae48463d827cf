import { describe, expect, it } from "vitest";
import { idFromPath } from "./openWasm";

describe("idFromPath", () => {
  it("takes the file name without .wasm", () => {
    expect(idFromPath("/work/examples/wat-hello/hello.wasm")).toBe("hello");
    expect(idFromPath("  /tmp/My Counter.WASM ")).toBe("my-counter");
  });

  it("replaces characters that cannot be in a subject", () => {
    expect(idFromPath("/tmp/a.b*c>.wasm")).toBe("a-b-c");
  });

  it("is empty without a file name", () => {
    expect(idFromPath("")).toBe("");
    expect(idFromPath("/tmp/")).toBe("");
  });
});
