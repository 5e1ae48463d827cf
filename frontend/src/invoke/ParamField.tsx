// One parameter of the Invoke form: its name and WIT type, the form built from the type,
// and the WAVE line that is sent. Typing into the WAVE line (or pressing WAVE) edits the
// parameter as WAVE text; pressing WAVE again goes back to the form.
import { hasForm, paramWave, toFormMode, toWaveMode, typedWave, type ParamState, type TypedParam } from "./params";
import { ValueEditor } from "./ValueForm";

interface Props {
  param: TypedParam;
  state: ParamState;
  onChange: (state: ParamState) => void;
}

/** The editor of one parameter; its WAVE line is the input `invoke-arg-<name>`. */
export function ParamField({ param, state, onChange }: Props) {
  const { name, spelling, type } = param;
  const form = hasForm(type);
  const wave = state.mode === "wave";
  return (
    <div className="invoke__param">
      <div className="invoke__param-head">
        <span className="mono">
          {name}: <span className="muted">{spelling}</span>
        </span>
        {form && (
          <button
            type="button"
            className={`btn btn--ghost invoke__mode${wave ? " invoke__mode--on" : ""}`}
            aria-pressed={wave}
            onClick={() => onChange(wave ? toFormMode(type, state) : toWaveMode(type, state))}
            title={wave ? "Back to the form" : "Edit this parameter as WAVE text"}
            data-testid={`invoke-mode-${name}`}
          >
            WAVE
          </button>
        )}
      </div>
      {!wave && (
        <ValueEditor type={type} value={state.value} onChange={(value) => onChange({ ...state, value })} label={name} />
      )}
      {/* Always the same element, in form mode and out of it, so typing into it keeps focus
          (and a test's handle on it) as the parameter switches to WAVE text. */}
      <input
        className={`input mono invoke__wave${wave ? "" : " invoke__wave--preview"}`}
        value={paramWave(type, state)}
        placeholder={`${spelling} as WAVE`}
        spellCheck={false}
        onChange={(e) => onChange(typedWave(state, e.target.value))}
        aria-label={`${name} as WAVE`}
        title={wave ? undefined : "The WAVE sent; type here to edit it as text"}
        data-testid={`invoke-arg-${name}`}
      />
      {(type.kind === "raw" || type.kind === "unsupported") && (
        <span className="muted invoke-form__reason">{type.reason}</span>
      )}
      {state.note && <span className="invoke__note">{state.note}</span>}
    </div>
  );
}
