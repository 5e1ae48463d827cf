// The Attach dialog's form as plain strings and flags, its conversion to and from the
// `Context` the backend takes, and its validation. Pure: no React, no API calls.
//
// The checks mirror `Context::validate` and the contexts store's name check on the Rust
// side (crates/lattice/src/context.rs, store.rs), so the user sees a problem next to the
// field before anything is sent; the backend checks again and its message is shown as is.
//
// The form holds secrets (password, token, JWT, seeds) while the dialog is open. They are
// never persisted or logged from here: the form lives in component state only.
import type { Auth, Context } from "../api";
import { LOCAL_SESSION } from "../api";

/** Defaults of a new context, as `Context::new` has them (crates/lattice/src/context.rs). */
export const DEFAULTS = {
  lattice: "default",
  ctlPrefix: "wasmbus.ctl",
  timeoutMs: 2000,
  scatterWindowMs: 2000,
  connectTimeoutMs: 5000,
} as const;

/** The authentication modes, in the order the select lists them. */
export const AUTH_MODES = [
  { mode: "none", label: "None" },
  { mode: "user_password", label: "User and password" },
  { mode: "token", label: "Token" },
  { mode: "creds_file", label: "Creds file" },
  { mode: "jwt_seed", label: "JWT and seed" },
  { mode: "nkey_seed", label: "NKey seed" },
] as const;

/** One authentication mode's name (`Auth["mode"]`). */
export type AuthMode = (typeof AUTH_MODES)[number]["mode"];

/** The URL schemes a context accepts. */
export const URL_SCHEMES = ["nats", "tls", "ws", "wss"] as const;

/** What the dialog edits: every field of a `Context`, plus the name to save it as. */
export interface ContextForm {
  name: string;
  /** Comma separated. */
  urls: string;
  lattice: string;
  ctlPrefix: string;
  authMode: AuthMode;
  user: string;
  password: string;
  token: string;
  credsPath: string;
  jwt: string;
  /** The seed of `jwt_seed` and of `nkey_seed`. */
  seed: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  tlsFirst: boolean;
  tlsRequired: boolean;
  jsDomain: string;
  /** Milliseconds, as typed. */
  timeoutMs: string;
  scatterWindowMs: string;
  connectTimeoutMs: string;
  description: string;
}

/** The fields of the form that can carry a problem. */
export type FormField = keyof ContextForm;

/** Problems by field; an empty object when the form is usable. */
export type FormErrors = Partial<Record<FormField, string>>;

/** An empty form with the defaults filled in. */
export function emptyForm(): ContextForm {
  return {
    name: "",
    urls: "",
    lattice: DEFAULTS.lattice,
    ctlPrefix: DEFAULTS.ctlPrefix,
    authMode: "none",
    user: "",
    password: "",
    token: "",
    credsPath: "",
    jwt: "",
    seed: "",
    caFile: "",
    certFile: "",
    keyFile: "",
    tlsFirst: false,
    tlsRequired: false,
    jsDomain: "",
    timeoutMs: String(DEFAULTS.timeoutMs),
    scatterWindowMs: String(DEFAULTS.scatterWindowMs),
    connectTimeoutMs: String(DEFAULTS.connectTimeoutMs),
    description: "",
  };
}

/** The URLs of a comma separated list, trimmed, blanks dropped. */
export function splitUrls(text: string): string[] {
  return text
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}

/** `url` without user info (`nats://u:pw@h:1` → `nats://h:1`), for messages. */
export function withoutUserInfo(url: string): string {
  const schemeEnd = url.indexOf("://");
  const start = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const authorityEnd = url.indexOf("/", start);
  const authority = authorityEnd === -1 ? url.slice(start) : url.slice(start, authorityEnd);
  const at = authority.lastIndexOf("@");
  if (at === -1) return url;
  return url.slice(0, start) + url.slice(start + at + 1);
}

