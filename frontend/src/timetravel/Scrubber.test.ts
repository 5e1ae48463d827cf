// Rendered to static markup: the test environment is node, without a DOM. The keys are
// tested through `keyAction` (scrub.test.ts), which the component calls.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { comp, event, host, T0, withComponents } from "./fixtures";
import { formatHms } from "./scrub";
import { Scrubber, TimeTravelBanner } from "./Scrubber";
import { emptyTimeline, noteEvents, recordState, type Frame } from "./timeline";

/** T0 empty, T0+2s api started (an event), T0+6s a failed scale (a frame of its own), T0+10s b. */
function frames(): readonly Frame[] {
  let tl = recordState(emptyTimeline(), withComponents(), [host("NA")], T0);
  tl = noteEvents(tl, [event("component_scaled", T0 + 2_000, { component_id: "api" })], T0 + 2_000);
  tl = recordState(tl, withComponents(comp("api")), [host("NA")], T0 + 2_000);
  tl = noteEvents(tl, [event("component_scale_failed", T0 + 6_000, { component_id: "api", error: "boom" })], T0 + 6_000);
  tl = recordState(tl, withComponents(comp("api"), comp("b")), [host("NA")], T0 + 10_000);
  return tl.frames;
}

const render = (at: number | null, f = frames()) =>
  renderToStaticMarkup(createElement(Scrubber, { frames: f, at, onChange: () => undefined }));

describe("Scrubber", () => {
  it("draws a tick per evented frame, failures in red, over the frames' times", () => {
    const html = render(null);
    expect(html.match(/class="scrubber__tick[ "]/g)).toHaveLength(2);
    expect(html.match(/scrubber__tick--failed/g)).toHaveLength(1);
    expect(html).toContain(`min="${T0}"`);
    expect(html).toContain(`max="${T0 + 10_000}"`);
    expect(html).toContain("left:20%");
    expect(html).toContain("left:60%");
  });

  it("when live: the Live button is off and the slider sits at the end", () => {
    const html = render(null);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Live<\/button>/);
    expect(html).toContain(`value="${T0 + 10_000}"`);
    expect(html).toContain("4/4");
  });

  it("in the past: shows the moment, its frame's cause, and offers Live", () => {
    const html = render(T0 + 3_000);
    expect(html).toContain("scrubber--past");
    expect(html).toContain(formatHms(T0 + 3_000));
    expect(html).toContain("component_scaled api");
    expect(html).toContain("2/4");
    expect(html).not.toMatch(/<button[^>]*disabled=""[^>]*>Live<\/button>/);
  });

  it("says so when nothing is recorded", () => {
    expect(render(null, [])).toContain("No lattice states recorded yet.");
  });
});

describe("TimeTravelBanner", () => {
  it("says which moment is shown and that actions are disabled", () => {
    const html = renderToStaticMarkup(createElement(TimeTravelBanner, { at: T0 }));
    expect(html).toContain(`Viewing ${formatHms(T0)} — the lattice as it was; actions are disabled`);
    expect(html).not.toContain("Back to live");
    expect(renderToStaticMarkup(createElement(TimeTravelBanner, { at: T0, onLive: () => undefined }))).toContain(
      "Back to live",
    );
  });
});
