/**
 * Numbered schema migrations, applied in order inside one transaction each; the schema version is
 * `PRAGMA user_version`. Never edit a released migration: add the next number.
 */
import type { Database } from 'better-sqlite3'
import { BookNewerError } from './book-errors'

export interface Migration {
  version: number
  name: string
  sql: string
  /** Data changes after the SQL, in the same transaction. */
  up?: (db: Database) => void
  /**
   * Rebuilds a table other tables reference: run with foreign keys off (SQLite's documented
   * procedure, https://sqlite.org/lang_altertable.html#otheralter), checked before commit.
   */
  rebuildsTables?: boolean
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
  },
  {
    version: 7,
    name: 'demo book apart, cash ledger and balances',
    rebuildsTables: true,
    sql: `
      -- The demo is its own kind of book: read-only like the live book, never an import target.
      -- One live book and at most one demo per file.
      CREATE TABLE books_v7 (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('live', 'whatif', 'demo')),
        parent_id INTEGER REFERENCES books(id) ON DELETE SET NULL,
        is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        market_snapshot_id TEXT REFERENCES market_snapshots(id),
        created_at TEXT NOT NULL,
        CHECK (kind = 'whatif' OR parent_id IS NULL),
        CHECK ((kind = 'demo') = (is_demo = 1))
      );
      INSERT INTO books_v7 (id, name, kind, parent_id, is_demo, market_snapshot_id, created_at)
        SELECT id, name, CASE WHEN is_demo = 1 AND kind = 'live' THEN 'demo' ELSE kind END, parent_id,
               CASE WHEN kind = 'whatif' THEN 0 ELSE is_demo END, market_snapshot_id, created_at FROM books;
      DROP TABLE books;
      ALTER TABLE books_v7 RENAME TO books;
      CREATE UNIQUE INDEX books_one_live ON books (kind) WHERE kind IN ('live', 'demo');

      -- Whether a ledger row moves the account's cash: a spot coin's own holding moving, or futures
      -- P&L a venue books only at its next settlement, is recorded but is not cash.
      ALTER TABLE cash_flows ADD COLUMN moves_cash INTEGER NOT NULL DEFAULT 1 CHECK (moves_cash IN (0, 1));

      -- The account's cash per currency = the anchor (the newest balance a statement printed, or
      -- one the trader set by hand) + the ledger's cash rows after it; with no anchor, the ledger.
      ALTER TABLE account_balances ADD COLUMN anchor_amount REAL CHECK (anchor_amount = anchor_amount);
      ALTER TABLE account_balances ADD COLUMN anchor_at_ms INTEGER;
      ALTER TABLE account_balances ADD COLUMN anchor_source TEXT CHECK (anchor_source IN ('statement', 'manual', 'seed'));
      ALTER TABLE account_balances ADD COLUMN anchor_note TEXT;

      -- Venues that settle futures P&L into cash (Deribit daily at 08:00 UTC): the position's
      -- unsettled P&L runs from this price, not from its average entry price.
      ALTER TABLE positions ADD COLUMN session_price REAL CHECK (session_price IS NULL OR session_price > 0);
      CREATE TABLE futures_settlements (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        instrument_id INTEGER NOT NULL REFERENCES instruments(id),
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        at_ms INTEGER NOT NULL,
        price REAL NOT NULL CHECK (price > 0),
        UNIQUE (account_id, instrument_id, at_ms)
      );
    `,
    up: separateDemoFromLive
  },
  {
    version: 8,
    name: 'market per book, expiries settled',
    sql: `
      -- A what-if book follows the live book's market (every chain import reaches it) or holds its own copy.
      ALTER TABLE books ADD COLUMN follows_live_market INTEGER NOT NULL DEFAULT 0 CHECK (follows_live_market IN (0, 1));

      -- A position past its expiry, settled by Marginal: out of the open book, its payoff (or the
      -- future's last P&L) booked to cash by the ledger row settlement_flow (external id). The row
      -- stays so that a later statement with the venue's own delivery row replaces the settlement.
      ALTER TABLE positions ADD COLUMN settled_at_ms INTEGER;
      ALTER TABLE positions ADD COLUMN settlement_price_usd REAL CHECK (settlement_price_usd IS NULL OR settlement_price_usd > 0);
      ALTER TABLE positions ADD COLUMN settlement_source TEXT;
      ALTER TABLE positions ADD COLUMN settlement_cash REAL;
      ALTER TABLE positions ADD COLUMN settlement_flow TEXT;
      CREATE INDEX positions_settled ON positions (settled_at_ms);

      -- Rows imported before version 7 had no moves_cash: a spot coin's own holding moving (Binance
      -- Spot/Funding wallets, OKX spot legs and funding account) moved the position and is not cash.
      UPDATE cash_flows SET moves_cash = 0
       WHERE moves_cash = 1
         AND import_id IN (SELECT id FROM imports WHERE format IN ('binance-statement', 'okx-bills', 'okx-funding'))
         AND UPPER(currency) NOT IN ('USD', 'EUR', 'GBP', 'TRY', 'BRL', 'AUD', 'RUB', 'UAH', 'NGN', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'DAI', 'USDP')
         AND (note LIKE 'Spot:%' OR note LIKE 'Funding:%' OR note LIKE 'spot %' OR note LIKE 'funding account:%');

      -- Delivery prices the venues printed on statements (Deribit's delivery rows), per underlying and expiry.
      CREATE TABLE delivery_prices (
        venue TEXT NOT NULL,
        underlying TEXT NOT NULL,
        expiry_ms INTEGER NOT NULL,
        price_usd REAL NOT NULL CHECK (price_usd > 0),
        source TEXT NOT NULL,
        import_id INTEGER REFERENCES imports(id) ON DELETE SET NULL,
        PRIMARY KEY (venue, underlying, expiry_ms)
      );
    `
  },
  {
    version: 9,
    name: 'desk day: margin alerts, venue summaries',
    sql: `
      -- Margin alert rules (issue 22, §1): per margin pool (pool_key as the dashboard's health
      -- card names it, services/account-health.ts) or book-wide (pool_key ''), one per rule and
      -- underlying ('' unless a delta limit). Utilisations and distances in percent, delta in coin.
      CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY,
        book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
        pool_key TEXT NOT NULL DEFAULT '',
        rule TEXT NOT NULL CHECK (rule IN ('im-utilisation', 'mm-utilisation', 'liquidation-distance', 'delta-limit')),
        underlying TEXT NOT NULL DEFAULT '',
        threshold REAL NOT NULL CHECK (threshold = threshold AND abs(threshold) < 1e15),
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        updated_at TEXT NOT NULL,
        UNIQUE (book_id, pool_key, rule, underlying)
      );
      -- What the rules saw: a breach, its clearing, a re-arming (the trader's acknowledgement), each
      -- with the value, the threshold and the market it was computed on. Never rewritten.
      CREATE TABLE alert_log (
        id INTEGER PRIMARY KEY,
        book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
        at_ms INTEGER NOT NULL,
        pool_key TEXT NOT NULL,
        rule TEXT NOT NULL,
        underlying TEXT NOT NULL DEFAULT '',
        event TEXT NOT NULL CHECK (event IN ('breach', 'clear', 'rearm')),
        value REAL,
        threshold REAL NOT NULL,
        cause TEXT NOT NULL,
        market_snapshot_id TEXT,
        market_as_of_ms INTEGER
      );
      CREATE INDEX alert_log_by_book_time ON alert_log (book_id, at_ms);
      -- Each alert's last event (alerts-repository.ts alertStates), read at every evaluation.
      CREATE INDEX alert_log_last ON alert_log (book_id, pool_key, rule, underlying, id);

      -- The venue's own account summary as the trader saved it (issue 22, §4): the file verbatim,
      -- beside what was read from it, to show the venue's IM/MM next to the replica's.
      CREATE TABLE venue_summaries (
        id INTEGER PRIMARY KEY,
        book_id INTEGER NOT NULL REFERENCES books(id) ON DELETE CASCADE,
        account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
        venue TEXT NOT NULL,
        kind TEXT NOT NULL,
        currency TEXT NOT NULL,
        as_of_ms INTEGER,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        body TEXT NOT NULL,
        summary TEXT NOT NULL CHECK (json_valid(summary)),
        imported_at TEXT NOT NULL,
        UNIQUE (book_id, sha256, currency)
      );
    `
  },
  {
    version: 10,
    name: 'ledger reads by kind',
    sql: `
      -- Three reads pick a few kinds out of the whole ledger: each balances read (unsettled session
      -- P&L, and when it was last settled) and every import (the account's opening rows). On a ledger
      -- a 1M-row log leaves (1.9M rows) each was a 0.3 s scan. Partial indexes hold only those
      -- rows, so the fees and premiums that make up the ledger cost them nothing (issue 20).
      CREATE INDEX cash_flows_session_pnl ON cash_flows (account_id) WHERE kind = 'session_pnl' AND moves_cash = 0;
      CREATE INDEX cash_flows_settling ON cash_flows (account_id, instrument_symbol, at_ms)
        WHERE kind IN ('delivery', 'expiry_settlement', 'settlement') AND instrument_symbol IS NOT NULL;
      CREATE INDEX cash_flows_openings ON cash_flows (account_id, currency, at_ms) WHERE kind = 'opening_balance';
      -- Added to schema 9 after some development books had reached it (d9fef6a): made here for them
      -- too (a no-op where 9 made it).
      CREATE INDEX IF NOT EXISTS alert_log_last ON alert_log (book_id, pool_key, rule, underlying, id);
    `
  }
]

