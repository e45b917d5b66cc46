import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { AllCommunityModule, ModuleRegistry } from 'ag-grid-community'
import App from './shell/App.vue'
import { connectApi } from './api/api'
import './theme/app.css'

ModuleRegistry.registerModules([AllCommunityModule])

const connected = connectApi() !== null
createApp(App, { connected }).use(createPinia()).mount('#app')
