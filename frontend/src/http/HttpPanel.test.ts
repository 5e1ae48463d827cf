// The HTTP panel rendered to HTML (no DOM here): the fields the e2e suite and people use.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { HttpPanel } from "./HttpPanel";

describe("HttpPanel", () => {
  it("offers method, path, a header row, a body and Send before any request", () => {
    const html = renderToStaticMarkup(createElement(HttpPanel, { componentId: "hello" }));
    for (const id of ["http-method", "http-path", "http-header-name", "http-header-value", "http-body", "http-send"]) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('<option value="POST">POST</option>');
    expect(html).not.toContain('data-testid="http-reply"');
  });
});
