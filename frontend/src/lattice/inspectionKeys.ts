// When a component's inspection is out of date. Pure.
import type { ModelSnapshot } from "../api";

/**
 * For every component in the model, a key that changes when what `inspect_component`
 * answers may change: its image, instances, or any link from or to it (links decide which
 * imports are satisfied).
 */
export function inspectionKeys(snapshot: ModelSnapshot): Map<string, string> {
  const keys = new Map<string, string>();
  for (const host of snapshot.hosts) {
    for (const c of host.components) {
      const links = snapshot.links
        .filter((l) => l.source_id === c.id || l.target === c.id)
        .map((l) => JSON.stringify(l))
        .sort();
      const hosts = snapshot.hosts.filter((h) => h.components.some((o) => o.id === c.id)).map((h) => h.host.id);
      keys.set(c.id, JSON.stringify([c.image_ref, c.max_instances, hosts, links]));
    }
  }
  return keys;
}
