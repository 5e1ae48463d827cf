// A bounded list for streams shown in the dock: the newest `limit` items, oldest first.

/** Appends `items` and drops the oldest so at most `limit` remain. Returns a new array. */
export function appendBounded<T>(list: readonly T[], items: readonly T[], limit: number): T[] {
  if (limit <= 0) return [];
  const next = list.concat(items);
  return next.length > limit ? next.slice(next.length - limit) : next;
}
