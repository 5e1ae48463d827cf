// Helpers for the "Open .wasm…" form. Pure.

/** A component or provider id from a file path or an OCI reference: the file (or
 * repository) name without `.wasm` (`.par`, `.par.gz` for a provider archive), a `:tag` or
 * an `@digest`, lowercased, with anything but letters, digits,
 * `-` and `_` turned into `-`. Empty when nothing usable is left. */
export function idFromPath(path: string): string {
  const file = path.trim().split(/[\\/]/).pop() ?? "";
  return file
    .replace(/@[a-z0-9]+:[0-9a-f]+$/i, "")
    .replace(/:[\w.-]+$/, "")
    .replace(/\.(wasm|par\.gz|par)$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
