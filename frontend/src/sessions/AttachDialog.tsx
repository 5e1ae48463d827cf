// "Attach…": every field of a context (servers, lattice, auth, TLS, JetStream domain, ctl
// prefix, timeouts), and three ways to use it: **Test connection** (step by step, naming
// the step that failed), **Save** (as a named context, without connecting) and **Attach**
// (connect; once connected it is saved and opens as a new tab; nothing is saved when it
// fails).
//
// The secrets typed here (password, token, JWT, seeds) stay in this component's state
// and go to the Rust side only inside the `Context` of a command; they are never stored
// in the webview, logged, or put in an error shown here (the backend's messages hold none).
import { useEffect, useState, type ChangeEvent, type ReactNode } from "react";
import {
  attachNew,
  saveContext,
  testConnection,
  toApiError,
  type ConnectionReport,
  type ContextSummary,
  type LatticeStatus,
} from "../api";
import { Elapsed } from "../shell/Elapsed";
import {
  AUTH_MODES,
  emptyForm,
  firstProblem,
  formToContext,
  usesWebsocket,
  validateForm,
  type AuthMode,
  type ContextForm,
  type FormErrors,
  type FormField,
} from "./contextForm";
import { failedStep, reportSummary, stepLabel, stepMark } from "./sessionView";
import "./sessions.css";

export interface AttachDialogProps {
  /** Close the dialog (Cancel, Escape, or after a successful attach). */
  onClose: () => void;
  /** A new session is connected and saved: show its tab (`useSessions().adopt`). */
  onAttached: (status: LatticeStatus) => void;
  /** The context was saved without connecting (reload the contexts list). */
  onSaved?: (summary: ContextSummary) => void;
  /** Names of saved contexts, to warn that saving under one replaces it. */
  takenNames?: readonly string[];
  /** Fields to start from (never secrets read back: the webview has none). */
  initial?: Partial<ContextForm>;
}

type Action = "test" | "save" | "attach";

/** The fields typed as text. */
type TextField = Exclude<{ [K in FormField]: ContextForm[K] extends string ? K : never }[FormField], "authMode">;

/** A labelled field with its problem and help line. */
function Field({
  label,
  error,
  help,
  wide = false,
  children,
}: {
  label: string;
  /** Spans the section's whole width. */
  wide?: boolean;
  error?: string | undefined;
  help?: ReactNode;
  children: ReactNode;
}) {
  return (
    <label className={"attach__field" + (wide ? " attach__field--wide" : "") + (error ? " attach__field--error" : "")}>
      <span className="attach__label">{label}</span>
      {children}
      {help && <span className="attach__help muted">{help}</span>}
      {error && <span className="attach__problem">{error}</span>}
    </label>
  );
}

