// Keyboard shortcuts: which key does what, as data, so the help overlay and the handler
// can never disagree. `actionFor` is pure (tested); App wires it to window keydown.

/** Everything a shortcut can do. */
export type ShortcutAction =
  | "open-wasm"
  | "refresh"
  | "show-logs"
  | "show-events"
  | "show-config"
  | "show-apps"
  | "undo"
  | "redo"
  | "fit-view"
  | "deselect"
  | "toggle-help";

/** One shortcut as the help overlay shows it. */
export interface Shortcut {
  action: ShortcutAction;
  /** Keys as shown, e.g. "Ctrl+O". */
  keys: string;
  description: string;
  /** Works while typing in a text field (only modifier shortcuts and Escape do). */
  inInputs: boolean;
  matches: (e: KeyLike) => boolean;
}

/** The parts of a KeyboardEvent the shortcuts look at. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const mod = (e: KeyLike) => (e.ctrlKey || e.metaKey) && !e.altKey;
const plain = (e: KeyLike) => !e.ctrlKey && !e.metaKey && !e.altKey;

export const SHORTCUTS: readonly Shortcut[] = [
  {
    action: "open-wasm",
    keys: "Ctrl+O",
    description: "Open a .wasm file on the local host",
    inInputs: true,
    matches: (e) => mod(e) && e.key.toLowerCase() === "o",
  },
  {
    action: "refresh",
    keys: "Ctrl+R / F5",
    description: "Ping the lattice's hosts now",
    inInputs: true,
    matches: (e) => (mod(e) && e.key.toLowerCase() === "r") || (plain(e) && e.key === "F5"),
  },
  {
    action: "show-logs",
    keys: "Ctrl+1",
    description: "Show the logs",
    inInputs: true,
    matches: (e) => mod(e) && e.key === "1",
  },
  {
    action: "show-events",
    keys: "Ctrl+2",
    description: "Show the lattice events",
    inInputs: true,
    matches: (e) => mod(e) && e.key === "2",
  },
  {
    action: "show-config",
    keys: "Ctrl+3",
    description: "Show the named config",
    inInputs: true,
    matches: (e) => mod(e) && e.key === "3",
  },
  {
    action: "show-apps",
    keys: "Ctrl+4",
    description: "Show the applications (wadm)",
    inInputs: true,
    matches: (e) => mod(e) && e.key === "4",
  },
  {
    action: "undo",
    keys: "Ctrl+Z",
    description: "Undo the last link, config or label edit",
    inInputs: false,
    matches: (e) => mod(e) && !e.shiftKey && e.key.toLowerCase() === "z",
  },
  {
    action: "redo",
    keys: "Ctrl+Shift+Z / Ctrl+Y",
    description: "Redo it",
    inInputs: false,
    matches: (e) => mod(e) && ((e.shiftKey && e.key.toLowerCase() === "z") || (!e.shiftKey && e.key.toLowerCase() === "y")),
  },
  {
    action: "fit-view",
    keys: "F",
    description: "Fit the graph to the window",
    inInputs: false,
    matches: (e) => plain(e) && e.key.toLowerCase() === "f",
  },
  {
    action: "deselect",
    keys: "Esc",
    description: "Clear the selection, close this help",
    inInputs: true,
    matches: (e) => plain(e) && e.key === "Escape",
  },
  {
    action: "toggle-help",
    keys: "?",
    description: "Show or hide these shortcuts",
    inInputs: false,
    matches: (e) => !e.ctrlKey && !e.metaKey && !e.altKey && e.key === "?",
  },
];

/** The action for a key press, or null. Typing in a field keeps its plain keys. */
export function actionFor(e: KeyLike, inEditable: boolean): ShortcutAction | null {
  const hit = SHORTCUTS.find((s) => s.matches(e) && (s.inInputs || !inEditable));
  return hit?.action ?? null;
}

/** Whether a key event comes from somewhere the user types text. */
export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}