/**
 * Books made before version 7 had the demo as their live book, and imports landed in it. Keep the
 * demo's own accounts in the demo; move every account that imports wrote to (and the imports log)
 * to a new, empty live book, which takes the market the imports brought.
 */
function separateDemoFromLive(db: Database): void {
  const now = new Date().toISOString()
  if (db.prepare("SELECT 1 FROM books WHERE kind = 'live'").get()) return
  const demo = db.prepare("SELECT id, market_snapshot_id FROM books WHERE kind = 'demo'").get() as { id: number; market_snapshot_id: string | null } | undefined
  if (!demo) return
  const imported = db.prepare('SELECT COUNT(*) AS n FROM imports WHERE book_id = ?').get(demo.id) as { n: number }
  const liveId = Number(
    db.prepare("INSERT INTO books (name, kind, market_snapshot_id, created_at) VALUES ('Live book', 'live', ?, ?)").run(imported.n > 0 ? demo.market_snapshot_id : null, now).lastInsertRowid
  )
  if (imported.n === 0) return
  db.prepare(
    `UPDATE accounts SET book_id = ? WHERE book_id = ? AND (
       EXISTS (SELECT 1 FROM trades t WHERE t.account_id = accounts.id) OR EXISTS (SELECT 1 FROM cash_flows c WHERE c.account_id = accounts.id))`
  ).run(liveId, demo.id)
  db.prepare('UPDATE imports SET book_id = ? WHERE book_id = ?').run(liveId, demo.id)
  const seeded = db.prepare("SELECT id FROM market_snapshots WHERE id LIKE 'demo-%' ORDER BY created_at LIMIT 1").get() as { id: string } | undefined
  if (seeded) db.prepare('UPDATE books SET market_snapshot_id = ? WHERE id = ?').run(seeded.id, demo.id)
  db.prepare("INSERT INTO audit_log (at, book_id, entity, entity_id, action, detail) VALUES (?, ?, 'book', ?, 'separated from demo', ?)").run(
    now, liveId, String(liveId), JSON.stringify({ demoBookId: demo.id, importsMoved: imported.n })
  )
}

