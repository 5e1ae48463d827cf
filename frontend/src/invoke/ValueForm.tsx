// The Invoke form's editor for one value, nested like its WIT type: inputs for numbers and
// text, a checkbox for bool, selects for enums, variants and results, checkboxes for flags,
// rows to add and remove for lists, labelled groups for records and tuples.
import type { ReactNode } from "react";
import { expectKind, initialValue, leafProblem, maybeInitial, type FormValue } from "./form";
import { typeName, type WitType } from "./witType";

interface Props {
  type: WitType;
  value: FormValue;
  onChange: (value: FormValue) => void;
  /** Where the value is (`p.points[2].x`): the accessible name of its controls. */
  label: string;
}

/** Edits `value`, a value of `type`, calling `onChange` with each new value. */
export function ValueEditor({ type, value, onChange, label }: Props) {
  switch (type.kind) {
    case "bool": {
      const v = expectKind(value, "bool");
      return (
        <label className="check">
          <input
            type="checkbox"
            checked={v.value}
            onChange={(e) => onChange({ kind: "bool", value: e.target.checked })}
            aria-label={label}
          />
          <span className="mono">{v.value ? "true" : "false"}</span>
        </label>
      );
    }
    case "int":
    case "float":
    case "char":
    case "string":
    case "raw":
    case "unsupported":
      return <LeafEditor type={type} value={value} onChange={onChange} label={label} />;
    case "list":
      return <ListEditor type={type} value={expectKind(value, "list")} onChange={onChange} label={label} />;
    case "option": {
      const v = expectKind(value, "option");
      return (
        <div className="invoke-form__stack">
          <label className="check">
            <input
              type="checkbox"
              checked={v.some}
              onChange={(e) => onChange({ ...v, some: e.target.checked })}
              aria-label={`${label} is some`}
            />
            <span className="mono">{v.some ? "some" : "none"}</span>
          </label>
          {v.some && (
            <Group>
              <ValueEditor
                type={type.of}
                value={v.value}
                onChange={(inner) => onChange({ ...v, value: inner })}
                label={label}
              />
            </Group>
          )}
        </div>
      );
    }
    case "result": {
      const v = expectKind(value, "result");
      const [side, inner] = v.ok ? [type.ok, v.okValue] : [type.err, v.errValue];
      const set = (next: FormValue) => onChange(v.ok ? { ...v, okValue: next } : { ...v, errValue: next });
      return (
        <div className="invoke-form__stack">
          <select
            className="input mono invoke-form__select"
            value={v.ok ? "ok" : "err"}
            onChange={(e) => onChange({ ...v, ok: e.target.value === "ok" })}
            aria-label={`${label} ok or err`}
          >
            <option value="ok">ok</option>
            <option value="err">err</option>
          </select>
          {side && inner && (
            <Group>
              <ValueEditor type={side} value={inner} onChange={set} label={`${label}.${v.ok ? "ok" : "err"}`} />
            </Group>
          )}
        </div>
      );
    }
    case "tuple": {
      const v = expectKind(value, "tuple");
      return (
        <Group>
          {type.of.map((t, i) => (
            <Field key={i} name={String(i)} type={t}>
              <ValueEditor
                type={t}
                value={v.items[i] ?? initialValue(t)}
                onChange={(item) =>
                  onChange({ ...v, items: type.of.map((u, j) => (j === i ? item : (v.items[j] ?? initialValue(u)))) })
                }
                label={`${label}.${i}`}
              />
            </Field>
          ))}
        </Group>
      );
    }
    case "record": {
      const v = expectKind(value, "record");
      const fields = type.fields.map((f, i) => v.fields[i] ?? initialValue(f.type));
      return (
        <Group>
          {type.fields.map((f, i) => (
            <Field key={f.name} name={f.name} type={f.type}>
              <ValueEditor
                type={f.type}
                value={fields[i] ?? initialValue(f.type)}
                onChange={(field) => onChange({ ...v, fields: fields.map((old, j) => (j === i ? field : old)) })}
                label={`${label}.${f.name}`}
              />
            </Field>
          ))}
        </Group>
      );
    }
    case "variant": {
      const v = expectKind(value, "variant");
      const chosen = type.cases[v.case];
      return (
        <div className="invoke-form__stack">
          <select
            className="input mono invoke-form__select"
            value={v.case}
            // Another case starts from a fresh payload of its own type.
            onChange={(e) => {
              const index = Number(e.target.value);
              onChange({ kind: "variant", case: index, payload: maybeInitial(type.cases[index]?.type ?? null) });
            }}
            aria-label={`${label} case`}
          >
            {type.cases.map((c, i) => (
              <option key={c.name} value={i}>
                {c.type ? `${c.name}(${typeName(c.type)})` : c.name}
              </option>
            ))}
          </select>
          {chosen?.type && v.payload && (
            <Group>
              <ValueEditor
                type={chosen.type}
                value={v.payload}
                onChange={(payload) => onChange({ ...v, payload })}
                label={`${label}.${chosen.name}`}
              />
            </Group>
          )}
        </div>
      );
    }
    case "enum": {
      const v = expectKind(value, "enum");
      return (
        <select
          className="input mono invoke-form__select"
          value={v.case}
          onChange={(e) => onChange({ kind: "enum", case: Number(e.target.value) })}
          aria-label={label}
        >
          {type.cases.map((c, i) => (
            <option key={c} value={i}>
              {c}
            </option>
          ))}
        </select>
      );
    }
    case "flags": {
      const v = expectKind(value, "flags");
      return (
        <div className="invoke-form__flags" role="group" aria-label={label}>
          {type.flags.map((f, i) => (
            <label key={f} className="check">
              <input
                type="checkbox"
                checked={v.set[i] ?? false}
                onChange={(e) => {
                  const set = type.flags.map((_, j) => (j === i ? e.target.checked : (v.set[j] ?? false)));
                  onChange({ kind: "flags", set });
                }}
              />
              <span className="mono">{f}</span>
            </label>
          ))}
        </div>
      );
    }
  }
}

