/**
 * A QuickSight dashboard over one data set: data source (Aurora PostgreSQL or a Redshift
 * warehouse, Serverless or provisioned, through a VPC connection; or Athena), data set (optionally
 * imported to SPICE and refreshed daily), and a dashboard with a real definition (one sheet: a KPI, a
 * bar chart and a table over the data set's columns). Every asset grants the platform's QuickSight
 * admin group the standard owner actions, and nobody else.
 *
 * Only for stacks whose platform has QuickSight active (`PlatformOutputs.quicksightActive`): the
 * project decides whether to build it; the component requires the admin group's ARN.
 *
 * | setting              | default                                                            | control |
 * |----------------------|--------------------------------------------------------------------|---------|
 * | data source TLS      | `sslProperties.disableSsl: false`                                  | QS1     |
 * | private database     | a VPC connection in the given private subnets, its own SG and role; the database's SG admits that SG on its port only | |
 * | credentials          | a read-only user's Secrets Manager secret (required; never master) |         |
 * | query mode           | DIRECT_QUERY (data stays in the database; SPICE on request)        |         |
 * | dashboard            | CSV export and ad hoc filtering off                                |         |
 *
 * Why the dashboard is an `aws.cloudcontrol.Resource`: `@pulumi/aws` 7.48 has no `definition` on
 * `aws.quicksight.Dashboard` (Pulumi dropped QuickSight definitions from the schema: their type
 * tree is too large for the SDKs, pulumi/pulumi-aws#4455), so a typed dashboard could only copy a
 * template. Cloud Control creates `AWS::QuickSight::Dashboard` with its `Definition` (the
 * CloudFormation/QuickSight API shape) through the same AWS provider.
 *
 * Platform prerequisites (account-level QuickSight settings, not created here): QuickSight's
 * Secrets Manager access must be on, and its service role (`aws-quicksight-secretsmanager-role-v0`)
 * needs `secretsmanager:GetSecretValue` on the secret and `kms:Decrypt` on its key.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueprintContext, physicalName } from "../../shared/context";
import { withTags } from "../../shared/tags";
import { RolePlacement, rolePlacementProblems, serviceRole } from "../security/service-role";
import { TransactionalDb } from "../data/transactional-db";
import type { Warehouse } from "./warehouse";
import { policyDocument, throwIfProblems } from "../security/policy-document";

/** Owner actions on a data source. */
export const QuickSightDataSourceActions = [
  "quicksight:DeleteDataSource",
  "quicksight:DescribeDataSource",
  "quicksight:DescribeDataSourcePermissions",
  "quicksight:PassDataSource",
  "quicksight:UpdateDataSource",
  "quicksight:UpdateDataSourcePermissions",
] as const;

/** Owner actions on a data set. */
export const QuickSightDataSetActions = [
  "quicksight:CancelIngestion",
  "quicksight:CreateIngestion",
  "quicksight:DeleteDataSet",
  "quicksight:DescribeDataSet",
  "quicksight:DescribeDataSetPermissions",
  "quicksight:DescribeIngestion",
  "quicksight:ListIngestions",
  "quicksight:PassDataSet",
  "quicksight:UpdateDataSet",
  "quicksight:UpdateDataSetPermissions",
] as const;

/** Owner actions on a dashboard. */
export const QuickSightDashboardActions = [
  "quicksight:DeleteDashboard",
  "quicksight:DescribeDashboard",
  "quicksight:DescribeDashboardPermissions",
  "quicksight:ListDashboardVersions",
  "quicksight:QueryDashboard",
  "quicksight:UpdateDashboard",
  "quicksight:UpdateDashboardPermissions",
  "quicksight:UpdateDashboardPublishedVersion",
] as const;

export const ColumnTypes = ["STRING", "INTEGER", "DECIMAL", "DATETIME", "BIT", "BOOLEAN", "JSON"] as const;
export type ColumnType = (typeof ColumnTypes)[number];

