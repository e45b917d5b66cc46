import { createApp } from 'vue'
import { createPinia } from 'pinia'
import {
  CellApiModule, CellStyleModule, ClientSideRowModelApiModule, ClientSideRowModelModule, ColumnApiModule, EventApiModule, ExternalFilterModule, ModuleRegistry,
  NumberEditorModule, RenderApiModule, RowApiModule, RowSelectionModule, RowStyleModule, ScrollApiModule, TextEditorModule, TooltipModule, ValidationModule
} from 'ag-grid-community'
import App from './shell/App.vue'
import { connectApi } from './api/api'
import './theme/app.css'

// The grid features the workstation's grids use, not AllCommunityModule: the start bundle carries
// no filter menus, CSV export, pagination or other row models it never shows (2.2 → 1.6 MB, issue
// 20: first grid row). Sorting, resizing, moving and pinning columns are in ag-grid's core. A grid
// option needing a module missing here makes ag-grid log "error #200" naming it: every e2e test
// fails on any AG Grid error or warning (tests/e2e/fixtures.ts). The validation module, which spells
// those messages out, only in development.
ModuleRegistry.registerModules([
  ClientSideRowModelModule, ClientSideRowModelApiModule, RowApiModule, ScrollApiModule, RenderApiModule, ColumnApiModule, EventApiModule, CellApiModule,
  CellStyleModule, RowStyleModule, RowSelectionModule, TooltipModule, ExternalFilterModule, TextEditorModule, NumberEditorModule,
  ...(import.meta.env.DEV ? [ValidationModule] : [])
])

const connected = connectApi() !== null
createApp(App, { connected }).use(createPinia()).mount('#app')