/** A text input for a number, char, string, or WAVE text, with what is wrong with it below. */
function LeafEditor({ type, value, onChange, label }: Props) {
  const raw = type.kind === "raw" || type.kind === "unsupported";
  const text = expectKind(value, raw ? "raw" : "text").text;
  const problem = leafProblem(type, text);
  const numeric = type.kind === "int" || type.kind === "float";
  return (
    <span className="invoke-form__leaf">
      <input
        className="input mono"
        value={text}
        spellCheck={false}
        inputMode={type.kind === "int" ? "numeric" : undefined}
        placeholder={raw ? `${typeName(type)} as WAVE` : numeric ? typeName(type) : undefined}
        onChange={(e) => onChange({ kind: raw ? "raw" : "text", text: e.target.value })}
        aria-label={label}
        aria-invalid={problem !== null}
      />
      {problem && <span className="invoke-form__problem">{problem}</span>}
      {raw && <span className="muted invoke-form__reason">{type.reason}</span>}
    </span>
  );
}

function ListEditor({
  type,
  value,
  onChange,
  label,
}: {
  type: Extract<WitType, { kind: "list" }>;
  value: Extract<FormValue, { kind: "list" }>;
  onChange: (value: FormValue) => void;
  label: string;
}) {
  // A fixed-length list has exactly its length: no rows to add or remove.
  const fixed = type.length !== null;
  const items = value.items;
  return (
    <Group>
      {items.length === 0 && <span className="muted mono">[] empty</span>}
      {items.map((item, i) => (
        <div key={i} className="invoke-form__item">
          <span className="muted mono invoke-form__index">{i}</span>
          <ValueEditor
            type={type.of}
            value={item}
            onChange={(next) => onChange({ kind: "list", items: items.map((old, j) => (j === i ? next : old)) })}
            label={`${label}[${i}]`}
          />
          {!fixed && (
            <button
              type="button"
              className="btn btn--ghost invoke-form__remove"
              onClick={() => onChange({ kind: "list", items: items.filter((_, j) => j !== i) })}
              aria-label={`remove ${label}[${i}]`}
              title="Remove this item"
            >
              ×
            </button>
          )}
        </div>
      ))}
      {!fixed && (
        <button
          type="button"
          className="btn btn--ghost invoke-form__add"
          onClick={() => onChange({ kind: "list", items: [...items, initialValue(type.of)] })}
          aria-label={`add an item to ${label}`}
        >
          + {typeName(type.of)}
        </button>
      )}
    </Group>
  );
}

/** A nested group: indented under its parent, its members one below the other. */
function Group({ children }: { children: ReactNode }) {
  return <div className="invoke-form__group">{children}</div>;
}

/** A record field or tuple member: its name and type, then its editor. */
function Field({ name, type, children }: { name: string; type: WitType; children: ReactNode }) {
  return (
    <div className="invoke-form__field">
      <span className="mono invoke-form__name">
        {name}: <span className="muted">{typeName(type)}</span>
      </span>
      {children}
    </div>
  );
}