/** Why `url` cannot be a NATS server URL, or null. Mirrors `validate_url` in Rust. */
export function urlProblem(url: string): string | null {
  const shown = withoutUserInfo(url);
  let rest = shown;
  const sep = shown.indexOf("://");
  if (sep !== -1) {
    const scheme = shown.slice(0, sep);
    if (!(URL_SCHEMES as readonly string[]).includes(scheme)) {
      return `URL "${shown}" has scheme "${scheme}"; expected nats, tls, ws or wss`;
    }
    rest = shown.slice(sep + 3);
  }
  const hostPort = rest.split("/")[0] ?? "";
  if (hostPort === "" || /\s/.test(hostPort)) return `URL "${shown}" names no host`;
  const colon = hostPort.lastIndexOf(":");
  if (colon !== -1 && !hostPort.endsWith("]")) {
    const port = hostPort.slice(colon + 1);
    const n = Number(port);
    if (!/^\d+$/.test(port) || n > 65535) return `URL "${shown}" has an invalid port "${port}"`;
  }
  return null;
}

/** Why `name` cannot name a saved context and session, or null. */
export function nameProblem(name: string): string | null {
  if (name.trim() === "") return "Give the context a name.";
  if (name !== name.trim()) return "The name must not start or end with spaces.";
  if (/[/\\]/.test(name)) return "The name must not contain '/' or '\\'.";
  if (name === LOCAL_SESSION) return `"${LOCAL_SESSION}" is the app's local lattice: pick another name.`;
  return null;
}

/** Why `lattice` cannot be a lattice name, or null. Mirrors `validate_lattice_name`. */
export function latticeProblem(lattice: string): string | null {
  if (lattice === "") return "Enter a lattice name (usually \"default\").";
  if (!/^[A-Za-z0-9_-]+$/.test(lattice)) {
    return `Lattice "${lattice}" may only contain ASCII letters, digits, '-' and '_'.`;
  }
  return null;
}

/** Why `prefix` cannot be a ctl subject prefix, or null. */
export function ctlPrefixProblem(prefix: string): string | null {
  if (prefix === "" || prefix.split(".").some((t) => t === "" || /[*>\s]/.test(t))) {
    return `Ctl prefix "${prefix}" is not a sequence of NATS subject tokens (like wasmbus.ctl).`;
  }
  return null;
}

function millisProblem(text: string, what: string): string | null {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) <= 0) return `${what} must be a whole number of milliseconds above zero.`;
  if (!Number.isSafeInteger(Number(t))) return `${what} is too large.`;
  return null;
}

/**
 * The form's problems by field. `needName` is false for **Test connection**, which
 * saves nothing and so needs no name.
 */
export function validateForm(form: ContextForm, needName = true): FormErrors {
  const errors: FormErrors = {};
  if (needName) {
    const p = nameProblem(form.name);
    if (p) errors.name = p;
  }
  const urls = splitUrls(form.urls);
  if (urls.length === 0) {
    errors.urls = "Enter at least one server URL, such as nats://127.0.0.1:4222.";
  } else {
    for (const url of urls) {
      const p = urlProblem(url);
      if (p) {
        errors.urls = p;
        break;
      }
    }
  }
  const lattice = latticeProblem(form.lattice.trim());
  if (lattice) errors.lattice = lattice;
  const prefix = ctlPrefixProblem(form.ctlPrefix.trim());
  if (prefix) errors.ctlPrefix = prefix;
  switch (form.authMode) {
    case "user_password":
      if (form.user.trim() === "") errors.user = "Enter the user name.";
      break;
    case "token":
      if (form.token === "") errors.token = "Enter the token.";
      break;
    case "creds_file":
      if (form.credsPath.trim() === "") errors.credsPath = "Enter the path of the .creds file.";
      break;
    case "jwt_seed":
      if (form.jwt.trim() === "") errors.jwt = "Enter the user JWT.";
      if (form.seed.trim() === "") errors.seed = "Enter the user seed (SU…).";
      break;
    case "nkey_seed":
      if (form.seed.trim() === "") errors.seed = "Enter the nkey seed (SU…).";
      break;
    case "none":
      break;
  }
  if ((form.certFile.trim() === "") !== (form.keyFile.trim() === "")) {
    const msg = "A TLS client certificate needs both a cert file and a key file.";
    if (form.certFile.trim() === "") errors.certFile = msg;
    else errors.keyFile = msg;
  }
  const timeouts: [FormField, string, string][] = [
    ["timeoutMs", form.timeoutMs, "The request timeout"],
    ["scatterWindowMs", form.scatterWindowMs, "The scatter window"],
    ["connectTimeoutMs", form.connectTimeoutMs, "The connect timeout"],
  ];
  for (const [field, text, what] of timeouts) {
    const p = millisProblem(text, what);
    if (p) errors[field] = p;
  }
  return errors;
}

