// Undo and redo of the edits that change the lattice's wiring: link, config and label
// edits. Each edit is recorded with how to do it again and how to take it back, as two
// backend calls; the stacks themselves are pure (tested).

/** One edit that can be taken back and done again. */
export interface Edit {
  /** What it did, as the user would say it ("put link second"). */
  label: string;
  /** Takes the edit back. */
  undo: () => Promise<unknown>;
  /** Does it again. */
  redo: () => Promise<unknown>;
}

/** Done edits (most recent last) and undone ones that can be redone (most recent last). */
export interface Stacks {
  done: readonly Edit[];
  undone: readonly Edit[];
}

/** How many edits are kept. */
export const HISTORY_LIMIT = 100;

export const EMPTY_STACKS: Stacks = { done: [], undone: [] };

/** A new edit was made: it can be undone, and nothing undone can be redone any more. */
export function recorded(stacks: Stacks, edit: Edit): Stacks {
  return { done: [...stacks.done, edit].slice(-HISTORY_LIMIT), undone: [] };
}

/** The edit `undo` takes back, and the stacks once it succeeded. */
export function undoStep(stacks: Stacks): { edit: Edit; next: Stacks } | null {
  const edit = stacks.done.at(-1);
  if (!edit) return null;
  return { edit, next: { done: stacks.done.slice(0, -1), undone: [...stacks.undone, edit] } };
}

/** The edit `redo` does again, and the stacks once it succeeded. */
export function redoStep(stacks: Stacks): { edit: Edit; next: Stacks } | null {
  const edit = stacks.undone.at(-1);
  if (!edit) return null;
  return { edit, next: { done: [...stacks.done, edit], undone: stacks.undone.slice(0, -1) } };
}
