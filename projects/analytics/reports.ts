/**
 * The analytics lake's saved Athena queries and its QuickSight dashboard: what analysts open first.
 * Table names are the ones the crawlers and the ETL job create (Glue lower-cases column names):
 * `events` and `dead_letter` (raw zone, JSON, partitioned by `dt`), `events_curated` (Parquet).
 */
import type { DashboardDataSet, DashboardVisuals } from "../../components/analytics/dashboard";
import type { NamedQuery } from "../../components/analytics/data-lake";

export { lakeDatabaseName } from "../../components/analytics/data-lake";

export function namedQueries(database: string): NamedQuery[] {
  return [
    {
      name: "events-per-day-and-type",
      description: "Raw events of the last 7 days, by day and type (partition-pruned)",
      query: `SELECT dt, type, count(*) AS events FROM "${database}"."events" WHERE dt >= date_format(current_date - interval '7' day, '%Y-%m-%d') GROUP BY dt, type ORDER BY dt DESC, events DESC`,
    },
    {
      name: "dead-letters-per-day",
      description: "Records that failed validation, by arrival day: a producer broke its contract",
      query: `SELECT dt, count(*) AS records FROM "${database}"."dead_letter" GROUP BY dt ORDER BY dt DESC`,
    },
    {
      name: "daily-active-users",
      description: "Distinct users per day over the curated events (one row per event id)",
      query: `SELECT dt, count(DISTINCT userid) AS active_users FROM "${database}"."events_curated" GROUP BY dt ORDER BY dt DESC`,
    },
  ];
}

/** Events per day, type and source, with the users behind them (direct query: Athena's scan limit applies). */
export function eventsDataSet(database: string): DashboardDataSet {
  return {
    sql: [
      "SELECT dt AS day, type AS event_type, source, userid AS user_id, 1 AS events",
      `FROM "${database}"."events_curated"`,
      "WHERE dt >= date_format(current_date - interval '90' day, '%Y-%m-%d')",
    ].join(" "),
    columns: [
      { name: "day", type: "STRING" },
      { name: "event_type", type: "STRING" },
      { name: "source", type: "STRING" },
      { name: "user_id", type: "STRING" },
      { name: "events", type: "INTEGER" },
    ],
    importMode: "DIRECT_QUERY",
  };
}

export const eventsVisuals: DashboardVisuals = {
  kpi: { title: "Events (90 days)", value: { column: "events", aggregation: "SUM" } },
  barChart: { title: "Events by type", category: "event_type", value: { column: "events", aggregation: "SUM" }, orientation: "HORIZONTAL" },
  table: {
    title: "Activity by source",
    groupBy: ["source"],
    values: [
      { column: "events", aggregation: "SUM" },
      { column: "user_id", aggregation: "DISTINCT_COUNT" },
    ],
  },
};

/** The warehouse schema QuickSight may read (SELECT only), and its user. */
export const REPORTING_SCHEMA = "reporting";
export const WAREHOUSE_READER = "quicksight_reader";

/**
 * Events of the last 90 days from the warehouse's `reporting.events` table (loaded from the
 * curated zone with COPY: README, analytics), imported to SPICE and refreshed daily at `refreshAt` (UTC).
 */
export function warehouseEventsDataSet(schema: string, refreshAt: string): DashboardDataSet {
  return {
    sql: [
      "SELECT trunc(occurred_at) AS day, type AS event_type, source, userid AS user_id, 1 AS events",
      `FROM "${schema}"."events"`,
      "WHERE occurred_at >= dateadd(day, -90, getdate())",
    ].join(" "),
    columns: [
      { name: "day", type: "DATETIME" },
      { name: "event_type", type: "STRING" },
      { name: "source", type: "STRING" },
      { name: "user_id", type: "STRING" },
      { name: "events", type: "INTEGER" },
    ],
    importMode: "SPICE",
    refreshDailyAt: refreshAt,
  };
}
