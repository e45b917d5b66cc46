/**
 * A reply a handler keeps and hands out again unchanged (a memoised grid or margin: positions and
 * margin handlers), marked by freezing it. dispatch() checks such a reply against the contract once
 * and reuses the checked copy, and the browser host serialises it once: a 10,000-position grid is
 * 3.5 MB of JSON and a contract walk over 350,000 fields, the same each time until the book changes
 * (issue 20). Freezing is shallow (its nested data are never mutated either: they are the memo's);
 * it is the handler's promise, and what makes a mutation by mistake throw in strict mode.
 */
export function settledReply<T extends object>(value: T): T {
  return Object.freeze(value)
}

/**
 * The checked copy dispatch hands out for a settled reply, the same object to every caller (the
 * CLI, reports, both hosts): frozen all the way down, so a caller that would sort or edit it in
 * place fails loudly instead of changing what the next caller gets.
 */
export function deepFrozen<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const v of Object.values(value)) deepFrozen(v)
  return value
}

export const isSettledReply = (value: unknown): value is object => typeof value === 'object' && value !== null && Object.isFrozen(value)
