/**
 * The hospital's saved Athena queries and its two QuickSight dashboards. Table names are the ones
 * the crawlers and the ETL job create (Glue lower-cases column names): `observation` (FHIR JSON,
 * partitioned by `dt`, crawler `fhir-observations`), `index` (scanned-record metadata, crawler
 * `records-index`), `vitals_curated` (Parquet, the ETL job).
 *
 * - Public health: de-identified. Counts of measurements and of out-of-range values per day and
 *   vital; no patient or device id leaves Athena.
 * - Hospital performance: readings per device and day (device uptime), records scanned per department.
 */
import type { DashboardDataSet, DashboardVisuals } from "../../components/analytics/dashboard";
import type { NamedQuery } from "../../components/analytics/data-lake";

export { lakeDatabaseName } from "../../components/analytics/data-lake";

export function namedQueries(database: string): NamedQuery[] {
  return [
    {
      name: "out-of-range-vitals-last-24h",
      description: "Measurements outside the normal range in the last 24 hours, by patient and vital (clinical review)",
      query: `SELECT patient_id, vital, count(*) AS measurements, min(value) AS lowest, max(value) AS highest FROM "${database}"."vitals_curated" WHERE dt >= date_format(current_date - interval '1' day, '%Y-%m-%d') AND interpretation <> 'N' GROUP BY patient_id, vital ORDER BY measurements DESC`,
    },
    {
      name: "silent-devices",
      description: "Devices that sent readings in the last 7 days but none in the last 24 hours",
      query: `SELECT device_id, max(received_at) AS last_reading FROM "${database}"."vitals_curated" WHERE dt >= date_format(current_date - interval '7' day, '%Y-%m-%d') GROUP BY device_id HAVING max(received_at) < current_timestamp - interval '1' day ORDER BY last_reading`,
    },
    {
      name: "scanned-records-per-department",
      description: "Scanned records indexed per department and day (the records index written by the EHR app)",
      query: `SELECT dt, department, count(*) AS records FROM "${database}"."index" GROUP BY dt, department ORDER BY dt DESC, records DESC`,
    },
  ];
}

/** De-identified: per day and vital, how many measurements and how many out of range (SPICE, refreshed daily). */
export function publicHealthDataSet(database: string): DashboardDataSet {
  return {
    sql: [
      "SELECT dt AS day, vital, interpretation, count(*) AS measurements, sum(CASE WHEN interpretation <> 'N' THEN 1 ELSE 0 END) AS out_of_range",
      `FROM "${database}"."vitals_curated"`,
      "WHERE dt >= date_format(current_date - interval '365' day, '%Y-%m-%d')",
      "GROUP BY dt, vital, interpretation",
    ].join(" "),
    columns: [
      { name: "day", type: "STRING" },
      { name: "vital", type: "STRING" },
      { name: "interpretation", type: "STRING" },
      { name: "measurements", type: "INTEGER" },
      { name: "out_of_range", type: "INTEGER" },
    ],
    importMode: "SPICE",
  };
}

export const publicHealthVisuals: DashboardVisuals = {
  kpi: { title: "Out-of-range measurements (365 days)", value: { column: "out_of_range", aggregation: "SUM" } },
  barChart: { title: "Out-of-range measurements by vital", category: "vital", value: { column: "out_of_range", aggregation: "SUM" }, orientation: "HORIZONTAL" },
  table: { title: "Measurements by vital and interpretation", groupBy: ["vital", "interpretation"], values: [{ column: "measurements", aggregation: "SUM" }] },
};

/** Device activity per day (SPICE, refreshed daily). */
export function hospitalPerformanceDataSet(database: string): DashboardDataSet {
  return {
    sql: [
      "SELECT dt AS day, device_id, count(DISTINCT reading_id) AS readings, count(DISTINCT patient_id) AS patients",
      `FROM "${database}"."vitals_curated"`,
      "WHERE dt >= date_format(current_date - interval '90' day, '%Y-%m-%d')",
      "GROUP BY dt, device_id",
    ].join(" "),
    columns: [
      { name: "day", type: "STRING" },
      { name: "device_id", type: "STRING" },
      { name: "readings", type: "INTEGER" },
      { name: "patients", type: "INTEGER" },
    ],
    importMode: "SPICE",
  };
}

export const hospitalPerformanceVisuals: DashboardVisuals = {
  kpi: { title: "Readings integrated (90 days)", value: { column: "readings", aggregation: "SUM" } },
  barChart: { title: "Readings by device", category: "device_id", value: { column: "readings", aggregation: "SUM" }, orientation: "HORIZONTAL" },
  table: { title: "Activity by day", groupBy: ["day"], values: [{ column: "readings", aggregation: "SUM" }, { column: "patients", aggregation: "SUM" }] },
};
