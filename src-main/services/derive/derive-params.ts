/**
 * The Derive PMRM_2 parameter set the book's Derive accounts are margined with: the protocol's
 * mainnet deployment parameters (resources/params/derive-pmrm2-mainnet-2026-01.json, from
 * derivexyz/v2-core scripts/config-mainnet.sol), read once and checked by the same reader as the
 * protocol's test cases.
 */
import shipped from '../../../resources/params/derive-pmrm2-mainnet-2026-01.json'
import { deriveParametersOf } from '../../engine/margin/derive-pmrm2/case-file'
import type { DeriveParameters } from '../../engine/margin/derive-pmrm2/types'

export interface DeriveParamSet {
  id: string
  source: string
  /** The shipped file and its comment (where the numbers come from, what to check). */
  file: string
  comment: string
  params: DeriveParameters
}

let cached: DeriveParamSet | null = null

export function shippedDeriveParams(): DeriveParamSet {
  cached ??= { id: shipped.id, source: shipped.source, file: 'resources/params/derive-pmrm2-mainnet-2026-01.json', comment: shipped.$comment, params: deriveParametersOf(shipped) }
  return cached
}