export const latestSchemaVersion = migrations[migrations.length - 1]!.version

/** A file written by a newer Marginal: refused, naming both versions. */
export function refuseNewerSchema(current: number, file: string): void {
  if (current > latestSchemaVersion) {
    throw new BookNewerError(
      `${file}: book schema version ${current} is newer than this Marginal understands (${latestSchemaVersion}); update Marginal`,
      file
    )
  }
}

/**
 * Bring the file forward to the latest schema; refuses a file from a newer Marginal. Each step is
 * its own BEGIN IMMEDIATE transaction that re-reads the version first: two processes opening an
 * old book at once migrate it once (the second waits, then finds the step done).
 */
export function migrate(db: Database, file: string): number {
  const version = (): number => db.pragma('user_version', { simple: true }) as number
  refuseNewerSchema(version(), file)
  for (const m of migrations) {
    if (m.version <= version()) continue
    // PRAGMA foreign_keys is a no-op inside a transaction: switch it around the migration's.
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        const current = version()
        refuseNewerSchema(current, file)
        if (m.version <= current) return
        db.exec(m.sql)
        m.up?.(db)
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[]
          if (broken.length) throw new Error(`${file}: migration ${m.version} (${m.name}) would break ${broken.length} foreign key(s); nothing was changed`)
        }
        db.pragma(`user_version = ${m.version}`)
      }).immediate()
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON')
    }
  }
  return version()
}
