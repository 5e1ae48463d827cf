// The result tree rendered to HTML (no DOM here): rows, folding and the e2e test id.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { scope } from "./fixtures";
import { ResultTree } from "./ResultTree";
import { resultTree } from "./valueTree";
import { resolveType } from "./witType";

function render(spelling: string, wave: string, maxItems = 50): string {
  const tree = resultTree(resolveType(spelling, scope), wave, { maxItems });
  if (!tree) throw new Error(`no tree for ${wave}`);
  return renderToStaticMarkup(createElement(ResultTree, { tree }));
}

/** The text people read, tags dropped. */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"');
}

describe("ResultTree", () => {
  it("puts the e2e test id on its root", () => {
    expect(render("u32", "42")).toMatch(/^<div [^>]*data-testid="invoke-result-tree"/);
    expect(text(render("u32", "42"))).toBe("42");
  });

  it("labels fields and items, folds payloads into their case's row", () => {
    const html = render("drawing", '{title-text: "a\\nb", shapes: [circle(1.5)], origin: some({x: 1, y: 2})}');
    expect(text(html)).toContain('title-text: "a\\nb"');
    expect(text(html)).toContain("shapes: list 1 item");
    expect(text(html)).toContain("[0]: circle 1.5");
    expect(text(html)).toContain("origin: some point");
    expect(text(html)).toContain("x: 1");
  });

  it("opens the top rows and folds the deep ones", () => {
    const html = render("list<list<list<list<u8>>>>", "[[[[1]]]]");
    expect(html.match(/<details[^>]*>/g)).toEqual([
      '<details class="result-tree__branch" open="">',
      '<details class="result-tree__branch" open="">',
      '<details class="result-tree__branch" open="">',
      '<details class="result-tree__branch">',
    ]);
  });

  it("says how many items of a long list are left out", () => {
    expect(text(render("list<u8>", "[1, 2, 3, 4, 5]", 2))).toContain("… 3 more");
  });
});
