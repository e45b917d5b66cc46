import { serveTasks } from './worker-runtime'
import { engineTasks } from './engine-tasks'

serveTasks(engineTasks)
