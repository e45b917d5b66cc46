/** Books: the list, what-if copies, the demo book, which market a book follows, a repaired copy of a damaged file (contract: books). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type BooksApi = Pick<MarginalApi, 'listBooks' | 'copyBook' | 'renameBook' | 'deleteBook' | 'removeDemo' | 'restoreDemo' | 'setBookMarket' | 'saveRepairedCopy'>
export const useBooksApi = (): BooksApi => useApi()
