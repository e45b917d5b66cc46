/**
 * One margin alert rule checked against one pool: the view the alerts methods reply with and the
 * `alerts.raised` event carries. Its own module, on zod alone, so that the event table (common.ts)
 * and the alerts methods (alerts.ts) share it without importing each other.
 */
import { z } from 'zod'

export const AlertRuleKindName = z.enum(['im-utilisation', 'mm-utilisation', 'liquidation-distance', 'delta-limit'])

export const AlertCheckView = z.object({
  poolKey: z.string(),
  rule: AlertRuleKindName,
  underlying: z.string(),
  threshold: z.number(),
  source: z.enum(['pool', 'book', 'default']),
  value: z.number().nullable(),
  breached: z.boolean(),
  text: z.string()
})