export const Aggregations = ["SUM", "AVERAGE", "MIN", "MAX", "COUNT", "DISTINCT_COUNT"] as const;
export type Aggregation = (typeof Aggregations)[number];

/** A column of the data set. */
export interface DataSetColumn {
  name: string;
  type: ColumnType;
}

/** An aggregated column. */
export interface Measure {
  column: string;
  aggregation: Aggregation;
}

/** Where the data comes from. */
export type DashboardSource =
  | {
      type: "aurora-postgresql";
      /** The database; the dashboard reads its reader endpoint and is allowed into its security group. */
      database: TransactionalDb;
      /**
       * Secret with the credentials QuickSight uses: a read-only database user's (`username`,
       * `password`), never the master user's. Required.
       */
      credentialsSecretArn: pulumi.Input<string>;
      /** The VPC and the private subnets (two or more AZs) of QuickSight's network interfaces. */
      vpcId: pulumi.Input<string>;
      subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    }
  | {
      type: "redshift";
      /** The warehouse (Serverless or provisioned); the dashboard reads its endpoint and is allowed into its security group on its port. */
      warehouse: Warehouse;
      /**
       * Secret with the credentials QuickSight uses: a read-only database user's (`username`,
       * `password`), never the admin's (`warehouse.adminSecretArn` is refused). Required.
       */
      credentialsSecretArn: pulumi.Input<string>;
      /** The VPC and the private subnets (two or more AZs) of QuickSight's network interfaces. */
      vpcId: pulumi.Input<string>;
      subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    }
  | {
      type: "athena";
      /** The Athena workgroup (with enforced, encrypted results). */
      workGroup: pulumi.Input<string>;
      /** Role QuickSight assumes for Athena. Default: QuickSight's service role. */
      roleArn?: pulumi.Input<string>;
    };

/** The data set: custom SQL or one table, and its columns. */
export interface DashboardDataSet {
  /** A SELECT whose result is the data set. One of `sql` and `table`. */
  sql?: string;
  /** A table (or view). One of `sql` and `table`. */
  table?: { name: string; schema?: string; catalog?: string };
  /** Its columns (the visuals may only use these). Required. */
  columns: DataSetColumn[];
  /** `DIRECT_QUERY` (queries the source) or `SPICE` (imported, refreshed). Default: `DIRECT_QUERY`. */
  importMode?: "DIRECT_QUERY" | "SPICE";
  /** SPICE only: a full refresh every day at this time (`HH:MM`, UTC). Default: no schedule. */
  refreshDailyAt?: string;
}

/** The sheet's visuals. */
export interface DashboardVisuals {
  /** A headline number (optionally trended over a DATETIME column). Required. */
  kpi: { title: string; value: Measure; trendDateColumn?: string };
  /** A measure per category. Required. */
  barChart: { title: string; category: string; value: Measure; orientation?: "VERTICAL" | "HORIZONTAL" };
  /** Measures grouped by columns. Required. */
  table: { title: string; groupBy: string[]; values: Measure[] };
}

export interface DashboardArgs {
  /** The stack's context (tags, region). Required. */
  context: BlueprintContext;
  /** The platform's QuickSight admin group ARN (`PlatformOutputs.quicksightAdminGroupArn`). Required, never empty. */
  adminGroupArn: pulumi.Input<string>;
  /** The data source. Required. */
  source: DashboardSource;
  /** The data set. Required. */
  dataSet: DashboardDataSet;
  /** The sheet's visuals. Required. */
  visuals: DashboardVisuals;
  /** The dashboard's title. Default: the physical name. */
  title?: string;
  /** Let viewers export visuals to CSV. Default: false. */
  exportToCsv?: boolean;
  /** Path and permissions boundary of the VPC-connection role. Default: `/`, no boundary. */
  rolePlacement?: RolePlacement;
  /** Extra tags beside the required ones. Default: none. */
  tags?: Record<string, string>;
}

