import { describe, expect, it } from "vitest";
import { scope } from "./fixtures";
import {
  initialParam,
  paramProblems,
  paramWave,
  restoreParams,
  toFormMode,
  toWaveMode,
  typedParams,
  typedWave,
} from "./params";
import type { FunctionDef } from "../api";
import type { ParamState } from "./params";
import { resolveType } from "./witType";

const fn: FunctionDef = {
  name: "draw",
  kind: "freestanding",
  params: [
    { name: "p", type: "point" },
    { name: "n", type: "u8" },
    { name: "s", type: "stream-ish" },
  ],
};
const params = typedParams(fn, scope);
const p = resolveType("point", scope);
const n = resolveType("u8", scope);
const s = resolveType("stream-ish", scope);

/** What each parameter sends. */
const waves = (states: ParamState[]) => states.map((st, i) => (params[i] ? paramWave(params[i].type, st) : "?"));

describe("params", () => {
  it("starts in the form, or as WAVE text where there is no form", () => {
    const states = params.map((x) => initialParam(x.type));
    expect(states.map((st) => st.mode)).toEqual(["form", "form", "wave"]);
    expect(waves(states)).toEqual(["{x: 0, y: 0}", "0", ""]);
  });

  it("switches to WAVE text starting from the form, and back", () => {
    const wave = toWaveMode(p, initialParam(p));
    expect(wave).toMatchObject({ mode: "wave", wave: "{x: 0, y: 0}" });
    const edited = typedWave(wave, "{x: 40, y: 2}");
    expect(paramWave(p, edited)).toBe("{x: 40, y: 2}");
    const back = toFormMode(p, edited);
    expect(back.mode).toBe("form");
    expect(paramWave(p, back)).toBe("{x: 40, y: 2}");
  });

  it("keeps the form's values when the WAVE text does not fit, and says so", () => {
    const back = toFormMode(p, typedWave(initialParam(p), '{x: "far", y: 2}'));
    expect(back.mode).toBe("form");
    expect(paramWave(p, back)).toBe("{x: 0, y: 0}");
    expect(back.note).toBe("the WAVE text did not fit the form (expected s32, got a string); the form kept its values");
  });

  it("stays WAVE text for a type without a form", () => {
    const st = typedWave(initialParam(s), "x");
    expect(toFormMode(s, st)).toBe(st);
  });

  it("reports problems only of parameters in the form", () => {
    const big: ParamState = { ...initialParam(n), value: { kind: "text", text: "300" } };
    expect(paramProblems(params, [initialParam(p), big, initialParam(s)])).toEqual([
      { path: "n", message: "expected u8 (0–255)" },
    ]);
    expect(paramProblems(params, [initialParam(p), toWaveMode(n, big), initialParam(s)])).toEqual([]);
  });

  it("restores a call from the history into the form where it fits", () => {
    const restored = restoreParams(params, ["{y: 2, x: 40}", "oops", "handle"]);
    expect(restored.map((st) => st.mode)).toEqual(["form", "wave", "wave"]);
    expect(waves(restored)).toEqual(["{x: 40, y: 2}", "oops", "handle"]);
  });
});
