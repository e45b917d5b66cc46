/**
 * The workstation's views and their Alt+key shortcuts, in navigation order: the renderer's side
 * bar and keys (src-renderer/src/shell/App.vue) and the desktop app's View menu
 * (src-main/electron/app-menu.ts) both read this one list.
 */
export const VIEWS = [
  { view: 'positions', label: 'Positions', key: '1' },
  { view: 'risk', label: 'Risk', key: '2' },
  { view: 'market', label: 'Market', key: '3' },
  { view: 'books', label: 'Books', key: '4' },
  { view: 'import', label: 'Import', key: '5' },
  { view: 'engine', label: 'Engine', key: '6' },
  { view: 'parameters', label: 'Parameters', key: '7' },
  { view: 'statistics', label: 'VaR & stress', key: '8' },
  { view: 'explorer', label: 'P&L explorer', key: '9' },
  { view: 'compare', label: 'Compare', key: '0' },
  { view: 'hedge', label: 'Hedging', key: 'h' },
  { view: 'alerts', label: 'Alerts', key: 'a' },
  { view: 'explain', label: 'P&L explain', key: 'l' },
  { view: 'venue', label: 'Venue vs replica', key: 'r' }
] as const

export type ViewName = (typeof VIEWS)[number]['view']
