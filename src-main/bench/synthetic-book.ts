// The bench's generator is the one `cli synthetic-book` writes into a book file.
export { syntheticBook } from '../services/books/synthetic-book'
