/**
 * Stable identity of statement rows, so re-importing a file, or a later statement that overlaps
 * it, adds nothing twice. A venue id when the row has one; otherwise a hash of the row's content
 * plus its occurrence number among identical rows of the same file (two identical fills are two fills).
 */
import { createHash } from 'node:crypto'

/**
 * `venue:kind:id`. Joined, not a template: a template of 13 characters or more is a rope of its
 * parts (32 bytes over the parts kept), and a 1M-row log keeps three such ids per row (issue 20).
 */
export const venueId = (venue: string, kind: string, id: string): string => [venue, kind, id].join(':')

export class ContentIdentity {
  private readonly seen = new Map<string, number>()
  constructor(private readonly venue: string) {}

  /** Identity of a row from the fields that define it (not from cosmetic ones like remarks). */
  of(kind: string, fields: readonly (string | number | null)[]): string {
    const digest = createHash('sha256').update(JSON.stringify([kind, ...fields])).digest('hex').slice(0, 24)
    const n = (this.seen.get(digest) ?? 0) + 1
    this.seen.set(digest, n)
    return `${this.venue}:${kind}:h:${digest}:${n}`
  }
}
