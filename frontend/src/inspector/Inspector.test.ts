// The host inspector rendered to HTML (no DOM here).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { graphFromHosts, type GraphNode } from "../graph/model";
import { Inspector } from "./Inspector";

/** A host node as the lattice model gives it (no lattice of its own). */
function modelHost(): GraphNode {
  const model = graphFromHosts([], 0, null, {
    hosts: [{ host: { id: "NA", friendly_name: "calm-falcon", labels: {}, version: "1.9.2", uptime_seconds: 3 }, components: [], providers: [] }],
    links: [],
    configs: [],
    v2_hosts: [],
  });
  const host = model.nodes.find((n) => n.kind === "host");
  if (!host) throw new Error("no host node");
  return host;
}

const lattice = (html: string) => /data-testid="inspector-host-lattice">([^<]*)</.exec(html)?.[1];

describe("host inspector", () => {
  it("names the session's lattice for a host from the lattice model", () => {
    const html = renderToStaticMarkup(
      createElement(Inspector, { node: modelHost(), inspections: new Map(), inspectionErrors: new Map(), lattice: "staging" }),
    );
    expect(html).toContain("calm-falcon");
    expect(lattice(html)).toBe("staging");
  });

  it("shows a dash, not an empty row, when the lattice is not known yet", () => {
    const html = renderToStaticMarkup(createElement(Inspector, { node: modelHost(), inspections: new Map(), inspectionErrors: new Map() }));
    expect(lattice(html)).toBe("—");
  });
});
