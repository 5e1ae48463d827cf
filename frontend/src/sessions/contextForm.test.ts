import { describe, expect, it } from "vitest";
import type { Context } from "../api";
import {
  AUTH_MODES,
  contextToForm,
  emptyForm,
  firstProblem,
  formToContext,
  splitUrls,
  urlProblem,
  usesWebsocket,
  validateForm,
  withoutUserInfo,
  type ContextForm,
} from "./contextForm";

function form(patch: Partial<ContextForm>): ContextForm {
  return { ...emptyForm(), name: "prod", urls: "nats://10.0.0.5:4222", ...patch };
}

/** One context per auth mode, with every other field set too. */
const CONTEXTS: Context[] = [
  { mode: "none" } as const,
  { mode: "user_password", user: "me", password: "pw secret " } as const,
  { mode: "token", token: "tok-secret" } as const,
  { mode: "creds_file", path: "/home/me/.nkeys/user.creds" } as const,
  { mode: "jwt_seed", jwt: "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5In0.x.y", seed: "SUAbc" } as const,
  { mode: "nkey_seed", seed: "SUAnkey" } as const,
].map((auth) => ({
  urls: ["tls://a.example:4222", "wss://b.example:443"],
  lattice: "prod-1",
  ctl_prefix: "acme.ctl",
  auth,
  tls: { ca_file: "/ca.pem", cert_file: "/c.pem", key_file: "/k.pem", tls_first: true, required: true },
  js_domain: "leaf",
  timeout_ms: 3000,
  scatter_window_ms: 1500,
  connect_timeout_ms: 7000,
  description: "the prod lattice",
}));

describe("form ↔ Context", () => {
  it("round-trips every auth mode with every field", () => {
    expect(CONTEXTS.map((c) => c.auth.mode)).toEqual(AUTH_MODES.map((m) => m.mode));
    for (const context of CONTEXTS) {
      const f = contextToForm("prod", context);
      expect(f.authMode).toBe(context.auth.mode);
      expect(validateForm(f)).toEqual({});
      expect(formToContext(f)).toEqual(context);
    }
  });

  it("maps a default form to the defaults of Context::new", () => {
    const context = formToContext(form({ urls: " nats://h:4222 , ,ws://h:8080 " }));
    expect(context).toEqual({
      urls: ["nats://h:4222", "ws://h:8080"],
      lattice: "default",
      ctl_prefix: "wasmbus.ctl",
      auth: { mode: "none" },
      tls: { ca_file: null, cert_file: null, key_file: null, tls_first: false, required: false },
      js_domain: null,
      timeout_ms: 2000,
      scatter_window_ms: 2000,
      connect_timeout_ms: 5000,
      description: null,
    });
  });

  it("sends only the fields of the chosen mode", () => {
    const f = form({ authMode: "token", user: "me", password: "pw", token: "t", seed: "SU" });
    expect(formToContext(f).auth).toEqual({ mode: "token", token: "t" });
    expect(formToContext({ ...f, authMode: "nkey_seed" }).auth).toEqual({ mode: "nkey_seed", seed: "SU" });
    // A password is sent as typed (spaces may belong to it); a user name is trimmed.
    expect(formToContext({ ...f, authMode: "user_password", user: " me ", password: " p " }).auth).toEqual({
      mode: "user_password",
      user: "me",
      password: " p ",
    });
  });

  it("splits URLs on commas and spots websocket ones", () => {
    expect(splitUrls("a:1, b:2,,")).toEqual(["a:1", "b:2"]);
    expect(usesWebsocket(form({ urls: "nats://a:1" }))).toBe(false);
    expect(usesWebsocket(form({ urls: "nats://a:1, wss://b:443" }))).toBe(true);
  });
});

