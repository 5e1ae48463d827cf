// Text for WIT items in the inspector. Pure.
import type { FunctionDef, SatisfiedBy } from "../api";

/** `name: func(a: u32, b: string) -> string`, with the resource for methods (`bucket.get`). */
export function functionSignature(f: FunctionDef): string {
  const params = f.params.map((p) => `${p.name}: ${p.type}`).join(", ");
  const result = f.result ? ` -> ${f.result}` : "";
  const name = f.resource && !f.name.includes(".") ? `${f.resource}.${f.name}` : f.name;
  return `${name}: func(${params})${result}`;
}

/** A sentence saying who serves an import. */
export function describeServer(by: SatisfiedBy): string {
  switch (by.kind) {
    case "wasi":
      return "served by the host's WASI";
    case "host-internal":
      return "served by the host itself";
    case "provider":
      return `served by provider ${by.target} (link ${by.link})`;
    case "component":
      return `served by component ${by.target} (link ${by.link})`;
    case "unsatisfied":
      return `unsatisfied: ${by.reason}`;
  }
}
