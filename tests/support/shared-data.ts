/** ../shared/data, read in place (never copied into the repo); tests skip with a line when absent. */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export const SHARED_DATA = resolve(import.meta.dirname, '../../../shared/data')
export const sharedData = (rel: string): string => resolve(SHARED_DATA, rel)
export const hasSharedData = (rel: string): boolean => existsSync(sharedData(rel))
