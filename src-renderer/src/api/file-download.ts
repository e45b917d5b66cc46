/** Files the backend builds (exports, PDF reports) arrive as base64: a blob URL for them, and a save. */
export function blobUrl(file: { base64: string; mimeType: string }): string {
  const bytes = Uint8Array.from(atob(file.base64), (ch) => ch.charCodeAt(0))
  return URL.createObjectURL(new Blob([bytes], { type: file.mimeType }))
}

/** The browser's (or Electron's) download of a blob URL under the file's own name. */
export function saveAs(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
}
