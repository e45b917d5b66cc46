// electron-vite bundles the worker as its own file and gives its absolute path (vitest does the
// same through tests/support/worker-path-plugin.ts).
import engineWorkerPath from './engine.worker?modulePath'
import { WorkerPool, defaultPoolSize } from './pool'

export const createEnginePool = (size = defaultPoolSize()): WorkerPool => new WorkerPool(engineWorkerPath, size)
