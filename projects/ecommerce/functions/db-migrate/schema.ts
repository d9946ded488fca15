/**
 * The orders schema (Aurora PostgreSQL 15+), as the SQL the migration applies. A TypeScript module
 * rather than a .sql file so that the migration function's bundle carries it (esbuild inlines it);
 * the tests apply this same text.
 */
export const SCHEMA_SQL = `-- Re-runnable: every statement is IF NOT EXISTS / OR REPLACE. The migration (migrate.ts) applies it on
-- each deploy, then creates the roles and grants.

CREATE TABLE IF NOT EXISTS orders (
  order_id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The client's Idempotency-Key: one order per key, for ever (the Powertools record expires, this does not).
  idempotency_key     text        NOT NULL,
  -- sha256 of the request the key was first used with; a different request under the same key is refused.
  request_fingerprint text        NOT NULL,
  customer_id         text        NOT NULL,
  cart_id             text        NOT NULL,
  currency            char(3)     NOT NULL,
  total_minor         bigint      NOT NULL,
  line_count          integer     NOT NULL,
  status              text        NOT NULL DEFAULT 'PLACED',
  created_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_idempotency_key_unique UNIQUE (idempotency_key),
  CONSTRAINT orders_idempotency_key_length CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  CONSTRAINT orders_currency_iso4217 CHECK (currency ~ '^[A-Z]{3}$'),
  CONSTRAINT orders_total_not_negative CHECK (total_minor >= 0),
  CONSTRAINT orders_has_lines CHECK (line_count > 0),
  CONSTRAINT orders_status_known CHECK (status IN ('PLACED', 'PAID', 'SHIPPED', 'CANCELLED'))
);

CREATE INDEX IF NOT EXISTS orders_customer_created ON orders (customer_id, created_at DESC);
CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at);

CREATE TABLE IF NOT EXISTS order_lines (
  order_id          uuid    NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
  line_no           integer NOT NULL,
  product_id        text    NOT NULL,
  sku               text    NOT NULL,
  quantity          integer NOT NULL,
  unit_price_minor  bigint  NOT NULL,
  line_total_minor  bigint  NOT NULL,
  CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no),
  CONSTRAINT order_lines_line_no_positive CHECK (line_no > 0),
  CONSTRAINT order_lines_quantity_positive CHECK (quantity > 0),
  CONSTRAINT order_lines_unit_price_not_negative CHECK (unit_price_minor >= 0),
  CONSTRAINT order_lines_total_consistent CHECK (line_total_minor = quantity * unit_price_minor)
);

-- An order's total and line count must equal the sum and count of its lines. The check spans two
-- tables, so it is a constraint trigger deferred to COMMIT: the order row is written before its lines.
CREATE OR REPLACE FUNCTION orders_check_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_order_id    uuid;
  v_total       bigint;
  v_count       integer;
  v_lines_total bigint;
  v_lines_count integer;
BEGIN
  IF TG_OP = 'DELETE' THEN v_order_id := OLD.order_id; ELSE v_order_id := NEW.order_id; END IF;
  SELECT total_minor, line_count INTO v_total, v_count FROM orders WHERE order_id = v_order_id;
  IF NOT FOUND THEN RETURN NULL; END IF; -- the order itself was deleted
  SELECT COALESCE(sum(line_total_minor), 0), count(*) INTO v_lines_total, v_lines_count
    FROM order_lines WHERE order_id = v_order_id;
  IF v_lines_total <> v_total OR v_lines_count <> v_count THEN
    RAISE EXCEPTION 'order %: total_minor % and line_count % do not match its lines (sum %, count %)',
      v_order_id, v_total, v_count, v_lines_total, v_lines_count
      USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_totals_match_lines';
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS orders_totals_match_lines ON orders;
CREATE CONSTRAINT TRIGGER orders_totals_match_lines
  AFTER INSERT OR UPDATE OF total_minor, line_count ON orders
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orders_check_totals();

DROP TRIGGER IF EXISTS order_lines_totals_match_order ON order_lines;
CREATE CONSTRAINT TRIGGER order_lines_totals_match_order
  AFTER INSERT OR UPDATE OR DELETE ON order_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orders_check_totals();
`;
