/**
 * Alert rules (engine/alerts/alert-rules.ts): which rule a pool is held to, what each rule says of
 * the figures (edges included: exactly at the threshold, infinite utilisation, no liquidation
 * level), and which transitions an evaluation logs against the last state.
 */
import { describe, expect, it } from 'vitest'
import { alertTransitions, checkAlerts, effectiveRules, ruleProblem, type AlertRule, type PoolFigures } from '../../../src-main/engine/alerts/alert-rules'

const pool = (over: Partial<PoolFigures> = {}): PoolFigures => ({
  poolKey: 'P',
  currency: 'BTC',
  imUtilisationPct: 50,
  mmUtilisationPct: 40,
  liquidationDistancePct: [{ underlying: 'BTC', distancePct: -30 }],
  deltaCoin: [{ underlying: 'BTC', deltaCoin: -2.5 }],
  ...over
})
const rule = (r: Partial<AlertRule>): AlertRule => ({ poolKey: '', rule: 'im-utilisation', underlying: '', threshold: 80, enabled: true, ...r })

describe('alert rules', () => {
  it('a pool is held to its own rule, else the book\'s, else the default', () => {
    const stored = [rule({ threshold: 70 }), rule({ poolKey: 'P', threshold: 60 }), rule({ poolKey: 'Q', rule: 'mm-utilisation', threshold: 99 })]
    const p = effectiveRules(stored, 'P')
    expect(p.find((r) => r.rule.rule === 'im-utilisation')).toMatchObject({ source: 'pool', rule: { threshold: 60, poolKey: 'P' } })
    expect(p.find((r) => r.rule.rule === 'mm-utilisation')).toMatchObject({ source: 'default', rule: { threshold: 90 } })
    expect(effectiveRules(stored, 'R').find((r) => r.rule.rule === 'im-utilisation')).toMatchObject({ source: 'book', rule: { threshold: 70 } })
    expect(effectiveRules([], 'R').map((r) => r.rule.rule)).toEqual(['im-utilisation', 'mm-utilisation', 'liquidation-distance'])
  })

  it('utilisation at the threshold breaches; infinite (null) breaches; a disabled rule is not checked', () => {
    const at = checkAlerts([pool({ imUtilisationPct: 80 })], [])
    expect(at.find((c) => c.rule === 'im-utilisation')!.breached).toBe(true)
    expect(checkAlerts([pool({ imUtilisationPct: 79.999 })], []).find((c) => c.rule === 'im-utilisation')!.breached).toBe(false)
    const inf = checkAlerts([pool({ mmUtilisationPct: null })], []).find((c) => c.rule === 'mm-utilisation')!
    expect(inf).toMatchObject({ breached: true, value: null })
    expect(inf.text).toContain('due with no equity')
    expect(checkAlerts([pool()], [rule({ enabled: false })]).some((c) => c.rule === 'im-utilisation')).toBe(false)
  })

  it('liquidation distance per underlying, by its size either side; none in range never breaches', () => {
    const checks = checkAlerts([pool({ liquidationDistancePct: [{ underlying: 'BTC', distancePct: -9.5 }, { underlying: 'ETH', distancePct: null }, { underlying: 'SOL', distancePct: 10 }] })], [])
    const liq = checks.filter((c) => c.rule === 'liquidation-distance')
    expect(liq.map((c) => [c.underlying, c.value, c.breached])).toEqual([['BTC', 9.5, true], ['ETH', null, false], ['SOL', 10, true]])
  })

  it('a delta limit watches |delta| of its underlying in the pools that hold it', () => {
    const stored = [rule({ rule: 'delta-limit', underlying: 'BTC', threshold: 2 }), rule({ rule: 'delta-limit', underlying: 'ETH', threshold: 1 })]
    const checks = checkAlerts([pool()], stored).filter((c) => c.rule === 'delta-limit')
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({ underlying: 'BTC', value: -2.5, breached: true })
    expect(checkAlerts([pool({ deltaCoin: [{ underlying: 'BTC', deltaCoin: 2 }] })], stored).find((c) => c.rule === 'delta-limit')!.breached).toBe(false)
  })

  it('transitions: a new breach raised once, a raised one cleared when back, a re-armed one raised again; a vanished one cleared', () => {
    const breached = checkAlerts([pool({ imUtilisationPct: 85 })], [])
    const ok = checkAlerts([pool()], [])
    const im = { poolKey: 'P', rule: 'im-utilisation' as const, underlying: '', threshold: 80, value: 85 }
    expect(alertTransitions(breached, []).map((t) => [t.event, t.check.rule])).toEqual([['breach', 'im-utilisation']])
    expect(alertTransitions(breached, [{ ...im, event: 'breach' }])).toEqual([])
    expect(alertTransitions(ok, [{ ...im, event: 'breach' }]).map((t) => t.event)).toEqual(['clear'])
    expect(alertTransitions(breached, [{ ...im, event: 'rearm' }]).map((t) => t.event)).toEqual(['breach'])
    // Cleared with the threshold and value it was raised with: a check the contract can carry.
    expect(alertTransitions([], [{ ...im, event: 'breach' }]).map((t) => [t.event, t.check.text, t.check.threshold, t.check.value])).toEqual([['clear', 'no longer checked (rule disabled or removed, or pool gone)', 80, 85]])
  })

  it('rule problems name the field', () => {
    expect(ruleProblem(rule({ threshold: 0 }))).toMatch(/^threshold:/)
    expect(ruleProblem(rule({ threshold: Infinity }))).toMatch(/^threshold:/)
    expect(ruleProblem(rule({ underlying: 'BTC' }))).toMatch(/^underlying:/)
    expect(ruleProblem(rule({ rule: 'delta-limit', underlying: 'BTC', threshold: -1 }))).toMatch(/^threshold:/)
    expect(ruleProblem(rule({ rule: 'delta-limit', underlying: 'BTC', threshold: 0 }))).toBeNull()
  })
})
