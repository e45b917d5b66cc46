/**
 * A dropped or picked file as text, decoded by the same rule as the command line's
 * (@contract/text-encoding): File.text() would read Excel's UTF-16 "Unicode text" as garbage.
 */
import { decodeStatement } from '@contract/text-encoding'

export async function readStatementFile(file: Blob): Promise<string> {
  return decodeStatement(new Uint8Array(await file.arrayBuffer())).text
}
