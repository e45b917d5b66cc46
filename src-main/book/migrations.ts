/**
 * Numbered schema migrations, applied in order inside one transaction each; the schema version is
 * `PRAGMA user_version`. Never edit a released migration: add the next number.
 */
import type { Database } from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'position book',
    sql: `
      CREATE TABLE books (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('live', 'whatif')),
        parent_id INTEGER REFERENCES books(id) ON DELETE SET NULL,
        is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        market_snapshot_id TEXT REFERENCES market_snapshots(id),
        created_at TEXT NOT NULL,
        -- a what-if copy may start blank (no parent); the live book never has one
        CHECK (kind = 'whatif' OR parent_id IS NULL)
      );
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        venue TEXT NOT NULL,
        base_currency TEXT NOT NULL,
        UNIQUE (book_id, name)
      );
      CREATE TABLE instruments (
        id INTEGER PRIMARY KEY,
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        -- 'unknown': a symbol no parser understands; kept (with parse_error) as "not priced", never dropped
        kind TEXT NOT NULL CHECK (kind IN ('spot', 'perpetual', 'future', 'option', 'unknown')),
        settlement TEXT NOT NULL CHECK (settlement IN ('linear', 'inverse')),
        underlying TEXT NOT NULL,
        quote_currency TEXT NOT NULL,
        settle_currency TEXT NOT NULL,
        contract_size REAL NOT NULL CHECK (contract_size > 0),
        contract_unit TEXT NOT NULL,
        tick_size REAL NOT NULL CHECK (tick_size > 0),
        lot_size REAL NOT NULL CHECK (lot_size > 0),
        expiry_ms INTEGER,
        strike_usd REAL,
        option_type TEXT CHECK (option_type IN ('call', 'put')),
        parse_error TEXT,
        UNIQUE (venue, symbol),
        CHECK ((kind = 'unknown') = (parse_error IS NOT NULL)),
        CHECK (kind = 'unknown' OR (kind = 'option') = (strike_usd IS NOT NULL AND option_type IS NOT NULL)),
        CHECK (kind = 'unknown' OR (kind IN ('future', 'option')) = (expiry_ms IS NOT NULL))
      );
      CREATE TABLE positions (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        instrument_id INTEGER NOT NULL REFERENCES instruments(id),
        size_contracts REAL NOT NULL,
        avg_price REAL,
        updated_at TEXT NOT NULL,
        UNIQUE (account_id, instrument_id)
      );
      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        format TEXT NOT NULL,
        rows_total INTEGER NOT NULL,
        rows_imported INTEGER NOT NULL,
        rows_skipped INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (book_id, file_sha256)
      );
      CREATE TABLE trades (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        instrument_id INTEGER NOT NULL REFERENCES instruments(id),
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        external_id TEXT,
        traded_at_ms INTEGER NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        size_contracts REAL NOT NULL CHECK (size_contracts > 0),
        -- null when the statement does not give a fill price (OKX bills): the average stays unchanged
        price REAL,
        fee REAL NOT NULL DEFAULT 0,
        fee_currency TEXT,
        UNIQUE (account_id, external_id)
      );
      CREATE INDEX trades_by_account_time ON trades (account_id, traded_at_ms);
      CREATE TABLE market_snapshots (
        id TEXT PRIMARY KEY,
        as_of_ms INTEGER NOT NULL,
        source TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at TEXT NOT NULL
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        book_id INTEGER REFERENCES books(id) ON DELETE SET NULL,
        entity TEXT NOT NULL,
        entity_id TEXT,
        action TEXT NOT NULL,
        detail TEXT CHECK (detail IS NULL OR json_valid(detail))
      );
      CREATE TABLE ui_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        updated_at TEXT NOT NULL
      );
    `
  },
  {
    version: 2,
    name: 'cash flows',
    sql: `
      -- Funding, fees, deposits, withdrawals, transfers, realised P&L and settlements from
      -- statements: the account's collateral history. Amounts signed, in their own currency.
      CREATE TABLE cash_flows (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        external_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount REAL NOT NULL,
        instrument_symbol TEXT,
        note TEXT,
        UNIQUE (account_id, external_id)
      );
      CREATE INDEX cash_flows_by_account_time ON cash_flows (account_id, at_ms);
    `
  },
  {
    version: 3,
    name: 'market history',
    sql: `
      -- Daily price bars per underlying, quote currency and source: USD and USDT series are kept
      -- apart (they differ by the stablecoin basis), as are sources.
      CREATE TABLE price_history (
        id INTEGER PRIMARY KEY,
        underlying TEXT NOT NULL,
        quote_currency TEXT NOT NULL,
        source TEXT NOT NULL,
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        open REAL, high REAL, low REAL,
        close REAL NOT NULL CHECK (close > 0),
        volume REAL,
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        UNIQUE (underlying, quote_currency, source, day)
      );
      -- Implied-vol indices (Deribit DVOL), in vol points.
      CREATE TABLE vol_index_history (
        id INTEGER PRIMARY KEY,
        index_name TEXT NOT NULL,
        underlying TEXT NOT NULL,
        day TEXT NOT NULL,
        open REAL, high REAL, low REAL,
        close REAL NOT NULL CHECK (close > 0),
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        UNIQUE (index_name, underlying, day)
      );
      -- Perpetual funding rates per period (fraction per 8 h at Binance).
      CREATE TABLE funding_history (
        id INTEGER PRIMARY KEY,
        venue TEXT NOT NULL,
        symbol TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        rate REAL NOT NULL,
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        UNIQUE (venue, symbol, at_ms)
      );
    `
  },
  {
    version: 4,
    name: 'account balances',
    sql: `
      -- Collateral per account and currency (cash, not positions): the base of account equity.
      CREATE TABLE account_balances (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        currency TEXT NOT NULL,
        amount REAL NOT NULL CHECK (amount = amount),
        PRIMARY KEY (account_id, currency)
      );
    `
  },
  {
    version: 5,
    name: 'margin parameter sets',
    sql: `
      -- The user's edited margin parameter sets, one document per kind (deribit-pm, standard, span,
      -- okx-pm, collateral, add-ons), replacing the shipped file of that kind for every book in
      -- this file. Validated by the margin service before it is written.
      CREATE TABLE margin_params (
        kind TEXT PRIMARY KEY,
        document TEXT NOT NULL CHECK (json_valid(document)),
        updated_at TEXT NOT NULL
      );
    `
  },
  {
    version: 6,
    name: 'saved scenarios',
    sql: `
      -- The scenario editor's named scenarios (price, vol and date per underlying), one JSON
      -- document each, validated by the contract's ScenarioSpec before it is written.
      CREATE TABLE saved_scenarios (
        name TEXT PRIMARY KEY,
        document TEXT NOT NULL CHECK (json_valid(document)),
        updated_at TEXT NOT NULL
      );
    `
  }
]

export const latestSchemaVersion = migrations[migrations.length - 1]!.version

/** Bring the file forward to the latest schema; refuses a file from a newer Marginal. */
export function migrate(db: Database, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > latestSchemaVersion) {
    throw new Error(
      `${file}: book schema version ${current} is newer than this Marginal understands (${latestSchemaVersion}); update Marginal`
    )
  }
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
  return db.pragma('user_version', { simple: true }) as number
}
