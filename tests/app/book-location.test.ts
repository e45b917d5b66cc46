import { describe, expect, it } from 'vitest'
import { defaultUserDataDir, resolveBookPath } from '../../src-main/app/book-location'

describe('book location', () => {
  it('prefers --book, then MARGINAL_BOOK, then the user-data folder', () => {
    expect(resolveBookPath({ cliBook: '/tmp/a.sqlite', env: { MARGINAL_BOOK: '/tmp/b.sqlite' } })).toBe('/tmp/a.sqlite')
    expect(resolveBookPath({ env: { MARGINAL_BOOK: '/tmp/b.sqlite' } })).toBe('/tmp/b.sqlite')
    expect(resolveBookPath({ env: {}, userDataDir: '/home/t/.config/Marginal' })).toBe('/home/t/.config/Marginal/book.sqlite')
  })

  it('mirrors Electron userData per OS', () => {
    expect(defaultUserDataDir('linux', {}, '/home/t')).toBe('/home/t/.config/Marginal')
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/t')).toBe('/xdg/Marginal')
    expect(defaultUserDataDir('darwin', {}, '/Users/t')).toBe('/Users/t/Library/Application Support/Marginal')
  })
})
