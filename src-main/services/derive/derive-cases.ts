/**
 * Derive's own portfolio cases (the protocol's PMRM_2 test files, or a trader's account written in
 * that shape) margined by the replica (engine/margin/derive-pmrm2): `cli margin --derive-case`.
 * Every failure names the file; a file that is not such a case says which field is missing.
 */
import { basename } from 'node:path'
import { deriveCaseReport, type DeriveCaseReport } from '../../engine/margin/derive-pmrm2/case-report'
import { readTextFile } from '../portfolio-files/text-file'

export type { DeriveCaseReport } from '../../engine/margin/derive-pmrm2/case-report'

export function deriveCaseReports(paths: readonly string[]): DeriveCaseReport[] {
  return paths.map((path) => {
    const text = readTextFile(path)
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new Error(`${path}: not JSON (${(e as Error).message})`, { cause: e })
    }
    try {
      return deriveCaseReport(basename(path), json)
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`, { cause: e })
    }
  })
}
