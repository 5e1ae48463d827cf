// The state of one function's parameters in the Invoke panel: each edited either in the
// form built from its WIT type or as WAVE text, and the WAVE sent for it. Pure.
import type { FunctionDef } from "../api";
import { initialValue, problems, toWave, type FormValue, type Problem } from "./form";
import { readWave } from "./waveRead";
import { resolveType, type TypeScope, type WitType } from "./witType";

/** A parameter with its type resolved. */
export interface TypedParam {
  name: string;
  /** As WIT spells it. */
  spelling: string;
  type: WitType;
}

/**
 * One parameter being edited. `value` is what the form holds and `wave` the text typed in
 * WAVE mode; each survives while the other is in use. `note` says why switching back to
 * the form could not keep the WAVE text.
 */
export interface ParamState {
  mode: "form" | "wave";
  value: FormValue;
  wave: string;
  note: string | null;
}

/** `fn`'s parameters with their types looked up in `scope`. */
export function typedParams(fn: FunctionDef, scope: TypeScope): TypedParam[] {
  return fn.params.map((p) => ({ name: p.name, spelling: p.type, type: resolveType(p.type, scope) }));
}

/** `true` if the form can edit a value of `type` (a type it cannot resolve is WAVE text only). */
export function hasForm(type: WitType): boolean {
  return type.kind !== "raw" && type.kind !== "unsupported";
}

/** Fresh state: the form's starting value, or empty WAVE text where there is no form. */
export function initialParam(type: WitType): ParamState {
  return { mode: hasForm(type) ? "form" : "wave", value: initialValue(type), wave: "", note: null };
}

/** The WAVE text sent for a parameter. */
export function paramWave(type: WitType, state: ParamState): string {
  return state.mode === "wave" ? state.wave : toWave(type, state.value);
}

/** What keeps the form from being sent: problems of parameters in form mode. */
export function paramProblems(params: readonly TypedParam[], states: readonly ParamState[]): Problem[] {
  return params.flatMap((p, i) => {
    const s = states[i];
    return s && s.mode === "form" ? problems(p.type, s.value, p.name) : [];
  });
}

/** Switches to WAVE text, starting from what the form holds. */
export function toWaveMode(type: WitType, state: ParamState): ParamState {
  return { ...state, mode: "wave", wave: toWave(type, state.value), note: null };
}

/** Switches to WAVE text as typed (the first key typed into the form's WAVE line). */
export function typedWave(state: ParamState, wave: string): ParamState {
  return { ...state, mode: "wave", wave, note: null };
}

/** Switches back to the form, filled from the WAVE text when it fits the type. */
export function toFormMode(type: WitType, state: ParamState): ParamState {
  if (!hasForm(type)) return state;
  const read = readWave(type, state.wave);
  if (read.ok) return { ...state, mode: "form", value: read.value, note: null };
  const note = `the WAVE text did not fit the form (${read.reason}); the form kept its values`;
  return { ...state, mode: "form", note };
}

/** The state for a call from the history: each WAVE argument in the form if it fits, else as text. */
export function restoreParams(params: readonly TypedParam[], args: readonly string[]): ParamState[] {
  return params.map((p, i) => {
    const wave = args[i] ?? "";
    const read = hasForm(p.type) ? readWave(p.type, wave) : null;
    return read?.ok
      ? { mode: "form", value: read.value, wave, note: null }
      : { mode: "wave", value: initialValue(p.type), wave, note: null };
  });
}
