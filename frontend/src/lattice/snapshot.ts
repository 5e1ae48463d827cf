// Keeps a copy of the lattice model current from `trellis://model` changes. Pure: each
// change gives a new snapshot (the input is never mutated), so React sees every update.
import type { HostSnapshot, Link, LinkKey, ModelEvent, ModelSnapshot } from "../api";

/** A snapshot with nothing in it. */
export const EMPTY_SNAPSHOT: ModelSnapshot = { hosts: [], links: [], configs: [], v2_hosts: [] };

/** Whether a link has this key. */
function hasKey(link: Link, key: LinkKey): boolean {
  return (
    link.source_id === key.source_id &&
    link.wit_namespace === key.wit_namespace &&
    link.wit_package === key.wit_package &&
    link.name === key.name
  );
}

/** Replaces the host `hostId` (adding an empty one if unknown) with `edit(host)`. */
function editHost(snapshot: ModelSnapshot, hostId: string, edit: (host: HostSnapshot) => HostSnapshot): ModelSnapshot {
  const known = snapshot.hosts.some((h) => h.host.id === hostId);
  const hosts = known
    ? snapshot.hosts.map((h) => (h.host.id === hostId ? edit(h) : h))
    : [
        ...snapshot.hosts,
        edit({
          host: { id: hostId, friendly_name: "", labels: {}, version: "", uptime_seconds: 0 },
          components: [],
          providers: [],
        }),
      ];
  return { ...snapshot, hosts };
}

/** Upserts by `id`, keeping the order stable. */
function upsert<T extends { id: string }>(items: readonly T[], item: T): T[] {
  return items.some((i) => i.id === item.id) ? items.map((i) => (i.id === item.id ? item : i)) : [...items, item];
}

/**
 * The snapshot after `change`, or `null` when the change asks for a fresh snapshot
 * (`resync`), which the caller then fetches with `lattice_snapshot`.
 */
export function applyModelChange(snapshot: ModelSnapshot, change: ModelEvent): ModelSnapshot | null {
  switch (change.change) {
    case "resync":
      return null;
    case "host_added":
    case "host_updated":
      return editHost(snapshot, change.host.id, (h) => ({ ...h, host: change.host }));
    case "host_removed":
      return { ...snapshot, hosts: snapshot.hosts.filter((h) => h.host.id !== change.host_id) };
    case "component_changed":
      return editHost(snapshot, change.host_id, (h) => ({ ...h, components: upsert(h.components, change.component) }));
    case "component_removed":
      return editHost(snapshot, change.host_id, (h) => ({
        ...h,
        components: h.components.filter((c) => c.id !== change.component_id),
      }));
    case "provider_changed":
      return editHost(snapshot, change.host_id, (h) => ({ ...h, providers: upsert(h.providers, change.provider) }));
    case "provider_removed":
      return editHost(snapshot, change.host_id, (h) => ({
        ...h,
        providers: h.providers.filter((p) => p.id !== change.provider_id),
      }));
    case "link_set": {
      const key: LinkKey = change.link;
      return { ...snapshot, links: [...snapshot.links.filter((l) => !hasKey(l, key)), change.link] };
    }
    case "link_deleted":
      return { ...snapshot, links: snapshot.links.filter((l) => !hasKey(l, change.key)) };
    case "config_set":
      return snapshot.configs.includes(change.name)
        ? snapshot
        : { ...snapshot, configs: [...snapshot.configs, change.name].sort() };
    case "config_deleted":
      return { ...snapshot, configs: snapshot.configs.filter((c) => c !== change.name) };
    case "v2_host_seen":
      return { ...snapshot, v2_hosts: upsert(snapshot.v2_hosts ?? [], change.host) };
    case "v2_host_removed":
      return { ...snapshot, v2_hosts: (snapshot.v2_hosts ?? []).filter((h) => h.id !== change.host_id) };
    default:
      // A change this frontend does not know yet: safest to re-read everything.
      return null;
  }
}

/**
 * A snapshot read from the backend with the changes that arrived while it was on its way
 * applied on top. The backend may have read it before or after any of them; every change
 * states where things are now (an upsert, a removal), not a step, so applying one the
 * snapshot already holds changes nothing, and none is lost. Resyncs are not replayed.
 */
export function replayChanges(snapshot: ModelSnapshot, changes: readonly ModelEvent[]): ModelSnapshot {
  return changes.reduce((s, change) => applyModelChange(s, change) ?? s, snapshot);
}
