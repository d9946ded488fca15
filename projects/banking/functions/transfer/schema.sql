-- The ledger (Aurora PostgreSQL). Applied by an administrator (README, "Banking: first deploy").
-- Amounts are whole minor units (cents). A transfer moves money in two steps: a reservation holds
-- the amount on the source account, then the posting writes both ledger entries and moves the
-- balances in one transaction; the workflow's compensation releases a reservation that was never
-- posted. So `balance_cents - reserved_cents` is what a customer can spend.

CREATE TABLE IF NOT EXISTS accounts (
  account_id     text PRIMARY KEY,
  customer_id    text NOT NULL,
  currency       char(3) NOT NULL,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'frozen', 'closed')),
  balance_cents  bigint NOT NULL CHECK (balance_cents >= 0),
  reserved_cents bigint NOT NULL DEFAULT 0 CHECK (reserved_cents >= 0 AND reserved_cents <= balance_cents)
);
CREATE INDEX IF NOT EXISTS accounts_customer ON accounts (customer_id);

CREATE TABLE IF NOT EXISTS reservations (
  transfer_id  text PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status       text NOT NULL CHECK (status IN ('held', 'posted', 'released')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS ledger_entries (
  entry_id     bigserial PRIMARY KEY,
  transfer_id  text NOT NULL,
  account_id   text NOT NULL REFERENCES accounts,
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  currency     char(3) NOT NULL,
  posted_at    timestamptz NOT NULL,
  UNIQUE (transfer_id, account_id)
);

-- The workflow's ledger function signs in with IAM (no password): run once as the master user.
--   CREATE ROLE transfers LOGIN; GRANT rds_iam TO transfers;
--   GRANT SELECT, UPDATE ON accounts TO transfers;
--   GRANT SELECT, INSERT, UPDATE ON reservations TO transfers;
--   GRANT SELECT, INSERT ON ledger_entries TO transfers; GRANT USAGE ON SEQUENCE ledger_entries_entry_id_seq TO transfers;
-- The QuickSight reports read as `reporting`, read-only, with the password kept in the
-- `reporting-db-credentials` secret (README):
--   CREATE ROLE reporting LOGIN PASSWORD '<the secret''s password>';
--   GRANT SELECT ON accounts, ledger_entries TO reporting;
