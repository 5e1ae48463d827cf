// When a component's inspection is out of date. Pure.
import type { ModelSnapshot } from "../api";

/**
 * For every component in the model, a key that changes when what `inspect_component`
 * answers may change: its image, instances, any link from or to it (links decide which
 * imports are satisfied), and whether what its links call runs, and as what (a link put
 * before its target started is satisfied only once the target runs).
 */
export function inspectionKeys(snapshot: ModelSnapshot): Map<string, string> {
  const providers = new Set(snapshot.hosts.flatMap((h) => h.providers.map((p) => p.id)));
  const images = new Map<string, string>();
  for (const host of snapshot.hosts) {
    for (const c of host.components) images.set(c.id, c.image_ref);
  }
  // A provider counts as running, not by its image: hosts name a built-in by its bare name
  // in events and as builtin://NAME in heartbeats, which would refresh for nothing.
  const targetState = (id: string): string =>
    providers.has(id) ? "provider" : (images.get(id) ?? "absent");

  const keys = new Map<string, string>();
  for (const host of snapshot.hosts) {
    for (const c of host.components) {
      const links = snapshot.links
        .filter((l) => l.source_id === c.id || l.target === c.id)
        .map((l) => JSON.stringify([l, l.source_id === c.id ? targetState(l.target) : null]))
        .sort();
      const hosts = snapshot.hosts.filter((h) => h.components.some((o) => o.id === c.id)).map((h) => h.host.id);
      keys.set(c.id, JSON.stringify([c.image_ref, c.max_instances, hosts, links]));
    }
  }
  return keys;
}
