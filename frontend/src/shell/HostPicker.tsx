// Which host a palette start goes to, shown when the lattice has more than one.

/** A host the palette can start things on. */
export interface HostChoice {
  id: string;
  name: string;
  /** The app's own embedded host. */
  isLocal: boolean;
}

interface Props {
  hosts: readonly HostChoice[];
  /** The chosen host id; `null` is the local host. */
  value: string | null;
  onChange: (hostId: string | null) => void;
  testId: string;
}

export function HostPicker({ hosts, value, onChange, testId }: Props) {
  if (hosts.length < 2) return null;
  return (
    <label className="open-wasm__label">
      host
      <select
        className="input mono"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
        data-testid={testId}
      >
        <option value="">{hosts.find((h) => h.isLocal)?.name ?? "local host"} (this app)</option>
        {hosts
          .filter((h) => !h.isLocal)
          .map((h) => (
            <option key={h.id} value={h.id}>
              {h.name || h.id.slice(0, 8)}
            </option>
          ))}
      </select>
    </label>
  );
}

/** The submit button's words for the chosen host. */
export function startLabel(hosts: readonly HostChoice[], hostId: string | null): string {
  if (hostId === null) return "Start on local host";
  const host = hosts.find((h) => h.id === hostId);
  return `Start on ${host?.name || hostId.slice(0, 8)}`;
}
