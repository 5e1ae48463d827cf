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

  it("takes the repository name of an OCI reference, without its tag or digest", () => {
    expect(idFromPath("127.0.0.1:5000/examples/hello:0.1")).toBe("hello");
    expect(idFromPath("ghcr.io/org/http-counter@sha256:" + "ab".repeat(32))).toBe("http-counter");
    expect(idFromPath("localhost:5000/app")).toBe("app");
  });

  it("takes a provider's name from its binary or archive", () => {
    expect(idFromPath("/opt/providers/keyvalue-nats.par.gz")).toBe("keyvalue-nats");
    expect(idFromPath("/opt/providers/Counter.PAR")).toBe("counter");
    expect(idFromPath("/opt/providers/http-server-provider")).toBe("http-server-provider");
  });

  it("is empty without a file name", () => {
    expect(idFromPath("")).toBe("");
    expect(idFromPath("/tmp/")).toBe("");
  });
});
