// The sparkline rendered to markup (no DOM here): its test id and title, its lines, and the
// failing state.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { noTraffic, traffic, type CallSample } from "../../spy/traffic";
import { EdgeSparkline, SPARKLINE, sparkPoints } from "./EdgeSparkline";

const T0 = 1_000_000;
const calls = (n: number, us: number, failed = false): CallSample[] =>
  Array.from({ length: n }, (_, i) => ({ at: T0 - 10_000 + i * 100, us, failed }));

function render(samples: CallSample[]): string {
  return renderToStaticMarkup(createElement(EdgeSparkline, { traffic: traffic(samples, T0), x: 200, y: 100 }));
}

describe("EdgeSparkline", () => {
  it("is an SVG with the e2e test id and a title giving rate, p50 and errors", () => {
    const html = render(calls(96, 1400));
    expect(html).toMatch(/^<svg [^>]*data-testid="edge-sparkline"/);
    expect(html).toContain("<title>3.2 calls/s, p50 1.4 ms, 0 errors (last 30 s)</title>");
    expect(html).toContain('aria-label="3.2 calls/s, p50 1.4 ms, 0 errors (last 30 s)"');
    expect(html).toContain(">3.2/s<");
    expect(html).toContain(">p50 1.4 ms<");
    expect(html).not.toContain("edge-sparkline--failing");
  });

  it("sits centred under the edge's label", () => {
    const html = render([]);
    expect(html).toContain(`x="${200 - SPARKLINE.width / 2}"`);
    expect(html).toContain('y="112"');
  });

  it("turns red when a call in the window failed", () => {
    const html = render([...calls(3, 500), ...calls(2, 900, true)]);
    expect(html).toContain('class="edge-sparkline edge-sparkline--failing"');
    expect(html).toContain('data-errors="2"');
    expect(html).toMatch(/<title>[\d.]+ calls\/s, p50 500 µs, 2 errors \(last 30 s\)<\/title>/);
  });

  it("draws an idle link as a flat line with no latency", () => {
    const html = renderToStaticMarkup(createElement(EdgeSparkline, { traffic: noTraffic(), x: 0, y: 0 }));
    expect(html).toContain("<title>0.0 calls/s, no calls, 0 errors (last 30 s)</title>");
    expect(html).toContain('class="edge-sparkline__latency" points=""');
    const bottom = SPARKLINE.plotY + SPARKLINE.plotHeight;
    expect(sparkPoints([0, 0, 0])).toBe(`4,${bottom} 33,${bottom} 62,${bottom}`);
  });

  it("scales a line to its own maximum and skips empty buckets", () => {
    const { plotY, plotHeight } = SPARKLINE;
    expect(sparkPoints([2, null, 4])).toBe(`4,${plotY + plotHeight / 2} 62,${plotY}`);
  });
});
