/**
 * The runtime check, for the CLI entry (src-main/cli.ts imports only src-main/cli/**): the Node
 * version and the native SQLite module, before anything loads it (src-main/app/runtime-check.ts).
 */
export { nativeModuleFailure, unsupportedNode } from '../app/runtime-check'
