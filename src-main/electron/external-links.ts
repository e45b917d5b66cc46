/**
 * The only web pages the desktop app hands to the system browser: the venues whose statements and
 * margin rules it reads, and their documentation. https only, exact host names (no subdomain
 * wildcards, no user:password@, no explicit port), so a link a statement smuggled into a message
 * can open nothing else. Everything else is refused and logged.
 */
import { schemeOf } from './origins'

export const EXTERNAL_HOSTS: readonly string[] = [
  // Deribit: statements, portfolio-margin rules, API docs, knowledge base.
  'www.deribit.com',
  'docs.deribit.com',
  'support.deribit.com',
  // OKX, Bybit, Binance: statements and margin documentation.
  'www.okx.com',
  'www.bybit.com',
  'bybit-exchange.github.io',
  'www.binance.com',
  'developers.binance.com',
  // Interactive Brokers: Flex queries and activity statements.
  'www.interactivebrokers.com',
  'www.ibkrguides.com',
  // CME: SPAN methodology.
  'www.cmegroup.com'
]

export function isAllowedExternal(raw: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  if (schemeOf(raw) !== 'https:') return false
  const url = new URL(raw)
  return url.username === '' && url.password === '' && url.port === '' && hosts.includes(url.hostname.toLowerCase())
}

export interface ExternalShell {
  openExternal(url: string): Promise<void>
}

/** Opens an allow-listed https URL in the system browser; refuses (and logs) anything else. */
export function openExternalSafely(shell: ExternalShell, url: string, log: (line: string) => void): boolean {
  if (!isAllowedExternal(url)) {
    log(`refused to open an external link that is not on the allow-list: ${url.slice(0, 200)}`)
    return false
  }
  shell.openExternal(url).catch((e: Error) => log(`could not open ${url}: ${e.message}`))
  return true
}
