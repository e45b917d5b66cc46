import { colorSchemeDark, colorSchemeLight, themeQuartz } from 'ag-grid-community'
import type { ThemeName } from '../stores/use-session-store'

// Dense rows and tabular figures: a risk grid is read in columns of numbers.
const base = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 12.5,
  rowHeight: 28,
  headerHeight: 32,
  spacing: 6,
  wrapperBorderRadius: 0
})

export const gridThemes: Record<ThemeName, typeof base> = {
  light: base.withPart(colorSchemeLight),
  dark: base.withPart(colorSchemeDark).withParams({ backgroundColor: '#15181d', headerBackgroundColor: '#1c2027' })
}
