import { describe, expect, it, vi } from "vitest";
import type { ErrorCode as ErrorCodeName } from "./generated";

// The wrappers import @tauri-apps/api; nothing here calls into it.
vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const { ApiError, ErrorCode, toApiError } = await import("./index");

describe("toApiError", () => {
  it("keeps the code and message of a CommandError payload", () => {
    const err = toApiError({ code: "nats_not_found", message: "nats-server not found: install it" });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(ErrorCode.NatsNotFound);
    expect(err.message).toBe("nats-server not found: install it");
  });

  it("maps a thrown Error and a bare string to an internal error", () => {
    expect(toApiError(new Error("boom")).code).toBe(ErrorCode.Internal);
    const fromString = toApiError("command list_hosts not found");
    expect(fromString.code).toBe(ErrorCode.Internal);
    expect(fromString.message).toBe("command list_hosts not found");
  });

  it("does not take a half-shaped object for a payload", () => {
    expect(toApiError({ code: 3, message: "x" }).code).toBe(ErrorCode.Internal);
  });
});

describe("ErrorCode", () => {
  it("names every code of the Rust ErrorCode", () => {
    // Type-checked (tsc): a code the generated union gains but `ErrorCode` lacks is an error here.
    const unnamed: Record<Exclude<ErrorCodeName, (typeof ErrorCode)[keyof typeof ErrorCode]>, never> = {};
    expect(unnamed).toEqual({});
  });
});