/**
 * The role QuickSight assumes for an Athena data source (`source.roleArn`), trusted by QuickSight
 * for this account only; grant it what it reads (e.g. `DataLake.grantQuery`). A top-level resource
 * (not a child of a dashboard), so that one role serves every dashboard of the stack.
 */
export function quickSightAthenaRole(name: string, args: { description: string; account: pulumi.Input<string>; placement: RolePlacement; tags: Record<string, string> }): aws.iam.Role {
  return new aws.iam.Role(name, {
    description: args.description,
    path: args.placement.path,
    ...(args.placement.permissionsBoundaryArn !== undefined ? { permissionsBoundary: args.placement.permissionsBoundaryArn } : {}),
    assumeRolePolicy: policyDocument([{ Sid: "QuickSightAssumesRole", Effect: "Allow", Principal: { Service: "quicksight.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.account } } }]),
    tags: args.tags,
  });
}

const NUMERIC: readonly ColumnType[] = ["INTEGER", "DECIMAL"];
const DATA_SET_IDENTIFIER = "data";

export class Dashboard extends pulumi.ComponentResource {
  readonly dataSource: aws.quicksight.DataSource;
  readonly dataSet: aws.quicksight.DataSet;
  readonly dashboard: aws.cloudcontrol.Resource;
  /** The security group of QuickSight's network interfaces (Aurora sources). */
  readonly securityGroupId: pulumi.Output<string> | undefined;
  readonly dashboardId: pulumi.Output<string>;
  readonly dashboardArn: pulumi.Output<string>;
  readonly dataSetArn: pulumi.Output<string>;
  readonly dataSourceArn: pulumi.Output<string>;

  constructor(name: string, args: DashboardArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("blueprints:analytics:Dashboard", name, {}, opts);
    const { context } = args;
    const problems = [...dataSetProblems(args.dataSet), ...visualProblems(args.visuals, args.dataSet.columns ?? [])];
    if (typeof args.adminGroupArn === "string" && !/^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:group\/[^/]+\/.+$/.test(args.adminGroupArn)) {
      problems.push(`adminGroupArn = "${args.adminGroupArn}": must be a QuickSight group ARN (the platform's quicksightAdminGroupArn; empty means QuickSight is not active, so do not build the dashboard)`);
    }
    if (!["aurora-postgresql", "redshift", "athena"].includes(args.source?.type)) problems.push(`source.type = "${(args.source as { type?: string })?.type}": must be aurora-postgresql, redshift or athena`);
    if ((args.source?.type === "aurora-postgresql" || args.source?.type === "redshift") && Array.isArray(args.source.subnetIds) && args.source.subnetIds.length < 2) {
      problems.push(`source.subnetIds has ${args.source.subnetIds.length} subnet(s): a QuickSight VPC connection needs subnets in at least two AZs`);
    }
    if ((args.source?.type === "aurora-postgresql" || args.source?.type === "redshift") && args.source.credentialsSecretArn === undefined) {
      problems.push("source.credentialsSecretArn is required: the secret of a read-only database user (the master user's would let the dashboard write and administer the database)");
    }
    problems.push(...rolePlacementProblems(args.rolePlacement));
    throwIfProblems(`Dashboard ${name}`, problems);

    const tags = withTags(context.tags, args.tags ?? {});
    const adminGroupArn = pulumi.output(args.adminGroupArn).apply((arn) => {
      if (!arn) throw new Error(`Dashboard ${name}: adminGroupArn is empty: QuickSight is not active on the platform, so do not build the dashboard`);
      return arn;
    });
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    let parameters: aws.types.input.quicksight.DataSourceParameters;
    let type: string;
    let extra: Partial<aws.quicksight.DataSourceArgs> = {};
    if (args.source.type === "aurora-postgresql" || args.source.type === "redshift") {
      const src = args.source;
      const target: DatabaseTarget =
        src.type === "aurora-postgresql"
          ? { engine: "PostgreSQL", port: src.database.port, securityGroupId: src.database.securityGroupId, allowFrom: (id, sgId) => src.database.allowFrom(id, sgId) }
          : { engine: "Redshift", port: src.warehouse.port, securityGroupId: src.warehouse.securityGroup.id, allowFrom: (id, sgId) => src.warehouse.allowFrom(id, sgId, `QuickSight dashboard ${physicalName(context, name)}`) };
      if (src.type === "redshift") {
        // The admin secret would give the dashboard the warehouse's superuser: refuse it at deploy.
        pulumi.all([src.credentialsSecretArn, src.warehouse.adminSecretArn]).apply(([given, admin]) => {
          if (given && admin && given === admin) throw new Error(`Dashboard ${name}: source.credentialsSecretArn is the warehouse's admin secret: give a read-only user's secret`);
        });
      }
      const sg = new aws.ec2.SecurityGroup(
        `${name}-quicksight`,
        { vpcId: src.vpcId, description: `QuickSight network interfaces of ${physicalName(context, name)}: to the database only`, tags: withTags(context.tags, args.tags ?? {}, physicalName(context, `${name}-quicksight`)) },
        { parent: this },
      );
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-quicksight-to-db`,
        { securityGroupId: sg.id, description: `${target.engine} to the database`, ipProtocol: "tcp", fromPort: target.port, toPort: target.port, referencedSecurityGroupId: target.securityGroupId, tags },
        { parent: this },
      );
      // QuickSight's network interfaces do not track connections: replies from the database need
      // an inbound rule (AWS: "security group for the QuickSight network interface").
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-quicksight-from-db`,
        { securityGroupId: sg.id, description: "Replies from the database", ipProtocol: "tcp", fromPort: 0, toPort: 65535, referencedSecurityGroupId: target.securityGroupId, tags },
        { parent: this },
      );
      target.allowFrom(`quicksight-${name}`, sg.id);
      this.securityGroupId = sg.id;

      const role = serviceRole(this, `${name}-vpc-connection`, {
        context,
        service: "quicksight.amazonaws.com",
        description: `QuickSight VPC connection of ${physicalName(context, name)}`,
        placement: args.rolePlacement,
        // No aws:SourceAccount condition: QuickSight's VPC-connection documentation does not say
        // it sends one, and a condition on a key the service does not send blocks it.
      });
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-vpc-connection`,
        {
          role: role.name,
          policy: policyDocument([
            {
              Sid: "ManageNetworkInterfaces",
              Effect: "Allow",
              // EC2 does not scope these actions to resources at creation time.
              Action: ["ec2:CreateNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"],
              Resource: "*",
            },
          ]),
        },
        { parent: this },
      );
      const vpcConnection = new aws.quicksight.VpcConnection(
        `${name}-vpc-connection`,
        {
          vpcConnectionId: physicalName(context, `${name}-vpc`),
          name: physicalName(context, `${name}-vpc`),
          roleArn: role.arn,
          securityGroupIds: [sg.id],
          subnetIds: src.subnetIds,
          tags,
        },
        { parent: this, dependsOn: [rolePolicy] },
      );
      if (src.type === "aurora-postgresql") {
        type = "AURORA_POSTGRESQL";
        parameters = { auroraPostgresql: { host: src.database.readerEndpoint, port: src.database.port, database: src.database.databaseName } };
      } else {
        const w = src.warehouse;
        type = "REDSHIFT";
        parameters = {
          redshift: {
            host: w.endpoint,
            port: w.port,
            database: w.databaseName,
            // A provisioned cluster is also named by its identifier; a Serverless workgroup only by its endpoint.
            ...(w.cluster ? { clusterId: w.cluster.clusterIdentifier } : {}),
          },
        };
      }
      extra = { credentials: { secretArn: src.credentialsSecretArn }, vpcConnectionProperties: { vpcConnectionArn: vpcConnection.arn } };
    } else {
      this.securityGroupId = undefined;
      type = "ATHENA";
      parameters = { athena: { workGroup: args.source.workGroup, ...(args.source.roleArn !== undefined ? { roleArn: args.source.roleArn } : {}) } };
    }

    this.dataSource = new aws.quicksight.DataSource(
      `${name}-source`,
      {
        dataSourceId: physicalName(context, `${name}-source`),
        name: physicalName(context, `${name}-source`),
        type,
        parameters,
        sslProperties: { disableSsl: false },
        permissions: [{ principal: adminGroupArn, actions: [...QuickSightDataSourceActions] }],
        ...extra,
        tags,
      },
      { parent: this },
    );

    const ds = args.dataSet;
    const physical: aws.types.input.quicksight.DataSetPhysicalTableMap = ds.sql
      ? { physicalTableMapId: "source", customSql: { dataSourceArn: this.dataSource.arn, name: "query", sqlQuery: ds.sql, columns: ds.columns.map((c) => ({ name: c.name, type: c.type })) } }
      : {
          physicalTableMapId: "source",
          relationalTable: {
            dataSourceArn: this.dataSource.arn,
            name: ds.table!.name,
            ...(ds.table!.schema ? { schema: ds.table!.schema } : {}),
            ...(ds.table!.catalog ? { catalog: ds.table!.catalog } : {}),
            inputColumns: ds.columns.map((c) => ({ name: c.name, type: c.type })),
          },
        };
    this.dataSet = new aws.quicksight.DataSet(
      `${name}-data`,
      {
        dataSetId: physicalName(context, `${name}-data`),
        name: physicalName(context, `${name}-data`),
        importMode: ds.importMode ?? "DIRECT_QUERY",
        physicalTableMaps: [physical],
        logicalTableMaps: [{ logicalTableMapId: "main", alias: "main", source: { physicalTableId: "source" } }],
        permissions: [{ principal: adminGroupArn, actions: [...QuickSightDataSetActions] }],
        tags,
      },
      { parent: this },
    );

    if (ds.refreshDailyAt !== undefined) {
      new aws.quicksight.RefreshSchedule(
        `${name}-daily`,
        {
          dataSetId: this.dataSet.dataSetId,
          scheduleId: `${name}-daily`,
          schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: ds.refreshDailyAt, timezone: "UTC" } },
        },
        { parent: this },
      );
    }

    const dashboardId = physicalName(context, name);
    const definition = dashboardDefinition(this.dataSet.arn, ds.columns, args.visuals);
    this.dashboard = new aws.cloudcontrol.Resource(
      name,
      {
        typeName: "AWS::QuickSight::Dashboard",
        desiredState: pulumi.jsonStringify({
          AwsAccountId: account,
          DashboardId: dashboardId,
          Name: args.title ?? dashboardId,
          VersionDescription: "Managed by Pulumi (blueprints:analytics:Dashboard)",
          Definition: definition,
          Permissions: [{ Principal: adminGroupArn, Actions: [...QuickSightDashboardActions] }],
          DashboardPublishOptions: {
            AdHocFilteringOption: { AvailabilityStatus: "DISABLED" },
            ExportToCSVOption: { AvailabilityStatus: args.exportToCsv ? "ENABLED" : "DISABLED" },
            SheetControlsOption: { VisibilityState: "COLLAPSED" },
          },
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      },
      { parent: this },
    );

    this.dashboardId = pulumi.output(dashboardId);
    this.dashboardArn = pulumi.interpolate`arn:${partition}:quicksight:${context.region}:${account}:dashboard/${dashboardId}`;
    this.dataSetArn = this.dataSet.arn;
    this.dataSourceArn = this.dataSource.arn;
    this.registerOutputs({ dashboardId: this.dashboardId, dashboardArn: this.dashboardArn, dataSetArn: this.dataSetArn, dataSourceArn: this.dataSourceArn });
  }
}

/**
 * The dashboard `Definition` (QuickSight API / CloudFormation shape): one data set declaration and
 * one sheet with a KPI, a bar chart and a table. Pure.
 */
export function dashboardDefinition(dataSetArn: pulumi.Input<string>, columns: readonly DataSetColumn[], visuals: DashboardVisuals): Record<string, unknown> {
  const typeOf = new Map(columns.map((c) => [c.name, c.type]));
  let n = 0;
  const fieldId = (what: string) => `${what}-${++n}`;
  const column = (name: string) => ({ DataSetIdentifier: DATA_SET_IDENTIFIER, ColumnName: name });
  const title = (text: string) => ({ Visibility: "VISIBLE", FormatText: { PlainText: text } });

  const measure = (m: Measure) => {
    const t = typeOf.get(m.column)!;
    if (NUMERIC.includes(t)) return { NumericalMeasureField: { FieldId: fieldId("measure"), Column: column(m.column), AggregationFunction: { SimpleNumericalAggregation: m.aggregation } } };
    if (t === "DATETIME") return { DateMeasureField: { FieldId: fieldId("measure"), Column: column(m.column), AggregationFunction: m.aggregation } };
    return { CategoricalMeasureField: { FieldId: fieldId("measure"), Column: column(m.column), AggregationFunction: m.aggregation } };
  };
  const dimension = (name: string) => {
    const t = typeOf.get(name)!;
    if (t === "DATETIME") return { DateDimensionField: { FieldId: fieldId("dimension"), Column: column(name), DateGranularity: "DAY" } };
    if (NUMERIC.includes(t)) return { NumericalDimensionField: { FieldId: fieldId("dimension"), Column: column(name) } };
    return { CategoricalDimensionField: { FieldId: fieldId("dimension"), Column: column(name) } };
  };

  const kpi = {
    KPIVisual: {
      VisualId: "kpi",
      Title: title(visuals.kpi.title),
      ChartConfiguration: {
        FieldWells: {
          Values: [measure(visuals.kpi.value)],
          ...(visuals.kpi.trendDateColumn ? { TrendGroups: [dimension(visuals.kpi.trendDateColumn)] } : {}),
        },
      },
    },
  };
  const bar = {
    BarChartVisual: {
      VisualId: "bar-chart",
      Title: title(visuals.barChart.title),
      ChartConfiguration: {
        FieldWells: { BarChartAggregatedFieldWells: { Category: [dimension(visuals.barChart.category)], Values: [measure(visuals.barChart.value)] } },
        Orientation: visuals.barChart.orientation ?? "VERTICAL",
        Legend: { Visibility: "HIDDEN" },
        DataLabels: { Visibility: "VISIBLE" },
      },
    },
  };
  const table = {
    TableVisual: {
      VisualId: "table",
      Title: title(visuals.table.title),
      ChartConfiguration: {
        FieldWells: { TableAggregatedFieldWells: { GroupBy: visuals.table.groupBy.map(dimension), Values: visuals.table.values.map(measure) } },
      },
    },
  };

  return {
    DataSetIdentifierDeclarations: [{ Identifier: DATA_SET_IDENTIFIER, DataSetArn: dataSetArn }],
    Sheets: [{ SheetId: "overview", Name: "Overview", Visuals: [kpi, bar, table] }],
  };
}

/** What the VPC connection reaches: an Aurora cluster or a Redshift warehouse. */
interface DatabaseTarget {
  engine: string;
  port: pulumi.Input<number>;
  securityGroupId: pulumi.Input<string>;
  allowFrom: (name: string, securityGroupId: pulumi.Input<string>) => unknown;
}

function dataSetProblems(ds: DashboardDataSet): string[] {
  const problems: string[] = [];
  if (ds.refreshDailyAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(ds.refreshDailyAt)) problems.push(`dataSet.refreshDailyAt = "${ds.refreshDailyAt}": must be HH:MM (UTC), e.g. 05:00`);
  if (ds.refreshDailyAt !== undefined && ds.importMode !== "SPICE") problems.push(`dataSet.refreshDailyAt needs importMode SPICE (a DIRECT_QUERY data set has nothing to refresh); importMode is ${ds.importMode ?? "DIRECT_QUERY (the default)"}`);
  if ((ds.sql === undefined) === (ds.table === undefined)) problems.push("dataSet: give exactly one of sql and table");
  if (ds.sql !== undefined && !/^\s*(select|with)\b/i.test(ds.sql)) problems.push("dataSet.sql must be a SELECT (or WITH ... SELECT) query");
  if (ds.table !== undefined && !ds.table.name) problems.push("dataSet.table.name is empty");
  if (ds.importMode !== undefined && !["DIRECT_QUERY", "SPICE"].includes(ds.importMode)) problems.push(`dataSet.importMode = "${ds.importMode}": must be DIRECT_QUERY or SPICE`);
  if (!ds.columns || ds.columns.length === 0) problems.push("dataSet.columns is empty: list the columns the visuals use");
  const seen = new Set<string>();
  for (const c of ds.columns ?? []) {
    if (!c.name) problems.push("dataSet.columns: a column has no name");
    if (seen.has(c.name)) problems.push(`dataSet.columns "${c.name}": listed twice`);
    seen.add(c.name);
    if (!(ColumnTypes as readonly string[]).includes(c.type)) problems.push(`dataSet.columns "${c.name}": type "${c.type}" must be one of ${ColumnTypes.join(", ")}`);
  }
  return problems;
}

function visualProblems(v: DashboardVisuals, columns: readonly DataSetColumn[]): string[] {
  const problems: string[] = [];
  const typeOf = new Map(columns.map((c) => [c.name, c.type]));
  const known = (where: string, name: string) => {
    if (!typeOf.has(name)) {
      problems.push(`${where}: column "${name}" is not in dataSet.columns (${[...typeOf.keys()].join(", ")})`);
      return false;
    }
    return true;
  };
  const measure = (where: string, m: Measure) => {
    if (!(Aggregations as readonly string[]).includes(m.aggregation)) problems.push(`${where}: aggregation "${m.aggregation}" must be one of ${Aggregations.join(", ")}`);
    if (known(where, m.column) && !NUMERIC.includes(typeOf.get(m.column)!) && !["COUNT", "DISTINCT_COUNT"].includes(m.aggregation)) {
      problems.push(`${where}: ${m.aggregation} needs a numeric column; "${m.column}" is ${typeOf.get(m.column)} (use COUNT or DISTINCT_COUNT)`);
    }
  };
  if (!v?.kpi || !v.barChart || !v.table) return ["visuals: give kpi, barChart and table"];
  measure("visuals.kpi.value", v.kpi.value);
  if (v.kpi.trendDateColumn !== undefined && known("visuals.kpi.trendDateColumn", v.kpi.trendDateColumn) && typeOf.get(v.kpi.trendDateColumn) !== "DATETIME") {
    problems.push(`visuals.kpi.trendDateColumn: "${v.kpi.trendDateColumn}" must be a DATETIME column`);
  }
  known("visuals.barChart.category", v.barChart.category);
  measure("visuals.barChart.value", v.barChart.value);
  if (v.table.groupBy.length === 0 && v.table.values.length === 0) problems.push("visuals.table: give groupBy columns or values");
  v.table.groupBy.forEach((c, i) => known(`visuals.table.groupBy[${i}]`, c));
  v.table.values.forEach((m, i) => measure(`visuals.table.values[${i}]`, m));
  for (const [k, t] of [["kpi", v.kpi.title], ["barChart", v.barChart.title], ["table", v.table.title]] as const) {
    if (!t) problems.push(`visuals.${k}.title is empty`);
  }
  return problems;
}
