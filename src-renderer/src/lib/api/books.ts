/** Books: the list, what-if copies, the demo book, which market a book follows (contract: books). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type BooksApi = Pick<MarginalApi, 'listBooks' | 'copyBook' | 'renameBook' | 'deleteBook' | 'removeDemo' | 'restoreDemo' | 'setBookMarket'>
export const useBooksApi = (): BooksApi => useApi()