/** The first problem of `errors` in form order, for a one-line summary. */
export function firstProblem(errors: FormErrors): string | null {
  for (const field of Object.keys(emptyForm()) as FormField[]) {
    const p = errors[field];
    if (p) return p;
  }
  return null;
}

function optional(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/** The `Auth` the form describes (only the fields of its mode). */
export function formAuth(form: ContextForm): Auth {
  switch (form.authMode) {
    case "none":
      return { mode: "none" };
    case "user_password":
      return { mode: "user_password", user: form.user.trim(), password: form.password };
    case "token":
      return { mode: "token", token: form.token };
    case "creds_file":
      return { mode: "creds_file", path: form.credsPath.trim() };
    case "jwt_seed":
      return { mode: "jwt_seed", jwt: form.jwt.trim(), seed: form.seed.trim() };
    case "nkey_seed":
      return { mode: "nkey_seed", seed: form.seed.trim() };
  }
}

/** The `Context` the form describes. Call `validateForm` first: this only converts. */
export function formToContext(form: ContextForm): Context {
  return {
    urls: splitUrls(form.urls),
    lattice: form.lattice.trim(),
    ctl_prefix: form.ctlPrefix.trim(),
    auth: formAuth(form),
    tls: {
      ca_file: optional(form.caFile),
      cert_file: optional(form.certFile),
      key_file: optional(form.keyFile),
      tls_first: form.tlsFirst,
      required: form.tlsRequired,
    },
    js_domain: optional(form.jsDomain),
    timeout_ms: Number(form.timeoutMs.trim()),
    scatter_window_ms: Number(form.scatterWindowMs.trim()),
    connect_timeout_ms: Number(form.connectTimeoutMs.trim()),
    description: optional(form.description),
  };
}

/** The form showing `context` saved as `name` (the inverse of `formToContext`). */
export function contextToForm(name: string, context: Context): ContextForm {
  const form: ContextForm = {
    ...emptyForm(),
    name,
    urls: context.urls.join(", "),
    lattice: context.lattice,
    ctlPrefix: context.ctl_prefix,
    authMode: context.auth.mode,
    caFile: context.tls.ca_file ?? "",
    certFile: context.tls.cert_file ?? "",
    keyFile: context.tls.key_file ?? "",
    tlsFirst: context.tls.tls_first ?? false,
    tlsRequired: context.tls.required ?? false,
    jsDomain: context.js_domain ?? "",
    timeoutMs: String(context.timeout_ms),
    scatterWindowMs: String(context.scatter_window_ms),
    connectTimeoutMs: String(context.connect_timeout_ms),
    description: context.description ?? "",
  };
  const auth = context.auth;
  switch (auth.mode) {
    case "none":
      break;
    case "user_password":
      form.user = auth.user;
      form.password = auth.password;
      break;
    case "token":
      form.token = auth.token;
      break;
    case "creds_file":
      form.credsPath = auth.path;
      break;
    case "jwt_seed":
      form.jwt = auth.jwt;
      form.seed = auth.seed;
      break;
    case "nkey_seed":
      form.seed = auth.seed;
      break;
  }
  return form;
}

/** Whether any URL of the form is a websocket one (`ws://`, `wss://`). */
export function usesWebsocket(form: ContextForm): boolean {
  return splitUrls(form.urls).some((u) => /^wss?:\/\//.test(u));
}
