// Invoke: call one exported function of the selected component. Each parameter is edited
// in a form built from its WIT type, or as WAVE text; the call sends WAVE either way. The
// result shows as WAVE with the time it took, and under it as a tree when it can be read
// back for the function's result type; earlier calls can be filled in again from the history.
import { useState } from "react";
import { callFunction, toApiError, type ComponentWit } from "../api";
import { callables, type Callable } from "./callable";
import { ParamField } from "./ParamField";
import {
  initialParam,
  paramProblems,
  paramWave,
  restoreParams,
  typedParams,
  type ParamState,
  type TypedParam,
} from "./params";
import { ResultTree } from "./ResultTree";
import { resultTree, type TreeNode } from "./valueTree";
import { interfaceTypes, resolveType, type TypeScope } from "./witType";

interface Props {
  componentId: string;
  wit: ComponentWit | null;
}

interface Done {
  target: string;
  args: string[];
  ok: boolean;
  /** The results (WAVE, one per line) or the refusal. */
  text: string;
  durationMs: number | null;
  /** The result laid out as a tree, `null` if it cannot be read back for its type. */
  tree: TreeNode | null;
  /** Counts the calls: each result's tree starts with its rows opened afresh. */
  seq: number;
}

/**
 * A function's parameters as edited. `shape` is the resolved types they were edited for: a
 * component redeployed with another signature starts its form afresh.
 */
interface Edits {
  shape: string;
  states: ParamState[];
}

function shapeOf(params: readonly TypedParam[]): string {
  return JSON.stringify(params.map((p) => p.type));
}

/** The Invoke section of the component inspector, for `componentId` whose WIT is `wit`. */
export function InvokePanel({ componentId, wit }: Props) {
  const functions = callables(wit);
  const [target, setTarget] = useState<string | null>(null);
  const [edits, setEdits] = useState<Record<string, Edits>>({});
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<Done[]>([]);
  const chosen = functions.find((f) => f.target === target) ?? functions[0];
  if (!chosen) return null;
  const interfaces = interfaceTypes(wit);
  const paramsOf = (c: Callable) => typedParams(c.fn, { types: c.types, interfaces } satisfies TypeScope);
  const params = paramsOf(chosen);
  const shape = shapeOf(params);
  const edited = edits[chosen.target];
  const states = edited?.shape === shape ? edited.states : params.map((p) => initialParam(p.type));
  const setState = (i: number, state: ParamState) =>
    setEdits((all) => ({ ...all, [chosen.target]: { shape, states: states.map((s, j) => (j === i ? state : s)) } }));
  const blocking = paramProblems(params, states);
  const firstProblem = blocking[0];

  const call = () => {
    setBusy(true);
    const resultType = chosen.fn.result ? resolveType(chosen.fn.result, { types: chosen.types, interfaces }) : null;
    const sent = params.map((p, i) => {
      const state = states[i];
      return state ? paramWave(p.type, state) : "";
    });
    callFunction(componentId, chosen.target, sent)
      .then((r) => {
        // A function has at most one result, so one WAVE value to read back.
        const [only, ...rest] = r.results;
        const tree = resultType && only !== undefined && rest.length === 0 ? resultTree(resultType, only) : null;
        return { ok: true, text: r.results.join("\n") || "(no result)", durationMs: r.duration_ms, tree };
      })
      .catch((err: unknown) => ({ ok: false, text: toApiError(err).message, durationMs: null, tree: null }))
      .then((done) =>
        setHistory((h) => [{ target: chosen.target, args: sent, ...done, seq: (h[0]?.seq ?? 0) + 1 }, ...h].slice(0, 10)),
      )
      .finally(() => setBusy(false));
  };
  const last = history[0];

  return (
    <div className="invoke" data-testid="invoke" data-calls={last?.seq ?? 0}>
      <h3 className="panel__subtitle">Invoke</h3>
      <select
        className="input mono"
        value={chosen.target}
        onChange={(e) => setTarget(e.target.value)}
        aria-label="function"
        data-testid="invoke-function"
      >
        {functions.map((f) => (
          <option key={f.target} value={f.target}>
            {f.label}
          </option>
        ))}
      </select>
      {params.map((p, i) => {
        const state = states[i];
        return state && <ParamField key={p.name} param={p} state={state} onChange={(next) => setState(i, next)} />;
      })}
      <button
        type="button"
        className="btn btn--primary"
        disabled={busy || firstProblem !== undefined}
        onClick={call}
        data-testid="invoke-call"
      >
        {busy ? "Calling…" : `Call ${chosen.fn.name}`}
      </button>
      {firstProblem && (
        <span className="invoke__blocked" data-testid="invoke-problem">
          {firstProblem.path}: {firstProblem.message}
          {blocking.length > 1 && ` (and ${blocking.length - 1} more)`}
        </span>
      )}
      {last && (
        <pre
          className={`invoke__result mono selectable${last.ok ? "" : " invoke__result--error"}`}
          role={last.ok ? "status" : "alert"}
          data-testid="invoke-result"
        >
          {last.text}
          {last.durationMs !== null && <span className="muted">{`\n${last.durationMs.toFixed(1)} ms`}</span>}
        </pre>
      )}
      {last?.tree && <ResultTree key={last.seq} tree={last.tree} />}
      {history.length > 1 && (
        <ul className="invoke__history">
          {history.slice(1).map((h, i) => (
            <li key={i}>
              <button
                type="button"
                className="link-button mono"
                title="Fill the form with this call"
                onClick={() => {
                  const then = functions.find((f) => f.target === h.target);
                  if (!then) return;
                  // Each argument goes back into the form where it fits, else stays WAVE text.
                  const thenParams = paramsOf(then);
                  setTarget(h.target);
                  setEdits((all) => ({
                    ...all,
                    [h.target]: { shape: shapeOf(thenParams), states: restoreParams(thenParams, h.args) },
                  }));
                }}
              >
                {h.target.split(/[.#]/).pop()}({h.args.join(", ")}) → {h.ok ? h.text.split("\n")[0] : "refused"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
