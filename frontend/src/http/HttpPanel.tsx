// HTTP: send one request to the selected component through the http-server link that serves
// it (the same call as `trellis http`), and show the status, time, headers and body. Earlier
// requests stay in a short history that fills the form again.
import { useState } from "react";
import { httpRequest, toApiError, type HttpReply } from "../api";
import {
  bodyNote,
  bodyShown,
  headersToSend,
  METHODS,
  requestPath,
  splitHeaderLine,
  statusTone,
  type HeaderRow,
} from "./request";
import "./http.css";

interface Props {
  componentId: string;
}

/** What was sent, as the form held it. */
interface Sent {
  method: string;
  path: string;
  rows: HeaderRow[];
  body: string;
}

/** One request and its outcome: the reply, or the refusal. */
interface Done {
  sent: Sent;
  reply: HttpReply | null;
  error: string | null;
}

const EMPTY_ROW: HeaderRow = { name: "", value: "" };

/** The HTTP section of the component inspector, for a component exporting `wasi:http/incoming-handler`. */
export function HttpPanel({ componentId }: Props) {
  const [method, setMethod] = useState<string>("GET");
  const [path, setPath] = useState("/");
  const [rows, setRows] = useState<HeaderRow[]>([EMPTY_ROW]);
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<Done[]>([]);
  const { headers, problem } = headersToSend(rows);

  const setRow = (i: number, row: HeaderRow) => setRows((all) => all.map((r, j) => (j === i ? row : r)));
  const send = () => {
    if (busy || problem) return;
    setBusy(true);
    const sent: Sent = { method, path: requestPath(path), rows, body };
    httpRequest(componentId, sent.method, sent.path, headers, body)
      .then((reply): Done => ({ sent, reply, error: null }))
      .catch((err: unknown): Done => ({ sent, reply: null, error: toApiError(err).message }))
      .then((done) => setHistory((h) => [done, ...h].slice(0, 10)))
      .finally(() => setBusy(false));
  };
  const restore = (sent: Sent) => {
    setMethod(sent.method);
    setPath(sent.path);
    setRows(sent.rows.length > 0 ? sent.rows : [EMPTY_ROW]);
    setBody(sent.body);
  };
  const last = history[0];

  return (
    <div className="http" data-testid="http">
      <h3 className="panel__subtitle">HTTP</h3>
      <div className="http__line">
        <select
          className="input mono http__method"
          value={method}
          onChange={(e) => setMethod(e.target.value)}
          aria-label="method"
          data-testid="http-method"
        >
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <input
          className="input mono http__path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") send();
          }}
          placeholder="/path?query"
          aria-label="path"
          spellCheck={false}
          data-testid="http-path"
        />
      </div>
      <div className="http__headers" data-testid="http-headers">
        {rows.map((row, i) => (
          <div key={i} className="http__header-row">
            <input
              className="input input--small mono"
              value={row.name}
              // A pasted `Name: value` line fills both fields.
              onChange={(e) => setRow(i, splitHeaderLine(e.target.value) ?? { ...row, name: e.target.value })}
              placeholder="Header"
              aria-label="header name"
              spellCheck={false}
              data-testid="http-header-name"
            />
            <input
              className="input input--small mono"
              value={row.value}
              onChange={(e) => setRow(i, { ...row, value: e.target.value })}
              placeholder="value"
              aria-label="header value"
              spellCheck={false}
              data-testid="http-header-value"
            />
            <button
              type="button"
              className="btn btn--ghost http__remove"
              title="Remove this header"
              aria-label="remove header"
              onClick={() => setRows((all) => (all.length > 1 ? all.filter((_, j) => j !== i) : [EMPTY_ROW]))}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="link-button http__add"
          onClick={() => setRows((all) => [...all, EMPTY_ROW])}
          data-testid="http-add-header"
        >
          + header
        </button>
      </div>
      <textarea
        className="input mono http__body"
        value={body}
        onChange={(e) => setBody(e.target.value)}
        placeholder="body (text)"
        aria-label="request body"
        rows={3}
        spellCheck={false}
        data-testid="http-body"
      />
      <button
        type="button"
        className="btn btn--primary"
        disabled={busy || problem !== null}
        onClick={send}
        data-testid="http-send"
      >
        {busy ? "Sending…" : "Send"}
      </button>
      {problem && (
        <span className="http__problem" data-testid="http-problem">
          {problem}
        </span>
      )}
      {last?.error && (
        <pre className="http__error mono selectable" role="alert" data-testid="http-error">
          {last.error}
        </pre>
      )}
      {last?.reply && <Reply reply={last.reply} />}
      {history.length > 1 && (
        <ul className="invoke__history http__history" data-testid="http-history">
          {history.slice(1).map((h, i) => (
            <li key={i}>
              <button
                type="button"
                className="link-button mono"
                title="Fill the form with this request"
                onClick={() => restore(h.sent)}
              >
                {h.sent.method} {h.sent.path} →{" "}
                {h.reply ? `${h.reply.status} · ${h.reply.elapsed_ms.toFixed(1)} ms` : "refused"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A reply: status and time, where it went, headers, body. */
function Reply({ reply }: { reply: HttpReply }) {
  return (
    <div className="http__reply" role="status" data-testid="http-reply">
      <div className="http__summary">
        <span className={`http__status http__status--${statusTone(reply.status)} mono`} data-testid="http-status">
          {reply.status} {reply.reason}
        </span>
        <span className="mono muted" data-testid="http-time">
          {reply.elapsed_ms.toFixed(1)} ms
        </span>
        <span className="muted">{bodyNote(reply)}</span>
      </div>
      <div className="http__url mono muted selectable" title={`through http-server ${reply.provider_id}`}>
        {reply.url}
      </div>
      <details className="http__reply-headers">
        <summary>
          headers <span className="muted">({reply.headers.length})</span>
        </summary>
        <dl className="kv kv--labels" data-testid="http-response-headers">
          {reply.headers.map((h, i) => (
            <div key={i} className="kv__row">
              <dt className="mono">{h.name}</dt>
              <dd className="mono selectable wrap">{h.value}</dd>
            </div>
          ))}
        </dl>
      </details>
      <pre className="http__response-body mono selectable" data-testid="http-response-body">
        {bodyShown(reply) || <span className="muted">(empty body)</span>}
      </pre>
    </div>
  );
}
