import { useApi } from './api'

/** Read a persisted UI value (kept in the book file, so it survives host and port changes). */
export async function loadUiState<T>(key: string, isValid: (v: unknown) => v is T): Promise<T | null> {
  try {
    const { value } = await useApi().getUiState({ key })
    return isValid(value) ? value : null
  } catch {
    return null
  }
}

const pending = new Map<string, ReturnType<typeof setTimeout>>()

/** Save a UI value, debounced per key so dragging a column does not write on every pixel. */
export function saveUiState(key: string, value: unknown, delayMs = 300): void {
  clearTimeout(pending.get(key))
  pending.set(
    key,
    setTimeout(() => {
      pending.delete(key)
      void useApi().setUiState({ key, value })
    }, delayMs)
  )
}

