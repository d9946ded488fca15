"""Glue ETL job: FHIR Observations (newline-delimited JSON under fhir/observation/dt=YYYY-MM-DD/,
written by the integration workflow) to one row per measured value, as Parquet partitioned by dt
under the curated prefix, registered as `vitals_curated` for Athena and the dashboards.

A blood-pressure panel becomes two rows (systolic, diastolic); every row keeps the reading, patient
and device ids, the LOINC code, value, UCUM unit and interpretation (L, N, H). Job bookmarks (on in
the job's defaults) make each run read only the objects that are new since the last successful run,
so the workflow's hourly start and the nightly schedule never process a file twice; a re-delivered
reading overwrote its own file, and rows are de-duplicated by observation id and component.

Arguments: --OBSERVATIONS_PATH s3://<lake>/fhir/observation/, --CURATED_PATH s3://<lake>/curated/vitals/,
--DATABASE_NAME (the Glue database).
"""
import sys

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(sys.argv, ["JOB_NAME", "OBSERVATIONS_PATH", "CURATED_PATH", "DATABASE_NAME"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

frame = glue.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={"paths": [args["OBSERVATIONS_PATH"]], "recurse": True},
    format="json",
    transformation_ctx="fhir_observations",  # the bookmark's key
)
observations = frame.toDF()
if observations.head(1):
    common = [
        F.col("id").alias("observation_id"),
        F.regexp_extract(F.col("identifier")[0]["value"], "^urn:uuid:(.*)$", 1).alias("reading_id"),
        F.regexp_extract("subject.reference", "^Patient/(.*)$", 1).alias("patient_id"),
        F.regexp_extract("device.reference", "^Device/(.*)$", 1).alias("device_id"),
        F.to_timestamp("effectiveDateTime").alias("effective_at"),
        F.to_timestamp("issued").alias("received_at"),
    ]
    single = observations.where(F.col("valueQuantity").isNotNull()).select(
        *common,
        F.col("code.coding")[0]["code"].alias("loinc_code"),
        F.col("code.text").alias("vital"),
        F.col("valueQuantity.value").cast("double").alias("value"),
        F.col("valueQuantity.code").alias("unit"),
        F.col("interpretation")[0]["coding"][0]["code"].alias("interpretation"),
    )
    panels = (
        observations.where(F.col("component").isNotNull())
        .select(*common, F.explode("component").alias("c"))
        .select(
            "observation_id", "reading_id", "patient_id", "device_id", "effective_at", "received_at",
            F.col("c.code.coding")[0]["code"].alias("loinc_code"),
            F.col("c.code.text").alias("vital"),
            F.col("c.valueQuantity.value").cast("double").alias("value"),
            F.col("c.valueQuantity.code").alias("unit"),
            F.col("c.interpretation")[0]["coding"][0]["code"].alias("interpretation"),
        )
    )
    rows = (
        single.unionByName(panels)
        .dropDuplicates(["observation_id", "loinc_code"])
        .withColumn("dt", F.date_format("effective_at", "yyyy-MM-dd"))
    )
    sink = glue.getSink(
        connection_type="s3",
        path=args["CURATED_PATH"],
        enableUpdateCatalog=True,
        updateBehavior="UPDATE_IN_DATABASE",
        partitionKeys=["dt"],
        transformation_ctx="curated_vitals",
    )
    sink.setFormat("glueparquet", compression="snappy")
    sink.setCatalogInfo(catalogDatabase=args["DATABASE_NAME"], catalogTableName="vitals_curated")
    sink.writeFrame(DynamicFrame.fromDF(rows, glue, "vitals"))

job.commit()
