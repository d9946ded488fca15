/**
 * The QuickSight reports' data sets and visuals, over the ledger (functions/transfer/schema.sql),
 * read as the read-only `reporting` user. Amounts stay in minor units, summed per currency.
 */
import type { DashboardDataSet, DashboardVisuals } from "../../components/analytics/dashboard";

/** Financial report: money moved, per currency and day (each transfer counted once, on its debit). */
export const financialDataSet: DashboardDataSet = {
  sql: "SELECT transfer_id, account_id, currency, -amount_cents AS amount_minor, posted_at FROM ledger_entries WHERE amount_cents < 0",
  columns: [
    { name: "transfer_id", type: "STRING" },
    { name: "account_id", type: "STRING" },
    { name: "currency", type: "STRING" },
    { name: "amount_minor", type: "INTEGER" },
    { name: "posted_at", type: "DATETIME" },
  ],
  importMode: "SPICE",
};

export const financialVisuals: DashboardVisuals = {
  kpi: { title: "Transfers posted", value: { column: "transfer_id", aggregation: "COUNT" }, trendDateColumn: "posted_at" },
  barChart: { title: "Volume by currency (minor units)", category: "currency", value: { column: "amount_minor", aggregation: "SUM" } },
  table: { title: "Volume and count by currency", groupBy: ["currency"], values: [{ column: "amount_minor", aggregation: "SUM" }, { column: "transfer_id", aggregation: "COUNT" }] },
};

/** Usage report: how many accounts move money, and how often. */
export const usageDataSet: DashboardDataSet = {
  sql: "SELECT e.account_id, a.status, e.currency, e.posted_at, CASE WHEN e.amount_cents < 0 THEN 'sent' ELSE 'received' END AS direction FROM ledger_entries e JOIN accounts a USING (account_id)",
  columns: [
    { name: "account_id", type: "STRING" },
    { name: "status", type: "STRING" },
    { name: "currency", type: "STRING" },
    { name: "posted_at", type: "DATETIME" },
    { name: "direction", type: "STRING" },
  ],
  importMode: "SPICE",
};

export const usageVisuals: DashboardVisuals = {
  kpi: { title: "Active accounts", value: { column: "account_id", aggregation: "DISTINCT_COUNT" }, trendDateColumn: "posted_at" },
  barChart: { title: "Postings by direction", category: "direction", value: { column: "account_id", aggregation: "COUNT" } },
  table: { title: "Accounts by status and currency", groupBy: ["status", "currency"], values: [{ column: "account_id", aggregation: "DISTINCT_COUNT" }] },
};
