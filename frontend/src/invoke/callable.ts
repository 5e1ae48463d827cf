// Which exports of a component can be called from the inspector, and under which name
// `trellis call` and the host know them.
import type { ComponentWit, FunctionDef, TypeDef } from "../api";
import { worldTypes } from "./witType";

/** One callable export: the name to call it by, and its WIT signature for the form. */
export interface Callable {
  /** `ns:pkg/iface.name`, or a root export's `name`. */
  target: string;
  /** Shown in the picker. */
  label: string;
  fn: FunctionDef;
  /** The named types its signature's names refer to: its interface's, or the world's for a root function. */
  types: readonly TypeDef[];
}

/** Plain functions among `wit`'s exports (methods and constructors need a resource: not callable from here). */
export function callables(wit: ComponentWit | null): Callable[] {
  if (!wit) return [];
  const found: Callable[] = [];
  const world = worldTypes(wit);
  for (const entry of wit.exports) {
    if (entry.item === "function" && entry.kind === "freestanding") {
      found.push({ target: entry.name, label: entry.name, fn: entry, types: world });
    } else if (entry.item === "interface") {
      // `ns:pkg/iface@version` (or an inline interface's plain name), as the host resolves it.
      const name = entry.name;
      for (const fn of entry.functions.filter((f) => f.kind === "freestanding")) {
        found.push({ target: `${name}.${fn.name}`, label: `${name}.${fn.name}`, fn, types: entry.types });
      }
    }
  }
  return found;
}
