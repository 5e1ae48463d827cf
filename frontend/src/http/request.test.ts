import { describe, expect, it } from "vitest";
import type { ComponentWit, HttpReply } from "../api";
import { bodyNote, bodyShown, formatBytes, headersToSend, requestPath, servesHttp, splitHeaderLine, statusTone } from "./request";

const reply: HttpReply = {
  url: "http://127.0.0.1:8081/x",
  provider_id: "http",
  link_name: "default",
  status: 200,
  reason: "OK",
  headers: [],
  body: "hello",
  encoding: "text",
  body_bytes: 5,
  truncated: false,
  elapsed_ms: 1.5,
};

describe("header rows", () => {
  it("drops blank rows and trims what is sent", () => {
    const sent = headersToSend([
      { name: " Content-Type ", value: " text/plain " },
      { name: "", value: "" },
      { name: "X-Trace", value: "" },
    ]);
    expect(sent).toEqual({
      headers: [
        { name: "Content-Type", value: "text/plain" },
        { name: "X-Trace", value: "" },
      ],
      problem: null,
    });
  });

  it("names the first header that cannot be sent", () => {
    expect(headersToSend([{ name: "Bad Name", value: "1" }]).problem).toContain('"Bad Name"');
    expect(headersToSend([{ name: "", value: "orphan" }]).problem).toContain('"orphan" has no name');
    expect(headersToSend([{ name: "X-A", value: "1\n2" }]).problem).toContain("X-A");
    expect(headersToSend([{ name: "a:b", value: "" }]).problem).toContain('"a:b"');
  });

  it("splits a pasted `Name: value` line at the first colon", () => {
    expect(splitHeaderLine("Authorization: Bearer a:b")).toEqual({ name: "Authorization", value: "Bearer a:b" });
    expect(splitHeaderLine("no colon")).toBeNull();
    expect(splitHeaderLine(": value")).toBeNull();
  });
});

describe("requests and replies", () => {
  it("gives the path its leading slash", () => {
    expect(requestPath("items?id=3")).toBe("/items?id=3");
    expect(requestPath(" /x ")).toBe("/x");
    expect(requestPath("")).toBe("/");
  });

  it("colours statuses by class", () => {
    expect([101, 200, 204, 302, 404, 503].map(statusTone)).toEqual(["info", "ok", "ok", "redirect", "client", "server"]);
  });

  it("shows text bodies as they are and other bytes as base64 with a note", () => {
    expect(bodyShown(reply)).toBe("hello");
    expect(bodyShown({ ...reply, encoding: "base64", body: "/wA=", body_bytes: 2 })).toBe(
      "(2 B that are not UTF-8, as base64)\n/wA=",
    );
    expect(bodyNote(reply)).toBe("5 B");
    expect(bodyNote({ ...reply, body_bytes: 1024 * 1024, truncated: true })).toBe(
      "1.0 MiB, cut there (the rest was not read)",
    );
    expect(formatBytes(1536)).toBe("1.5 KiB");
  });

  it("applies to components exporting wasi:http/incoming-handler", () => {
    const wit = (exports: string[]) =>
      ({
        world: "w",
        imports: [],
        exports: exports.map((name) => ({ item: "interface", name, functions: [], types: [] })),
      }) as unknown as ComponentWit;
    expect(servesHttp(wit(["wasi:http/incoming-handler@0.2.0"]))).toBe(true);
    expect(servesHttp(wit(["trellis:calc/shapes"]))).toBe(false);
    expect(servesHttp(null)).toBe(false);
  });
});
