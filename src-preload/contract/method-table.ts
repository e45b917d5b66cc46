import type { z } from 'zod'

/** A domain's slice of the API: per method, the schema its request is validated with and the one its reply is parsed with. */
export type MethodTable = Record<string, { request: z.ZodType; response: z.ZodType }>
