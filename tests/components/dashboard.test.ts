import { expect } from "chai";
import { Dashboard, DashboardArgs, dashboardDefinition, DashboardVisuals, DataSetColumn, QuickSightDashboardActions, QuickSightDataSetActions, QuickSightDataSourceActions } from "../../components/analytics/dashboard";
import { TransactionalDb } from "../../components/data/transactional-db";
import { Warehouse } from "../../components/analytics/warehouse";
import { RequiredTagKeys } from "../../shared/tags";
import { MockRecorder, promiseOf, setupMocks, statement, testContext } from "../helpers/mocks";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-a444-555555555555";
const READER_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-sales-reader-AbCdEf";
const GROUP_ARN = "arn:aws:quicksight:us-east-1:123456789012:group/default/quicksight-admins";
const SOURCE = "aws:quicksight/dataSource:DataSource";
const DATA_SET = "aws:quicksight/dataSet:DataSet";
const DASHBOARD = "aws:cloudcontrol/resource:Resource";

const columns: DataSetColumn[] = [
  { name: "order_date", type: "DATETIME" },
  { name: "region", type: "STRING" },
  { name: "order_id", type: "STRING" },
  { name: "total", type: "DECIMAL" },
];
const visuals: DashboardVisuals = {
  kpi: { title: "Revenue", value: { column: "total", aggregation: "SUM" }, trendDateColumn: "order_date" },
  barChart: { title: "Revenue by region", category: "region", value: { column: "total", aggregation: "SUM" } },
  table: { title: "Orders by region", groupBy: ["region"], values: [{ column: "order_id", aggregation: "COUNT" }, { column: "total", aggregation: "AVERAGE" }] },
};
const dataSet = { sql: "SELECT order_date, region, order_id, total FROM sales.orders", columns };

