import { describe, expect, it } from "vitest";
import { freeProviderId } from "./paletteDrag";

describe("freeProviderId", () => {
  it("uses the provider's name while it is free", () => {
    expect(freeProviderId("keyvalue", new Set(["http-server"]))).toBe("keyvalue");
  });

  it("numbers a second and third one", () => {
    expect(freeProviderId("keyvalue", new Set(["keyvalue"]))).toBe("keyvalue-2");
    expect(freeProviderId("keyvalue", new Set(["keyvalue", "keyvalue-2"]))).toBe("keyvalue-3");
  });
});
