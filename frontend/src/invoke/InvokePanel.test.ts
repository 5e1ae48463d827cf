// The Invoke panel rendered to HTML (no DOM here): what the e2e suite and people find in it.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ComponentWit } from "../api";
import { InvokePanel } from "./InvokePanel";

const wit = {
  world: "calc",
  imports: [],
  exports: [
    {
      item: "interface",
      name: "trellis:calc/shapes",
      functions: [
        {
          name: "sum",
          kind: "freestanding",
          params: [
            { name: "p", type: "point" },
            { name: "tags", type: "list<tag>" },
            { name: "h", type: "handle" },
          ],
          result: "s32",
        },
      ],
      types: [
        { name: "point", kind: "record", fields: [{ name: "x", type: "s32" }, { name: "y", type: "s32" }] },
        { name: "tag", kind: "variant", cases: [{ name: "named", type: "string" }, { name: "none" }] },
        { name: "handle", kind: "resource", methods: [] },
      ],
    },
  ],
  wit: "",
} as unknown as ComponentWit;

const html = renderToStaticMarkup(createElement(InvokePanel, { componentId: "calc", wit }));

/** The opening tag of the element with `testid`. */
function tag(testid: string): string {
  return new RegExp(`<[a-z]+[^>]*data-testid="${testid}"[^>]*>`).exec(html)?.[0] ?? "";
}

describe("InvokePanel", () => {
  it("gives each parameter a WAVE input under its e2e test id, holding what the form sends", () => {
    expect(tag("invoke-arg-p")).toMatch(/^<input /);
    expect(tag("invoke-arg-p")).toContain('value="{x: 0, y: 0}"');
    expect(tag("invoke-arg-tags")).toContain('value="[]"');
    expect(tag("invoke-arg-h")).toContain('value=""');
    expect(tag("invoke-call")).toMatch(/^<button /);
    expect(tag("invoke-function")).toMatch(/^<select /);
  });

  it("builds the form from the WIT types, and says why a resource has none", () => {
    expect(html).toContain('aria-label="p.x"');
    expect(html).toContain('aria-label="p.y"');
    expect(html).toContain("add an item to tags");
    expect(tag("invoke-mode-p")).toContain('aria-pressed="false"');
    expect(tag("invoke-mode-h")).toBe("");
    expect(html).toContain("handle is a resource: its handles cannot be written as WAVE");
  });

  it("shows nothing without WIT", () => {
    expect(renderToStaticMarkup(createElement(InvokePanel, { componentId: "calc", wit: null }))).toBe("");
  });
});