describe("validation", () => {
  it("accepts a plain form", () => {
    expect(validateForm(form({}))).toEqual({});
    expect(firstProblem(validateForm(form({})))).toBeNull();
  });

  it("refuses an empty name, a name with a slash or spaces around, and the local lattice's name", () => {
    expect(validateForm(form({ name: "" })).name).toBe("Give the context a name.");
    expect(validateForm(form({ name: "   " })).name).toBe("Give the context a name.");
    expect(validateForm(form({ name: "a/b" })).name).toMatch(/'\/'/);
    expect(validateForm(form({ name: " prod" })).name).toMatch(/spaces/);
    expect(validateForm(form({ name: "local" })).name).toBe(`"local" is the app's local lattice: pick another name.`);
  });

  it("needs no name to test a connection", () => {
    expect(validateForm(form({ name: "" }), false)).toEqual({});
    expect(validateForm(form({ name: "local" }), false)).toEqual({});
  });

  it("needs a URL with a known scheme, a host and a port that is a number", () => {
    expect(validateForm(form({ urls: "" })).urls).toMatch(/at least one server URL/);
    expect(validateForm(form({ urls: " , " })).urls).toMatch(/at least one server URL/);
    expect(validateForm(form({ urls: "http://h:4222" })).urls).toBe(
      `URL "http://h:4222" has scheme "http"; expected nats, tls, ws or wss`,
    );
    expect(validateForm(form({ urls: "nats://a:1, https://b" })).urls).toMatch(/scheme "https"/);
    expect(urlProblem("nats://")).toMatch(/names no host/);
    expect(urlProblem("nats://h:port")).toMatch(/invalid port "port"/);
    expect(urlProblem("nats://h:70000")).toMatch(/invalid port/);
    for (const ok of ["h", "h:4222", "nats://h:4222", "tls://h:1", "ws://h:8080/path", "wss://h", "nats://[::1]:4222"]) {
      expect(urlProblem(ok), ok).toBeNull();
    }
  });

  it("never repeats the user info of a URL in a message", () => {
    const problem = urlProblem("http://me:hunter2@h:4222");
    expect(problem).toBe(`URL "http://h:4222" has scheme "http"; expected nats, tls, ws or wss`);
    expect(withoutUserInfo("nats://tok@h:1/x@y")).toBe("nats://h:1/x@y");
    expect(withoutUserInfo("nats://h:1")).toBe("nats://h:1");
  });

  it("checks the lattice name and ctl prefix like the Rust side", () => {
    expect(validateForm(form({ lattice: "" })).lattice).toMatch(/Enter a lattice name/);
    expect(validateForm(form({ lattice: "a.b" })).lattice).toMatch(/letters, digits/);
    expect(validateForm(form({ lattice: "a_b-1" })).lattice).toBeUndefined();
    expect(validateForm(form({ ctlPrefix: "wasmbus..ctl" })).ctlPrefix).toMatch(/subject tokens/);
    expect(validateForm(form({ ctlPrefix: "a.*" })).ctlPrefix).toMatch(/subject tokens/);
    expect(validateForm(form({ ctlPrefix: "" })).ctlPrefix).toMatch(/subject tokens/);
  });

  it("asks for the fields of each auth mode", () => {
    expect(validateForm(form({ authMode: "user_password" })).user).toBe("Enter the user name.");
    expect(validateForm(form({ authMode: "token" })).token).toBe("Enter the token.");
    expect(validateForm(form({ authMode: "creds_file" })).credsPath).toMatch(/\.creds/);
    const jwt = validateForm(form({ authMode: "jwt_seed" }));
    expect(jwt.jwt).toBeDefined();
    expect(jwt.seed).toBeDefined();
    expect(validateForm(form({ authMode: "nkey_seed" })).seed).toMatch(/nkey seed/);
    // Fields of another mode are not asked for.
    expect(validateForm(form({ authMode: "none" }))).toEqual({});
  });

  it("needs both client cert and key, and timeouts above zero", () => {
    expect(validateForm(form({ certFile: "/c.pem" })).keyFile).toMatch(/both a cert file and a key file/);
    expect(validateForm(form({ keyFile: "/k.pem" })).certFile).toMatch(/both a cert file and a key file/);
    expect(validateForm(form({ timeoutMs: "0" })).timeoutMs).toMatch(/above zero/);
    expect(validateForm(form({ timeoutMs: "2s" })).timeoutMs).toMatch(/whole number/);
    expect(validateForm(form({ connectTimeoutMs: "" })).connectTimeoutMs).toMatch(/connect timeout/);
    expect(validateForm(form({ scatterWindowMs: "99999999999999999999" })).scatterWindowMs).toMatch(/too large/);
  });

  it("gives the first problem in form order", () => {
    expect(firstProblem(validateForm(form({ name: "", urls: "" })))).toBe("Give the context a name.");
    expect(firstProblem(validateForm(form({ urls: "", lattice: "" })))).toMatch(/server URL/);
  });
});
