import { describe, expect, it } from "vitest";
import { deployedText } from "./outcome";

const outcome = {
  name: "hello-http",
  version: "v0.1.0",
  deployed: true,
  status: "deployed",
  message: "",
  elapsed_ms: 1260,
  url: "http://127.0.0.1:8090/",
};

describe("deployedText", () => {
  it("names the version, the time and where it answers", () => {
    expect(deployedText(outcome)).toBe("deployed v0.1.0 in 1.3 s — answers on http://127.0.0.1:8090/");
  });

  it("leaves the address out when the example serves no HTTP", () => {
    expect(deployedText({ ...outcome, url: null, elapsed_ms: 40 })).toBe("deployed v0.1.0 in 0.0 s");
  });
});
