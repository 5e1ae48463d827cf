// Named config as text a person edits: one KEY=VALUE a line. Pure.

/** The values, or the first line that is not KEY=VALUE. */
export type ParsedConfig = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

/** Parses `KEY=VALUE` lines; blank lines are skipped, the value may contain `=`. */
export function parseConfigText(text: string): ParsedConfig {
  const values: Record<string, string> = {};
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (line.trim() === "") continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? "" : line.slice(0, eq).trim();
    if (key === "") return { ok: false, reason: `line ${i + 1}: expected KEY=VALUE, got ${JSON.stringify(line)}` };
    if (Object.hasOwn(values, key)) return { ok: false, reason: `line ${i + 1}: ${key} is set twice` };
    values[key] = line.slice(eq + 1);
  }
  return { ok: true, values };
}

/** The text for `values`, keys sorted. */
export function configText(values: Record<string, string> | null | undefined): string {
  return Object.entries(values ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}
