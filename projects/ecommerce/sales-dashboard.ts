/**
 * The sales dashboard's data set and visuals, over the checkout's `orders` table
 * (functions/checkout/schema.sql). Amounts stay in minor units (cents, yen): currencies differ in
 * their decimals, so each is summed in its own unit and shown by currency.
 */
import type { DashboardDataSet, DashboardVisuals } from "../../components/analytics/dashboard";

export const salesDataSet: DashboardDataSet = {
  sql: "SELECT order_id, created_at, currency, status, total_minor, line_count FROM orders",
  columns: [
    { name: "order_id", type: "STRING" },
    { name: "created_at", type: "DATETIME" },
    { name: "currency", type: "STRING" },
    { name: "status", type: "STRING" },
    { name: "total_minor", type: "INTEGER" },
    { name: "line_count", type: "INTEGER" },
  ],
};

export const salesVisuals: DashboardVisuals = {
  kpi: { title: "Orders", value: { column: "order_id", aggregation: "COUNT" }, trendDateColumn: "created_at" },
  barChart: { title: "Revenue by currency (minor units)", category: "currency", value: { column: "total_minor", aggregation: "SUM" } },
  table: {
    title: "Orders by status and currency",
    groupBy: ["status", "currency"],
    values: [
      { column: "order_id", aggregation: "COUNT" },
      { column: "total_minor", aggregation: "SUM" },
      { column: "line_count", aggregation: "AVERAGE" },
    ],
  },
};
