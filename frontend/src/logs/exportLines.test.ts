import { describe, expect, it } from "vitest";
import type { CloudEvent, LogRecord } from "../api";
import { exportEvents, exportLogs, fileSafe, fileStamp } from "./exportLines";

const when = new Date(2026, 11, 6, 9, 5, 3); // local time
const lines: LogRecord[] = [
  { time: "2026-12-06T09:00:00Z", level: "info", host: "NHOST", component: "hello", message: "GET / 200" },
  { time: "2026-12-06T09:00:01Z", level: "error", host: "NHOST", context: "wasmtime", message: "trap\nat 0x1" },
];

describe("log export", () => {
  it("names the file after the session and the local time", () => {
    expect(fileStamp(when)).toBe("20261206-090503");
    expect(exportLogs(lines, "jsonl", "local", when).filename).toBe("trellis-logs-local-20261206-090503.jsonl");
    expect(exportLogs(lines, "text", "local", when).filename).toBe("trellis-logs-local-20261206-090503.txt");
  });

  it("keeps a file name safe whatever the session is called", () => {
    expect(fileSafe("prod / eu-west:1")).toBe("prod_eu-west_1");
    expect(fileSafe("../x")).toBe("__x");
    expect(fileSafe("")).toBe("session");
  });

  it("writes JSON lines that read back to the shown records", () => {
    const { text } = exportLogs(lines, "jsonl", "s", when);
    const back = text.trimEnd().split("\n").map((l) => JSON.parse(l) as LogRecord);
    expect(back).toEqual(lines);
    expect(exportLogs([], "jsonl", "s", when).text).toBe("");
  });

  it("writes plain text with time, level, source and message", () => {
    expect(exportLogs(lines, "text", "s", when).text).toBe(
      "2026-12-06T09:00:00Z INFO     hello GET / 200\n" +
        "2026-12-06T09:00:01Z ERROR    NHOST [wasmtime] trap\nat 0x1\n",
    );
  });
});

describe("event export", () => {
  it("writes one event per line", () => {
    const ev: CloudEvent = {
      specversion: "1.0",
      id: "e1",
      source: "NHOST",
      type: "com.wasmcloud.lattice.component_scaled",
      time: "2026-12-06T09:00:00Z",
      datacontenttype: "application/json",
      data: { component_id: "hello", max_instances: 2 },
    };
    const file = exportEvents([ev, { ...ev, id: "e2" }], "prod", when);
    expect(file.filename).toBe("trellis-events-prod-20261206-090503.jsonl");
    expect(file.text.split("\n").map((l) => (l ? (JSON.parse(l) as CloudEvent).id : ""))).toEqual(["e1", "e2", ""]);
  });
});
