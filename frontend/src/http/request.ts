// The HTTP tab's pure parts: which components it applies to, header rows to what is sent
// (with the problem that blocks Send), and how a reply is shown.
import type { ComponentWit, HttpHeader, HttpReply } from "../api";

/** Methods offered in the select; anything else can still be typed with the CLI. */
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** One row of the headers editor. */
export interface HeaderRow {
  name: string;
  value: string;
}

/** Whether the component exports `wasi:http/incoming-handler`, so an http-server can serve it. */
export function servesHttp(wit: ComponentWit | null): boolean {
  return (wit?.exports ?? []).some((e) => e.item === "interface" && e.name.startsWith("wasi:http/incoming-handler"));
}

/** `Name: value` split at the first colon; `null` when there is no colon or no name. */
export function splitHeaderLine(line: string): HeaderRow | null {
  const colon = line.indexOf(":");
  if (colon <= 0) return null;
  const name = line.slice(0, colon).trim();
  return name ? { name, value: line.slice(colon + 1).trim() } : null;
}

// RFC 9110 token characters: what a header name may hold.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The rows to send (blank rows dropped, names and values trimmed) and the first problem, if any. */
export function headersToSend(rows: readonly HeaderRow[]): { headers: HttpHeader[]; problem: string | null } {
  const headers: HttpHeader[] = [];
  let problem: string | null = null;
  for (const row of rows) {
    const name = row.name.trim();
    const value = row.value.trim();
    if (!name && !value) continue;
    if (!name) problem ??= `header value "${value}" has no name`;
    else if (!TOKEN.test(name)) problem ??= `header name "${name}" is not valid (letters, digits and -, no spaces)`;
    else if (/[\r\n]/.test(row.value)) problem ??= `the value of header ${name} has a line break`;
    headers.push({ name, value });
  }
  return { headers, problem };
}

/** `path` with the leading `/` the request target needs. */
export function requestPath(path: string): string {
  const trimmed = path.trim();
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** The colour class of a status: 2xx ok, 3xx redirect, 4xx client error, 5xx server error. */
export function statusTone(status: number): "info" | "ok" | "redirect" | "client" | "server" {
  if (status >= 500) return "server";
  if (status >= 400) return "client";
  if (status >= 300) return "redirect";
  if (status >= 200) return "ok";
  return "info";
}

/** `512 B`, `1.5 KiB`, `1.0 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The body as shown: the text, or the base64 of bytes that are not UTF-8 under a note saying so. */
export function bodyShown(reply: HttpReply): string {
  if (reply.encoding === "text") return reply.body;
  return `(${formatBytes(reply.body_bytes)} that are not UTF-8, as base64)\n${reply.body}`;
}

/** A short line about the body: its size, and whether it was cut. */
export function bodyNote(reply: HttpReply): string {
  const size = formatBytes(reply.body_bytes);
  return reply.truncated ? `${size}, cut there (the rest was not read)` : size;
}
