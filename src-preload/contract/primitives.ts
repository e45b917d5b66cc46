/**
 * The atoms every domain's schemas are built from: ids, UTC instants and days, names, task ids.
 */
import { z } from 'zod'

export const isoUtc = z.string().describe('ISO-8601 instant in UTC')
export const id = z.number().int().positive()
export const bookName = z.string().trim().min(1).max(80)
export const taskId = z.string().min(1).max(64)
export const utcDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD')
