// Helpers for the "Open .wasm…" form. Pure.

/** A component id from a file path: the file name without `.wasm`, lowercased, with anything
 * but letters, digits, `-` and `_` turned into `-`. Empty when nothing usable is left. */
export function idFromPath(path: string): string {
  const file = path.trim().split(/[\\/]/).pop() ?? "";
  return file
    .replace(/\.wasm$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
