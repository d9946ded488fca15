/**
 * The QuickSight audience and video performance report: an Athena query over the view events that
 * Firehose lands in S3 (Glue table `view_events`, JSON, partitioned by day), and its visuals.
 */
import type { DashboardDataSet, DashboardVisuals } from "../../components/analytics/dashboard";

/** The Glue columns of a `StreamedViewEvent` (functions/shared/view-events.ts). */
export const viewEventsGlueColumns = [
  { name: "eventid", type: "string" },
  { name: "videoid", type: "string" },
  { name: "sessionid", type: "string" },
  { name: "type", type: "string" },
  { name: "positionsec", type: "double" },
  { name: "occurredat", type: "string" },
  { name: "receivedat", type: "string" },
];

/** Views, completions and watch sessions per video and day (one row per event, aggregated by the visuals). */
export function audienceDataSet(database: string): DashboardDataSet {
  return {
    sql: [
      "SELECT videoid AS video_id, sessionid AS session_id, type AS event_type,",
      "CAST(from_iso8601_timestamp(occurredat) AS timestamp) AS occurred_at,",
      "CASE WHEN type = 'start' THEN 1 ELSE 0 END AS views,",
      "CASE WHEN type = 'complete' THEN 1 ELSE 0 END AS completions",
      `FROM "${database}"."view_events"`,
      "WHERE dt >= date_format(current_date - interval '90' day, '%Y-%m-%d')",
    ].join(" "),
    columns: [
      { name: "video_id", type: "STRING" },
      { name: "session_id", type: "STRING" },
      { name: "event_type", type: "STRING" },
      { name: "occurred_at", type: "DATETIME" },
      { name: "views", type: "INTEGER" },
      { name: "completions", type: "INTEGER" },
    ],
    importMode: "SPICE",
  };
}

export const audienceVisuals: DashboardVisuals = {
  kpi: { title: "Views", value: { column: "views", aggregation: "SUM" }, trendDateColumn: "occurred_at" },
  barChart: { title: "Views by video", category: "video_id", value: { column: "views", aggregation: "SUM" }, orientation: "HORIZONTAL" },
  table: {
    title: "Video performance",
    groupBy: ["video_id"],
    values: [
      { column: "views", aggregation: "SUM" },
      { column: "completions", aggregation: "SUM" },
      { column: "session_id", aggregation: "DISTINCT_COUNT" },
    ],
  },
};