describe("Dashboard", () => {
  let mocks: MockRecorder;
  before(async () => {
    mocks = await setupMocks();
  });
  beforeEach(() => mocks.reset());

  function database(env: "dev" | "prod" = "dev") {
    return new TransactionalDb("orders", { context: testContext(env), kmsKey: KEY_ARN, vpcId: "vpc-1", subnetIds: ["subnet-i1", "subnet-i2"], eventsTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms" });
  }

  async function buildAurora(name: string, args: Partial<DashboardArgs> = {}, env: "dev" | "prod" = "dev") {
    const db = database(env);
    const d = new Dashboard(name, {
      context: testContext(env),
      adminGroupArn: GROUP_ARN,
      source: { type: "aurora-postgresql", database: db, credentialsSecretArn: READER_SECRET, vpcId: "vpc-1", subnetIds: ["subnet-p1", "subnet-p2"] },
      dataSet,
      visuals,
      ...args,
    });
    await mocks.settle();
    return { d, db };
  }

  describe("Aurora PostgreSQL through a VPC connection", () => {
    it("creates the SG and its rules, the role, the VPC connection, data source, data set and dashboard", async () => {
      await buildAurora("sales");
      const component = mocks.one("blueprints:analytics:Dashboard", "sales");
      expect(mocks.descendantsOf(component.urn).map((r) => r.type)).to.have.members([
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:quicksight/vpcConnection:VpcConnection",
        SOURCE,
        DATA_SET,
        DASHBOARD,
      ]);
    });

    it("the data source reads the reader endpoint over TLS with the read-only user's secret (not the master's), through the VPC connection", async () => {
      const { db } = await buildAurora("sales");
      const s = mocks.one(SOURCE).inputs;
      expect(s).to.deep.include({ dataSourceId: "test-dev-sales-source", type: "AURORA_POSTGRESQL", sslProperties: { disableSsl: false } });
      expect(s.parameters.auroraPostgresql).to.deep.equal({ host: await promiseOf(db.readerEndpoint), port: 5433, database: "app" });
      expect(s.credentials).to.deep.equal({ secretArn: READER_SECRET });
      expect(READER_SECRET).to.not.equal(await promiseOf(db.masterUserSecretArn));
      expect(s.vpcConnectionProperties.vpcConnectionArn).to.match(/^arn:aws:quicksight:us-east-1:123456789012:/);
      expect(s.permissions).to.deep.equal([{ principal: GROUP_ARN, actions: [...QuickSightDataSourceActions] }]);
      expect(s.tags).to.include.keys(...RequiredTagKeys);
    });

    it("the VPC connection: private subnets, its own SG reaching only the database, a role QuickSight assumes", async () => {
      const { d, db } = await buildAurora("sales");
      const sgId = await promiseOf(d.securityGroupId!);
      const dbSg = await promiseOf(db.securityGroupId);
      expect(mocks.one("aws:quicksight/vpcConnection:VpcConnection").inputs).to.deep.include({ subnetIds: ["subnet-p1", "subnet-p2"], securityGroupIds: [sgId] });
      expect(mocks.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").inputs).to.deep.include({ securityGroupId: sgId, fromPort: 5433, toPort: 5433, referencedSecurityGroupId: dbSg });
      expect(mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sales-quicksight-from-db").inputs.referencedSecurityGroupId).to.equal(dbSg);
      // The database lets the QuickSight SG in on its port.
      expect(mocks.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "orders-from-quicksight-sales").inputs).to.deep.include({ securityGroupId: dbSg, referencedSecurityGroupId: sgId, fromPort: 5433 });
      const role = mocks.ofType("aws:iam/role:Role").find((r) => r.name === "sales-vpc-connection")!;
      expect(statement(role.inputs.assumeRolePolicy, "ServiceAssumesRole")).to.deep.include({ Principal: { Service: "quicksight.amazonaws.com" }, Action: "sts:AssumeRole" });
      const eni = statement(mocks.one("aws:iam/rolePolicy:RolePolicy").inputs.policy, "ManageNetworkInterfaces");
      expect(eni.Action).to.have.members(["ec2:CreateNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]);
    });

    it("the data set: custom SQL with typed columns, DIRECT_QUERY, the admin group's permissions", async () => {
      const { d } = await buildAurora("sales");
      const ds = mocks.one(DATA_SET).inputs;
      expect(ds).to.deep.include({ dataSetId: "test-dev-sales-data", importMode: "DIRECT_QUERY" });
      expect(ds.physicalTableMaps[0].customSql).to.deep.include({ dataSourceArn: await promiseOf(d.dataSourceArn), sqlQuery: dataSet.sql, columns });
      expect(ds.logicalTableMaps).to.deep.equal([{ logicalTableMapId: "main", alias: "main", source: { physicalTableId: "source" } }]);
      expect(ds.permissions).to.deep.equal([{ principal: GROUP_ARN, actions: [...QuickSightDataSetActions] }]);
    });

    it("the dashboard: AWS::QuickSight::Dashboard with a real definition, admin-group permissions, exports off", async () => {
      const { d } = await buildAurora("sales", { title: "Sales" });
      const r = mocks.one(DASHBOARD).inputs;
      expect(r.typeName).to.equal("AWS::QuickSight::Dashboard");
      const state = JSON.parse(r.desiredState);
      expect(state).to.deep.include({ AwsAccountId: "123456789012", DashboardId: "test-dev-sales", Name: "Sales" });
      expect(state.Permissions).to.deep.equal([{ Principal: GROUP_ARN, Actions: [...QuickSightDashboardActions] }]);
      expect(state.DashboardPublishOptions.ExportToCSVOption).to.deep.equal({ AvailabilityStatus: "DISABLED" });
      expect(state.Definition.DataSetIdentifierDeclarations).to.deep.equal([{ Identifier: "data", DataSetArn: await promiseOf(d.dataSetArn) }]);
      const visualsOut = state.Definition.Sheets[0].Visuals;
      expect(visualsOut.map((v: object) => Object.keys(v)[0])).to.deep.equal(["KPIVisual", "BarChartVisual", "TableVisual"]);
      expect(state.Tags.map((t: { Key: string }) => t.Key)).to.include.members([...RequiredTagKeys]);
      expect(await promiseOf(d.dashboardArn)).to.equal("arn:aws:quicksight:us-east-1:123456789012:dashboard/test-dev-sales");
    });
  });

  describe("Redshift through a VPC connection (Serverless or provisioned)", () => {
    const WAREHOUSE_READER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:analytics/dev/warehouse/quicksight_reader-AbCdEf";
    const SUBNETS = ["subnet-p1", "subnet-p2", "subnet-p3"];
    async function buildRedshift(provisioned: boolean, dataSetArgs: Partial<DashboardArgs["dataSet"]> = {}) {
      const warehouse = new Warehouse("warehouse", {
        context: testContext("dev"),
        kmsKey: KEY_ARN,
        vpcId: "vpc-1",
        subnetIds: SUBNETS,
        ...(provisioned ? { provisioned: { nodeType: "ra3.xlplus", nodes: 1 } } : {}),
      });
      const d = new Dashboard("warehouse-events", {
        context: testContext("dev"),
        adminGroupArn: GROUP_ARN,
        source: { type: "redshift", warehouse, credentialsSecretArn: WAREHOUSE_READER, vpcId: "vpc-1", subnetIds: SUBNETS },
        dataSet: { ...dataSet, importMode: "SPICE", refreshDailyAt: "05:00", ...dataSetArgs },
        visuals,
      });
      await mocks.settle();
      return { d, warehouse };
    }

    for (const provisioned of [false, true]) {
      it(`${provisioned ? "provisioned" : "Serverless"}: a REDSHIFT data source on the warehouse endpoint and port over TLS, with the reader's secret, through the VPC connection`, async () => {
        const { warehouse } = await buildRedshift(provisioned);
        const s = mocks.one(SOURCE).inputs;
        expect(s).to.deep.include({ type: "REDSHIFT", sslProperties: { disableSsl: false }, credentials: { secretArn: WAREHOUSE_READER } });
        const expected: Record<string, unknown> = { host: await promiseOf(warehouse.endpoint), port: 5440, database: "warehouse" };
        if (provisioned) expected.clusterId = await promiseOf(warehouse.cluster!.clusterIdentifier);
        expect(s.parameters.redshift).to.deep.equal(expected);
        expect(s.vpcConnectionProperties.vpcConnectionArn).to.match(/^arn:aws:quicksight:us-east-1:123456789012:/);
      });

      it(`${provisioned ? "provisioned" : "Serverless"}: QuickSight's own SG reaches only the warehouse port; the warehouse admits only that SG on its port`, async () => {
        const { d, warehouse } = await buildRedshift(provisioned);
        const sgId = await promiseOf(d.securityGroupId!);
        const warehouseSg = await promiseOf(warehouse.securityGroup.id);
        expect(mocks.one("aws:quicksight/vpcConnection:VpcConnection").inputs).to.deep.include({ subnetIds: SUBNETS, securityGroupIds: [sgId] });
        expect(mocks.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "warehouse-events-quicksight-to-db").inputs).to.deep.include({ securityGroupId: sgId, ipProtocol: "tcp", fromPort: 5440, toPort: 5440, referencedSecurityGroupId: warehouseSg });
        const into = mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === warehouseSg);
        expect(into.map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId, r.inputs.cidrIpv4])).to.deep.equal([["warehouse-from-quicksight-warehouse-events", 5440, 5440, sgId, undefined]]);
        expect(into[0]!.inputs.tags).to.include.keys(...RequiredTagKeys);
      });
    }

    it("a SPICE data set refreshed in full every day at the given UTC time", async () => {
      const { d } = await buildRedshift(false);
      expect(mocks.one(DATA_SET).inputs.importMode).to.equal("SPICE");
      const schedule = mocks.one("aws:quicksight/refreshSchedule:RefreshSchedule").inputs;
      expect(schedule).to.deep.include({ dataSetId: await promiseOf(d.dataSet.dataSetId), scheduleId: "warehouse-events-daily" });
      expect(schedule.schedule).to.deep.equal({ refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timeOfTheDay: "05:00", timezone: "UTC" } });
    });

    it("refuses a refresh of a DIRECT_QUERY data set and a time that is not HH:MM, and a Redshift source without a reader secret", () => {
      const warehouse = new Warehouse("w2", { context: testContext("dev"), kmsKey: KEY_ARN, vpcId: "vpc-1", subnetIds: SUBNETS });
      const args = (ds: Partial<DashboardArgs["dataSet"]>, secret: string | null = WAREHOUSE_READER): DashboardArgs => ({
        context: testContext("dev"),
        adminGroupArn: GROUP_ARN,
        source: { type: "redshift", warehouse, credentialsSecretArn: (secret ?? undefined) as string, vpcId: "vpc-1", subnetIds: SUBNETS },
        dataSet: { ...dataSet, ...ds },
        visuals,
      });
      expect(() => new Dashboard("dq", args({ refreshDailyAt: "05:00" }))).to.throw(/dataSet.refreshDailyAt needs importMode SPICE .*importMode is DIRECT_QUERY \(the default\)/);
      expect(() => new Dashboard("late", args({ importMode: "SPICE", refreshDailyAt: "25:00" }))).to.throw(/dataSet.refreshDailyAt = "25:00": must be HH:MM \(UTC\)/);
      expect(() => new Dashboard("nosecret2", args({}, null))).to.throw(/source.credentialsSecretArn is required: the secret of a read-only database user/);
    });
  });

  describe("dashboardDefinition", () => {
    const def = dashboardDefinition("arn:ds", columns, visuals) as any;
    const [kpi, bar, table] = def.Sheets[0].Visuals;

    it("KPI: a summed numeric measure trended by day", () => {
      expect(kpi.KPIVisual.ChartConfiguration.FieldWells.Values[0].NumericalMeasureField).to.deep.include({
        Column: { DataSetIdentifier: "data", ColumnName: "total" },
        AggregationFunction: { SimpleNumericalAggregation: "SUM" },
      });
      expect(kpi.KPIVisual.ChartConfiguration.FieldWells.TrendGroups[0].DateDimensionField).to.deep.include({ Column: { DataSetIdentifier: "data", ColumnName: "order_date" }, DateGranularity: "DAY" });
    });

    it("bar chart: categorical dimension against the measure", () => {
      const wells = bar.BarChartVisual.ChartConfiguration.FieldWells.BarChartAggregatedFieldWells;
      expect(wells.Category[0].CategoricalDimensionField.Column.ColumnName).to.equal("region");
      expect(wells.Values[0].NumericalMeasureField.AggregationFunction).to.deep.equal({ SimpleNumericalAggregation: "SUM" });
      expect(bar.BarChartVisual.ChartConfiguration.Orientation).to.equal("VERTICAL");
    });

    it("table: a COUNT of a text column is a categorical measure; field ids are unique", () => {
      const wells = table.TableVisual.ChartConfiguration.FieldWells.TableAggregatedFieldWells;
      expect(wells.Values[0].CategoricalMeasureField).to.deep.include({ AggregationFunction: "COUNT" });
      expect(wells.Values[1].NumericalMeasureField.AggregationFunction).to.deep.equal({ SimpleNumericalAggregation: "AVERAGE" });
      const ids = JSON.stringify(def).match(/"FieldId":"[^"]+"/g)!;
      expect(new Set(ids).size).to.equal(ids.length);
    });
  });

  describe("Athena", () => {
    it("an Athena data source in the given workgroup, no VPC connection, a relational table in SPICE", async () => {
      const d = new Dashboard("lake", {
        context: testContext("prod"),
        adminGroupArn: GROUP_ARN,
        source: { type: "athena", workGroup: "analytics" },
        dataSet: { table: { schema: "sales", name: "orders", catalog: "AwsDataCatalog" }, columns, importMode: "SPICE" },
        visuals,
      });
      await mocks.settle();
      expect(d.securityGroupId).to.equal(undefined);
      expect(mocks.ofType("aws:quicksight/vpcConnection:VpcConnection")).to.have.length(0);
      const s = mocks.one(SOURCE).inputs;
      expect(s).to.deep.include({ type: "ATHENA", parameters: { athena: { workGroup: "analytics" } }, sslProperties: { disableSsl: false } });
      const ds = mocks.one(DATA_SET).inputs;
      expect(ds.importMode).to.equal("SPICE");
      expect(ds.physicalTableMaps[0].relationalTable).to.deep.include({ schema: "sales", name: "orders", catalog: "AwsDataCatalog", inputColumns: columns });
    });
  });

  describe("dangerous arguments throw", () => {
    const base = () => ({ context: testContext("dev"), source: { type: "athena" as const, workGroup: "wg" }, dataSet, visuals });
    it("requires the platform's QuickSight admin group (an empty ARN means QuickSight is not active)", () => {
      expect(() => new Dashboard("off", { ...base(), adminGroupArn: "" })).to.throw(/must be a QuickSight group ARN .*empty means QuickSight is not active/);
    });

    it("refuses visuals over unknown columns and sums of text, all at once", () => {
      try {
        new Dashboard("bad", {
          ...base(),
          adminGroupArn: GROUP_ARN,
          visuals: { ...visuals, kpi: { title: "x", value: { column: "region", aggregation: "SUM" } }, barChart: { title: "y", category: "country", value: { column: "total", aggregation: "SUM" } } },
        });
        expect.fail("should have thrown");
      } catch (e) {
        const m = (e as Error).message;
        expect(m).to.match(/invalid arguments \(2\)/);
        expect(m).to.include('SUM needs a numeric column; "region" is STRING');
        expect(m).to.include('column "country" is not in dataSet.columns');
      }
    });

    it("refuses a data set with both or neither of sql and table, and non-SELECT SQL", () => {
      expect(() => new Dashboard("both", { ...base(), adminGroupArn: GROUP_ARN, dataSet: { ...dataSet, table: { name: "orders" } } })).to.throw(/exactly one of sql and table/);
      expect(() => new Dashboard("drop", { ...base(), adminGroupArn: GROUP_ARN, dataSet: { sql: "DROP TABLE orders", columns } })).to.throw(/must be a SELECT/);
    });

    it("refuses an Aurora source without a read-only user's secret (no silent fallback to the master secret)", () => {
      const db = new TransactionalDb("nosecret", { context: testContext("dev"), kmsKey: KEY_ARN, vpcId: "vpc-1", subnetIds: ["subnet-i1", "subnet-i2"] });
      const source = { type: "aurora-postgresql" as const, database: db, vpcId: "vpc-1", subnetIds: ["subnet-p1", "subnet-p2"] } as never;
      expect(() => new Dashboard("nosecret", { ...base(), adminGroupArn: GROUP_ARN, source })).to.throw(/source.credentialsSecretArn is required: the secret of a read-only database user/);
    });

    it("refuses a trend over a column that is not a date", () => {
      expect(() => new Dashboard("trend", { ...base(), adminGroupArn: GROUP_ARN, visuals: { ...visuals, kpi: { ...visuals.kpi, trendDateColumn: "region" } } })).to.throw(/"region" must be a DATETIME column/);
    });
  });
});
