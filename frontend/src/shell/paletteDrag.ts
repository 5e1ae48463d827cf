// Dragging a palette item onto a host frame starts it on that host: what the drag carries,
// which host a drop landed on, and the id the new provider gets.

/** The drag data type of a built-in provider dragged from the palette. */
export const PROVIDER_DRAG_TYPE = "application/x-trellis-provider";

/** The host id of the host frame the drop landed in (on it or on anything inside it). */
export function hostIdAt(target: EventTarget | null): string | null {
  if (!(target instanceof Element)) return null;
  const frame = target.closest(".react-flow__node-host");
  const nodeId = frame?.getAttribute("data-id") ?? null;
  return nodeId?.startsWith("host:") ? nodeId.slice("host:".length) : null;
}

/** `name`, or `name-2`, `name-3`, … : the first id no running provider has. */
export function freeProviderId(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const id = `${name}-${n}`;
    if (!taken.has(id)) return id;
  }
}
