// Helpers for the "Open .wasm…" form. Pure.

/** A component id from a file path or an OCI reference: the file (or repository) name
 * without `.wasm`, a `:tag` or an `@digest`, lowercased, with anything but letters, digits,
 * `-` and `_` turned into `-`. Empty when nothing usable is left. */
export function idFromPath(path: string): string {
  const file = path.trim().split(/[\\/]/).pop() ?? "";
  return file
    .replace(/@[a-z0-9]+:[0-9a-f]+$/i, "")
    .replace(/:[\w.-]+$/, "")
    .replace(/\.wasm$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