export function AttachDialog({ onClose, onAttached, onSaved, takenNames = [], initial }: AttachDialogProps) {
  const [form, setForm] = useState<ContextForm>(() => ({ ...emptyForm(), ...initial }));
  // Problems show once a button was pressed, then follow the typing.
  const [checked, setChecked] = useState<"test" | "full" | null>(null);
  const [busy, setBusy] = useState<{ action: Action; since: number } | null>(null);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [error, setError] = useState<{ action: Action; message: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const errors: FormErrors = checked ? validateForm(form, checked === "full") : {};

  const set =
    <K extends FormField>(field: K) =>
    (value: ContextForm[K]) =>
      setForm((f) => ({ ...f, [field]: value }));
  const text = (field: TextField) => ({
    value: form[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [field]: e.target.value })),
  });

  // Escape closes wherever the focus is.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onClose]);

  const run = (action: Action) => {
    if (busy) return;
    const needName = action !== "test";
    const problems = validateForm(form, needName);
    setChecked(needName ? "full" : "test");
    setError(null);
    setSaved(null);
    if (firstProblem(problems)) return;
    const name = form.name.trim();
    const context = formToContext(form);
    setBusy({ action, since: Date.now() });
    if (action === "test") setReport(null);
    const work: Promise<void> =
      action === "test"
        ? testConnection(context).then((r) => setReport(r))
        : action === "save"
          ? saveContext(name, context).then((summary) => {
              setSaved(summary.name);
              onSaved?.(summary);
            })
          : attachNew(name, context).then((status) => {
              onAttached(status);
              onClose();
            });
    work
      .catch((raw: unknown) => setError({ action, message: toApiError(raw).message }))
      .finally(() => setBusy(null));
  };

  const mode = form.authMode;
  const failed = report ? failedStep(report) : null;
  const replaces = form.name.trim() !== "" && takenNames.includes(form.name.trim());

  return (
    <div className="overlay">
      <div
        className="overlay__card attach"
        role="dialog"
        aria-modal="true"
        aria-labelledby="attach-title"
        data-testid="attach-dialog"
      >
        <div className="overlay__title" id="attach-title">
          Attach to a lattice
        </div>
        <form
          className="attach__body"
          autoComplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            run("attach");
          }}
        >
          <fieldset className="attach__section">
            <legend>Connection</legend>
            <Field
              label="Name"
              error={errors.name}
              help={replaces ? `Replaces the saved context "${form.name.trim()}".` : "The tab's and the saved context's name."}
            >
              <input className="input" data-testid="attach-name" autoFocus spellCheck={false} {...text("name")} />
            </Field>
            <Field label="Lattice" error={errors.lattice}>
              <input className="input" data-testid="attach-lattice" spellCheck={false} {...text("lattice")} />
            </Field>
            <Field
              wide
              label="Server URLs"
              error={errors.urls}
              help={
                <>
                  Comma separated: nats://host:4222, tls://host:4222 (TLS), ws://host:8080 or wss://host:443
                  (websocket).{usesWebsocket(form) ? " Websocket URL: the server's websocket port." : ""}
                </>
              }
            >
              <input
                className="input"
                data-testid="attach-urls"
                placeholder="nats://127.0.0.1:4222"
                spellCheck={false}
                {...text("urls")}
              />
            </Field>
          </fieldset>

          <fieldset className="attach__section">
            <legend>Authentication</legend>
            <Field label="Mode">
              <select
                className="input"
                data-testid="attach-auth-mode"
                value={mode}
                onChange={(e) => set("authMode")(e.target.value as AuthMode)}
              >
                {AUTH_MODES.map((m) => (
                  <option key={m.mode} value={m.mode}>
                    {m.label}
                  </option>
                ))}
              </select>
            </Field>
            {mode === "user_password" && (
              <>
                <Field label="User" error={errors.user}>
                  <input className="input" data-testid="attach-user" spellCheck={false} {...text("user")} />
                </Field>
                <Field label="Password" error={errors.password}>
                  <input
                    className="input"
                    type="password"
                    autoComplete="new-password"
                    data-testid="attach-password"
                    {...text("password")}
                  />
                </Field>
              </>
            )}
            {mode === "token" && (
              <Field label="Token" error={errors.token}>
                <input
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  data-testid="attach-token"
                  {...text("token")}
                />
              </Field>
            )}
            {mode === "creds_file" && (
              <Field label="Creds file" error={errors.credsPath} help="Path of a .creds file (user JWT and seed); read when connecting.">
                <input
                  className="input"
                  data-testid="attach-creds"
                  placeholder="/path/to/user.creds"
                  spellCheck={false}
                  {...text("credsPath")}
                />
              </Field>
            )}
            {mode === "jwt_seed" && (
              <Field label="User JWT" error={errors.jwt}>
                <input
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  data-testid="attach-jwt"
                  {...text("jwt")}
                />
              </Field>
            )}
            {(mode === "jwt_seed" || mode === "nkey_seed") && (
              <Field label={mode === "jwt_seed" ? "User seed" : "NKey seed"} error={errors.seed} help="Starts with SU.">
                <input
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  data-testid="attach-seed"
                  {...text("seed")}
                />
              </Field>
            )}
          </fieldset>

          <fieldset className="attach__section">
            <legend>TLS</legend>
            <Field label="CA file" error={errors.caFile} help="PEM; trusted besides the system roots.">
              <input className="input" data-testid="attach-tls-ca" spellCheck={false} placeholder="optional" {...text("caFile")} />
            </Field>
            <Field label="Client cert" error={errors.certFile}>
              <input
                className="input"
                data-testid="attach-tls-cert"
                spellCheck={false}
                placeholder="optional (PEM)"
                {...text("certFile")}
              />
            </Field>
            <Field label="Client key" error={errors.keyFile}>
              <input
                className="input"
                data-testid="attach-tls-key"
                spellCheck={false}
                placeholder="optional (PEM)"
                {...text("keyFile")}
              />
            </Field>
            <div className="attach__checks">
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="attach-tls-first"
                  checked={form.tlsFirst}
                  onChange={(e) => set("tlsFirst")(e.target.checked)}
                />
                TLS first (server has handshake_first)
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="attach-tls-required"
                  checked={form.tlsRequired}
                  onChange={(e) => set("tlsRequired")(e.target.checked)}
                />
                Require TLS
              </label>
            </div>
          </fieldset>

          <fieldset className="attach__section">
            <legend>Lattice details</legend>
            <Field label="JetStream domain" error={errors.jsDomain}>
              <input
                className="input"
                data-testid="attach-js-domain"
                spellCheck={false}
                placeholder="optional (leaf nodes, hosted NATS)"
                {...text("jsDomain")}
              />
            </Field>
            <Field label="Ctl prefix" error={errors.ctlPrefix}>
              <input className="input" data-testid="attach-ctl-prefix" spellCheck={false} {...text("ctlPrefix")} />
            </Field>
            <Field label="Request timeout (ms)" error={errors.timeoutMs}>
              <input className="input" inputMode="numeric" data-testid="attach-timeout" {...text("timeoutMs")} />
            </Field>
            <Field label="Host ping window (ms)" error={errors.scatterWindowMs}>
              <input className="input" inputMode="numeric" data-testid="attach-scatter" {...text("scatterWindowMs")} />
            </Field>
            <Field label="Connect timeout (ms)" error={errors.connectTimeoutMs}>
              <input className="input" inputMode="numeric" data-testid="attach-connect-timeout" {...text("connectTimeoutMs")} />
            </Field>
            <Field label="Description" error={errors.description}>
              <input className="input" data-testid="attach-description" placeholder="optional" {...text("description")} />
            </Field>
          </fieldset>
        </form>

        {report && (
          <div
            className={"attach__report" + (failed ? " attach__report--failed" : " attach__report--ok")}
            data-testid="attach-report"
            role="status"
          >
            <div className="attach__report-summary">
              <span className="mono">{report.url}</span> · lattice <span className="mono">{report.lattice}</span>:{" "}
              {reportSummary(report)}
            </div>
            <ol className="attach__steps">
              {report.steps.map((s) => (
                <li
                  key={s.step}
                  className={`attach__step attach__step--${s.outcome}`}
                  data-testid={`attach-step-${s.step}`}
                  data-outcome={s.outcome}
                >
                  <span className="attach__mark" aria-label={s.outcome}>
                    {stepMark(s.outcome)}
                  </span>
                  <span className="attach__step-name">
                    {stepLabel(s.step)}
                    {s.detail ? `: ${s.detail}` : ""}
                  </span>
                  {s.outcome !== "skipped" && <span className="attach__ms muted">{s.duration_ms} ms</span>}
                </li>
              ))}
            </ol>
          </div>
        )}

        {checked && firstProblem(errors) && (
          <div className="attach__error" role="alert" data-testid="attach-invalid">
            {firstProblem(errors)}
          </div>
        )}
        {error && (
          <div className="attach__error" role="alert" data-testid="attach-error">
            {error.action === "test" ? "Test failed: " : error.action === "save" ? "Not saved: " : ""}
            {error.message}
            {error.action === "attach" && <span className="attach__note"> Nothing was saved.</span>}
          </div>
        )}
        {saved && (
          <div className="attach__ok" role="status" data-testid="attach-saved">
            Saved as {saved}.
          </div>
        )}

        <div className="attach__buttons">
          {busy && (
            <span className="muted attach__busy">
              {busy.action === "test" ? "Testing" : busy.action === "save" ? "Saving" : "Connecting"}…{" "}
              <Elapsed since={busy.since} />
            </span>
          )}
          <button type="button" className="btn" data-testid="attach-test" disabled={busy !== null} onClick={() => run("test")}>
            Test connection
          </button>
          <span className="attach__spacer" />
          <button type="button" className="btn" data-testid="attach-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn" data-testid="attach-save" disabled={busy !== null} onClick={() => run("save")}>
            Save
          </button>
          <button
            type="button"
            className="btn btn--primary"
            data-testid="attach-submit"
            disabled={busy !== null}
            onClick={() => run("attach")}
          >
            Attach
          </button>
        </div>
      </div>
    </div>
  );
}
