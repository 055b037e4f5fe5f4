package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Desired state of an Overwatch deployment. Plain data carrier mirrored 1:1 into the CRD schema,
 * so field names and defaults here are the API (DESIGN.md section 3).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.workspaces.all(w, self.workspaces.exists_one(x, x.name == w.name))",
    message = "workspace names must be unique", reason = "FieldValueDuplicate", fieldPath = ".workspaces")
@ValidationRule(value = "self.etlDatabase != self.consumerDatabase",
    message = "etlDatabase and consumerDatabase must differ (views would shadow tables)")
public class OverwatchDeploymentSpec {
  /** Scopes understood by the pipeline (spec/pipeline.md). */
  public static final java.util.List<String> SCOPES = java.util.List.of("audit", "clusters", "clusterEvents",
      "sparkEvents", "jobs", "pools", "accounts", "notebooks", "dbsql", "notebookCommands", "warehouseEvents");
  @Required
  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Databricks workspaces (or plain Spark sources) ingested by this deployment.")
  public List<WorkspaceSpec> workspaces = new ArrayList<>();

  @Required
  @JsonPropertyDescription("Where the Delta tables and the embedded catalog live.")
  public StorageSpec storage;

  @Default("overwatch_etl")
  @Pattern("^[A-Za-z_][A-Za-z0-9_]{0,127}$")
  @JsonPropertyDescription("Database holding the physical bronze/silver/gold tables and tracking tables.")
  public String etlDatabase = "overwatch_etl";

  @Default("overwatch")
  @Pattern("^[A-Za-z_][A-Za-z0-9_]{0,127}$")
  @JsonPropertyDescription("Database holding the consumer (presentation) views.")
  public String consumerDatabase = "overwatch";

  @JsonPropertyDescription("Table catalog (metastore). Defaults to an embedded Derby catalog under the storage prefix.")
  public CatalogSpec catalog = new CatalogSpec();

  @Size(max = 11)
  @ValidationRule(value = "self.all(s, s in ['audit', 'clusters', 'clusterEvents', 'sparkEvents', 'jobs', 'pools', 'accounts', 'notebooks', 'dbsql', 'notebookCommands', 'warehouseEvents'])",
      message = "unknown scope; allowed: audit, clusters, clusterEvents, sparkEvents, jobs, pools, accounts, notebooks, dbsql, notebookCommands, warehouseEvents")
  @JsonPropertyDescription("Scopes to run (audit, clusters, clusterEvents, sparkEvents, jobs, pools, accounts, notebooks, dbsql, notebookCommands, warehouseEvents). Empty means all.")
  public List<String> scopes = new ArrayList<>();

  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
  @JsonPropertyDescription("Earliest date (yyyy-MM-dd) to load on a module's first run. Set once, never change. Absent: today minus maxDaysToLoad.")
  public String primordialDate;

  @Default("60")
  @Min(1)
  @JsonPropertyDescription("Maximum number of days a module window may span in one run.")
  public Integer maxDaysToLoad = 60;

  @JsonPropertyDescription("Contract DBU prices (USD per DBU) per SKU.")
  public PricesSpec prices = new PricesSpec();

  @Default("UTC")
  @JsonPropertyDescription("Time zone of day boundaries (windows, date partitions) and of the Spark session.")
  public String timeZone = "UTC";

  @Size(max = 200)
  @JsonPropertyDescription("Module ids that must not run (reported FAILED 'MODULE DISABLED', which blocks their dependants).")
  public List<Integer> disabledModules = new ArrayList<>();

  @Size(max = 1000)
  @ValidationRule(value = "self.all(o, o.matches('^[A-Za-z0-9_-]+$'))",
      message = "viewWorkspaceAllowList entries are organization ids: letters, digits, '-' and '_' only")
  @JsonPropertyDescription("Optional organization ids that every published view is restricted to "
      + "(organization_id IN (...)), for limited or remote deployments. Empty: views show every workspace.")
  public List<String> viewWorkspaceAllowList = new ArrayList<>();

  /** The sensitive views (presentation.md 7.8) a deployment may also publish in its consumer database. */
  public static final List<String> SENSITIVE_VIEWS = List.of("accountlogin", "accountmod");

  @Size(max = 2)
  @ValidationRule(value = "self.all(v, v in ['accountlogin', 'accountmod'])",
      message = "publishSensitiveViews entries must be accountlogin or accountmod")
  @JsonPropertyDescription("Sensitive views (accountlogin: who logged in and from where; accountmod: who was "
      + "added, removed or made admin) to publish in the consumer database too. Empty (default): they are only "
      + "in the ETL database, and a copy left in the consumer database by an earlier opt-in is dropped.")
  public List<String> publishSensitiveViews = new ArrayList<>();

  @JsonPropertyDescription("Optional features.")
  public FeaturesSpec features = new FeaturesSpec();

  @JsonPropertyDescription("How the Spark driver (and executors) of each layer run.")
  public SparkSpec spark = new SparkSpec();

  @JsonPropertyDescription("Cron schedule that creates OverwatchRun resources.")
  public ScheduleSpec schedule;

  @Default("false")
  @JsonPropertyDescription("Stop creating scheduled runs (runs already started are not affected).")
  public Boolean suspend = false;

  @JsonPropertyDescription("How many finished runs to keep.")
  public HistorySpec history = new HistorySpec();

  @JsonPropertyDescription("Default retry policy of a run's layers.")
  public RetrySpec retry = new RetrySpec();

  @JsonPropertyDescription("Table maintenance (OPTIMIZE, VACUUM) schedule; 'overwatch maintain' runs it on demand.")
  public MaintenanceSpec maintenance = new MaintenanceSpec();
}
