// Short, human-readable summaries of lattice events for the Events tab. Pure.
import type { CloudEvent } from "../api";

const PREFIX = "com.wasmcloud.lattice.";

/** `host_started` from `com.wasmcloud.lattice.host_started`; other types unchanged. */
export function eventKind(type: string): string {
  return type.startsWith(PREFIX) ? type.slice(PREFIX.length) : type;
}

/** A one-line description of the event's subject: the component, provider, link or host it is about. */
export function eventSummary(event: CloudEvent): string {
  const data = (typeof event.data === "object" && event.data !== null ? event.data : {}) as Record<string, unknown>;
  const str = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : undefined);
  const parts: string[] = [];
  const subject =
    str("component_id") ?? str("provider_id") ?? str("config_name") ?? str("friendly_name") ?? str("source_id");
  if (subject) parts.push(subject);
  if (str("target")) parts.push(`→ ${str("target")}`);
  if (typeof data["max_instances"] === "number") parts.push(`×${data["max_instances"]}`);
  if (str("error")) parts.push(`error: ${str("error")}`);
  return parts.join(" ");
}

/** Whether the event is a failure worth highlighting. */
export function isFailure(event: CloudEvent): boolean {
  const kind = eventKind(event.type);
  return kind.endsWith("_failed") || kind === "health_check_failed";
}

/** Whether the set of hosts may have changed, so the host list should be refreshed now. */
export function changesHosts(event: CloudEvent): boolean {
  const kind = eventKind(event.type);
  return kind === "host_started" || kind === "host_stopped" || kind === "labels_changed";
}
