import { describe, expect, it } from "vitest";
import type { Host } from "../api/types";
import { currentUptime, graphFromHosts, hostNodeId, structureKey } from "./model";

function host(id: string, friendly_name: string, uptime_seconds = 10): Host {
  return {
    id,
    friendly_name,
    labels: { "hostcore.os": "linux" },
    lattice: "default",
    version: "0.1.0",
    uptime_seconds,
    uptime_human: `${uptime_seconds}s`,
    ctl_host: "nats://127.0.0.1:4222",
    rpc_host: "nats://127.0.0.1:4222",
  };
}

describe("graphFromHosts", () => {
  it("makes one host node per host with its fields", () => {
    const g = graphFromHosts([host("NAAA", "quiet-river-1")], 1_000, null);
    expect(g.edges).toEqual([]);
    expect(g.nodes).toHaveLength(1);
    const [node] = g.nodes;
    expect(node?.id).toBe(hostNodeId("NAAA"));
    expect(node?.kind).toBe("host");
    expect(node?.data).toMatchObject({
      hostId: "NAAA",
      friendlyName: "quiet-river-1",
      version: "0.1.0",
      uptimeSeconds: 10,
      observedAt: 1_000,
      isLocal: false,
    });
  });

  it("puts the local host first, then sorts by name", () => {
    const g = graphFromHosts([host("NB", "zebra"), host("NC", "alpha"), host("NL", "middle")], 0, "NL");
    expect(g.nodes.map((n) => n.data.hostId)).toEqual(["NL", "NC", "NB"]);
    expect(g.nodes[0]?.data.isLocal).toBe(true);
  });

  it("merges duplicate answers and drops hosts without id", () => {
    const g = graphFromHosts([host("NA", "a", 5), host("NA", "a", 9), host("", "ghost")], 0, null);
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0]?.data.uptimeSeconds).toBe(9);
  });

  it("falls back to the id when a host has no friendly name", () => {
    const g = graphFromHosts([host("NA", "")], 0, null);
    expect(g.nodes[0]?.data.friendlyName).toBe("NA");
  });

  it("does not share label objects with the input", () => {
    const input = host("NA", "a");
    const g = graphFromHosts([input], 0, null);
    input.labels["x"] = "y";
    expect(g.nodes[0]?.data.labels).not.toHaveProperty("x");
  });
});

describe("structureKey", () => {
  it("ignores uptime but sees new hosts", () => {
    const a = graphFromHosts([host("NA", "a", 1)], 0, null);
    const b = graphFromHosts([host("NA", "a", 99)], 5_000, null);
    const c = graphFromHosts([host("NA", "a"), host("NB", "b")], 0, null);
    expect(structureKey(a)).toBe(structureKey(b));
    expect(structureKey(a)).not.toBe(structureKey(c));
  });
});

describe("currentUptime", () => {
  it("adds the time since the ping", () => {
    expect(currentUptime({ uptimeSeconds: 10, observedAt: 1_000 }, 4_000)).toBe(13);
    expect(currentUptime({ uptimeSeconds: 10, observedAt: 4_000 }, 1_000)).toBe(10);
  });
});
