"""Glue ETL job: raw events (newline-delimited JSON under events/dt=YYYY-MM-DD/) to the curated
zone as Parquet, partitioned by dt, one row per eventId (replayed records collapse).

Job bookmarks (on in the job's defaults) make each run read only the raw objects that are new since
the last successful run. Arguments: --RAW_PATH s3://<raw>/events/, --CURATED_PATH s3://<curated>/events/,
--DATABASE_NAME (the Glue database; the curated table is registered there as `events_curated`).
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

args = getResolvedOptions(sys.argv, ["JOB_NAME", "RAW_PATH", "CURATED_PATH", "DATABASE_NAME"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

raw = glue.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={"paths": [args["RAW_PATH"]], "recurse": True},
    format="json",
    transformation_ctx="raw_events",  # the bookmark's key
)
events = raw.toDF()
if events.head(1):
    curated = (
        events.dropDuplicates(["eventId"])
        .withColumn("occurred_at", F.to_timestamp("occurredAt"))
        .withColumn("dt", F.date_format(F.to_utc_timestamp("occurred_at", "UTC"), "yyyy-MM-dd"))
    )
    sink = glue.getSink(
        connection_type="s3",
        path=args["CURATED_PATH"],
        enableUpdateCatalog=True,
        updateBehavior="UPDATE_IN_DATABASE",
        partitionKeys=["dt"],
        transformation_ctx="curated_events",
    )
    sink.setFormat("glueparquet", compression="snappy")
    sink.setCatalogInfo(catalogDatabase=args["DATABASE_NAME"], catalogTableName="events_curated")
    from awsglue.dynamicframe import DynamicFrame

    sink.writeFrame(DynamicFrame.fromDF(curated, glue, "curated"))

job.commit()
