package dev.overwatch.jobs.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.jobs.AuditFixtures;
import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.TestSpark;
import dev.overwatch.jobs.config.DeploymentValidator;
import dev.overwatch.jobs.engine.FaultInjection;
import dev.overwatch.jobs.engine.Layer;
import dev.overwatch.jobs.engine.ModuleRegistry;
import dev.overwatch.jobs.engine.ModuleResult;
import dev.overwatch.jobs.engine.ModuleResult.Outcome;
import dev.overwatch.jobs.engine.Pipeline;
import dev.overwatch.jobs.engine.RunSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Accounts and notebooks chains through the Pipeline with the real registry: audit 1004 -> silver 2016, 2017, 2018
 * -> gold 3007, 3008, 3004, 3019 -> views accountlogin and accountmod (ETL database only), notebook and
 * notebookcommands (consumer database), each against presentation.md 3's columns and gold.md 3's types.
 */
class AccountsNotebooksChainTest {
  private static final String ETL = "acctnb_etl";
  private static final String CONSUMER = ETL + "_consumer";
  private static final LocalDate DAY = LocalDate.parse("2026-10-05");
  private static final String RESPONSE = "struct<errorMessage:string,result:string,statusCode:bigint>";
  private final SparkSession spark = TestSpark.session();

  @Test
  void loginsAccountChangesAndNotebooksReachTheirViews() throws Exception {
    Path dir = TestSpark.newDir("acctnb-chain");
    Path audit = dir.resolve("audit");
    long t = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli() + 8 * 3_600_000L;
    Files.createDirectories(audit.resolve("date=" + DAY));
    Files.writeString(audit.resolve("date=" + DAY).resolve("audit.json"), String.join("\n",
        event(t, "l1", "accounts", "login", "alice@example.com", "{\"user\":\"alice@example.com\"}", 200, null),
        event(t + 1000, "l2", "accounts", "login", "bob@example.com", "{\"user\":\"bob@example.com\"}", 401,
            "Invalid username or password"),
        event(t + 2000, "l3", "accounts", "tokenLogin", "alice@example.com", "{\"user\":\"alice@example.com\"}", 200, null),
        event(t + 3000, "l4", "ssh", "login", "alice@example.com", "{\"instanceId\":\"i-0abc\",\"port\":\"2200\","
            + "\"publicKey\":\"ssh-rsa AAAA\",\"containerId\":\"ct-1\",\"userName\":\"ubuntu\",\"user\":\"alice\"}", 200, null),
        event(t + 4000, "l5", "accounts", "login", "dbadmin", "{\"user\":\"dbadmin\"}", 200, null),
        event(t + 5000, "m1", "accounts", "add", "admin@example.com", "{\"endpoint\":\"adminConsole\","
            + "\"targetUserName\":\"carol@example.com\"}", 200, null),
        event(t + 6000, "m2", "accounts", "setAdmin", "admin@example.com", "{\"endpoint\":\"adminConsole\","
            + "\"targetUserName\":\"carol@example.com\",\"targetUserId\":\"u-3\"}", 200, null),
        event(t + 7000, "m3", "accounts", "removePrincipalFromGroup", "admin@example.com", "{\"endpoint\":\"scim\","
            + "\"targetUserName\":\"dave@example.com\",\"targetUserId\":\"u-4\",\"targetGroupName\":\"data-eng\","
            + "\"targetGroupId\":\"g-1\"}", 200, null),
        event(t + 10_000, "n1", "notebook", "createNotebook", "alice@example.com", "{\"notebookId\":\"101\","
            + "\"path\":\"/Users/alice@example.com/etl\"}", 200, null),
        event(t + 11_000, "n2", "notebook", "renameNotebook", "alice@example.com", "{\"notebookId\":\"101\","
            + "\"oldName\":\"etl\",\"newName\":\"etl-daily\",\"parentPath\":\"/Users/alice@example.com\"}", 200, null),
        event(t + 12_000, "n3", "notebook", "moveNotebook", "alice@example.com", "{\"notebookId\":\"101\","
            + "\"oldPath\":\"/Users/alice@example.com/etl-daily\",\"newPath\":\"/Shared/etl-daily\"}", 200, null),
        event(t + 13_000, "n4", "notebook", "deleteNotebook", "bob@example.com", "{\"notebookId\":\"102\","
            + "\"path\":\"/Shared/other\"}", 403, "no permission"),
        event(t + 20_000, "c1", "notebook", "runCommand", "alice@example.com", "{\"notebookId\":\"101\","
            + "\"clusterId\":\"0101-abc\",\"commandId\":\"cmd-1\",\"commandText\":\"spark.range(10).count()\","
            + "\"executionTime\":\"1.5\",\"status\":\"finished\"}", 200, null),
        event(t + 21_000, "c2", "notebook", "runCommand", "alice@example.com", "{\"notebookId\":\"101\","
            + "\"commandId\":\"cmd-2\",\"commandText\":\"select 1\",\"executionTime\":\"0.2\",\"status\":\"finished\"}",
            200, null)) + "\n");

    OverwatchDeployment d = AuditFixtures.deployment(dir.resolve("store"), ETL, audit, DAY);
    d.getSpec().scopes = List.of("audit", "accounts", "notebooks", "notebookCommands");
    RunSettings settings = new RunSettings(d, RunSettings.newRunId(), Instant.parse("2026-10-06T00:00:00Z"),
        // The accounts scope also takes the token and init-script snapshots (1010, 1011): no API here.
        List.of(Layer.values()), Set.of(), Set.of(1010, 1011), Set.of(), FaultInjection.none());
    List<ModuleResult> results = new Pipeline(spark, Modules.all(), r -> { }).run(settings);
    for (int id : List.of(1004, 2016, 2017, 2018, 3004, 3007, 3008, 3019)) {
      assertEquals(Outcome.SUCCESS, results.stream().filter(r -> r.moduleId() == id).findFirst().orElseThrow()
          .outcome(), id + ": " + results);
    }
    for (String view : List.of("notebook", "notebookcommands", "accountlogin", "accountmod")) {
      assertTrue(results.stream().anyMatch(r -> r.moduleName().equals("view " + view) && r.outcome() == Outcome.SUCCESS),
          view + ": " + results);
    }

    // accountlogin (presentation.md 3.18; both ssh_login_details and from_ip_address, decision 301): ETL only.
    assertEquals(List.of("organization_id:string", "workspace_name:string", "login_unixTimeMS:bigint",
        "login_date:date", "login_type:string", "login_user:string", "user_email:string",
        "ssh_login_details:struct<instance_id:string,login_port:string,session_id:string,login_public_key:string,"
            + "container_id:string,container_user_name:string>",
        "from_ip_address:string", "user_agent:string", "request_id:string", "response:" + RESPONSE),
        columns(ETL + ".accountlogin"));
    assertEquals(List.of(
        "l1|login|alice@example.com|200|null|10.0.0.1",
        "l2|login|bob@example.com|401|Invalid username or password|10.0.0.1",
        "l3|tokenLogin|alice@example.com|200|null|10.0.0.1",
        "l4|ssh|alice|200|null|10.0.0.1"), rows("SELECT concat_ws('|', request_id, login_type, login_user, "
            + "cast(response.statusCode AS string), coalesce(response.errorMessage, 'null'), from_ip_address) FROM " + ETL
            + ".accountlogin ORDER BY login_unixTimeMS"));
    assertEquals("i-0abc|2200|s-1|ssh-rsa AAAA|ct-1|ubuntu", spark.sql("SELECT concat_ws('|', ssh_login_details.instance_id, "
        + "ssh_login_details.login_port, ssh_login_details.session_id, ssh_login_details.login_public_key, "
        + "ssh_login_details.container_id, ssh_login_details.container_user_name) FROM "
        + ETL + ".accountlogin WHERE login_type = 'ssh'").first().getString(0));

    // accountmod (presentation.md 3.19): ETL only; carol's add takes the id of her later setAdmin.
    assertEquals(List.of("organization_id:string", "workspace_name:string", "mod_unixTimeMS:bigint", "mod_date:date",
        "action:string", "endpoint:string", "modified_by:string", "user_name:string", "user_id:string",
        "group_name:string", "group_id:string", "from_ip_address:string", "user_agent:string", "request_id:string",
        "response:" + RESPONSE), columns(ETL + ".accountmod"));
    assertEquals(List.of(
        "add|adminConsole|admin@example.com|carol@example.com|u-3||",
        "setAdmin|adminConsole|admin@example.com|carol@example.com|u-3||",
        "removePrincipalFromGroup|scim|admin@example.com|dave@example.com|u-4|data-eng|g-1"),
        rows("SELECT concat_ws('|', action, endpoint, modified_by, user_name, user_id, coalesce(group_name, ''), "
            + "coalesce(group_id, '')) FROM " + ETL + ".accountmod ORDER BY mod_unixTimeMS"));
    List<String> consumerViews = rows("SHOW VIEWS IN " + CONSUMER, 1);
    assertFalse(consumerViews.contains("accountlogin") || consumerViews.contains("accountmod"), consumerViews.toString());
    assertTrue(consumerViews.containsAll(List.of("notebook", "notebookcommands")), consumerViews.toString());
    // spec.publishSensitiveViews (presentation.md 7.8, decision 1104): accountlogin also in the consumer database on
    // explicit opt-in, dropped from there when the opt-in is withdrawn; unknown names are refused by field.
    ModuleRegistry sensitive = new ModuleRegistry(List.of(new AccountLoginGold(), new AccountModGold()));
    d.getSpec().publishSensitiveViews = List.of("accountlogin");
    new Pipeline(spark, sensitive, r -> { }).run(new RunSettings(d, RunSettings.newRunId(),
        Instant.parse("2026-10-06T00:00:00Z"), List.of(Layer.PRESENTATION), Set.of(), Set.of(), Set.of(),
        FaultInjection.none()));
    consumerViews = rows("SHOW VIEWS IN " + CONSUMER, 1);
    assertTrue(consumerViews.contains("accountlogin") && !consumerViews.contains("accountmod"), consumerViews.toString());
    assertEquals(rows("SELECT request_id FROM " + ETL + ".accountlogin ORDER BY request_id"),
        rows("SELECT request_id FROM " + CONSUMER + ".accountlogin ORDER BY request_id"));
    assertTrue(rows("SHOW VIEWS IN " + ETL, 1).containsAll(List.of("accountlogin", "accountmod")), "ETL keeps both");
    d.getSpec().publishSensitiveViews = List.of();
    new Pipeline(spark, sensitive, r -> { }).run(new RunSettings(d, RunSettings.newRunId(),
        Instant.parse("2026-10-06T00:00:00Z"), List.of(Layer.PRESENTATION), Set.of(), Set.of(), Set.of(),
        FaultInjection.none()));
    assertFalse(rows("SHOW VIEWS IN " + CONSUMER, 1).contains("accountlogin"), "withdrawn opt-in drops the view");
    d.getSpec().publishSensitiveViews = List.of("accountmod", "pipreport");
    assertEquals(List.of("spec.publishSensitiveViews[1]: not a sensitive view: 'pipreport' (allowed: accountlogin,"
        + " accountmod)"), DeploymentValidator.validate(d));
    d.getSpec().publishSensitiveViews = List.of();

    // notebook (presentation.md 3.7): successful metadata actions only (no 403, no runCommand).
    assertEquals(List.of("organization_id:string", "workspace_name:string", "notebook_id:string",
        "notebook_name:string", "notebook_path:string", "cluster_id:string", "action:string", "unixTimeMS:bigint",
        "timestamp:timestamp", "date:date", "old_name:string", "old_path:string", "new_name:string",
        "new_path:string", "parent_path:string", "user_email:string", "request_id:string", "response:" + RESPONSE),
        columns(CONSUMER + ".notebook"));
    assertEquals(List.of(
        "createNotebook|etl|/Users/alice@example.com/etl|||2026-10-05 08:00:10",
        "renameNotebook||||etl-daily|2026-10-05 08:00:11",
        "moveNotebook|||/Users/alice@example.com/etl-daily|/Shared/etl-daily|2026-10-05 08:00:12"),
        rows("SELECT concat_ws('|', action, coalesce(notebook_name, ''), coalesce(notebook_path, ''), "
            + "coalesce(old_path, ''), coalesce(new_name, new_path, ''), cast(timestamp AS string)) FROM " + CONSUMER
            + ".notebook ORDER BY unixTimeMS"));

    // notebookcommands (presentation.md 3.8 + cost_reason): the path as of the command (after the move); no
    // cluster costs in this deployment (clusterEvents off), so the cost is null and says why.
    assertEquals(List.of("organization_id:string", "workspace_name:string", "date:date", "timestamp:timestamp",
        "notebook_id:string", "notebook_path:string", "notebook_name:string", "command_id:string",
        "command_text:string", "execution_time_s:double", "source_ip_address:string",
        "user_identity:struct<email:string>", "estimated_dbu_cost:double", "status:string", "cluster_id:string",
        "cluster_name:string", "custom_tags:string", "node_type_id:string", "node_count:bigint",
        "response:" + RESPONSE, "user_agent:string", "unixTimeMS:bigint", "cost_reason:string"),
        columns(CONSUMER + ".notebookcommands"));
    assertEquals(List.of(
        "cmd-1|0101-abc|1.5|/Shared/etl-daily|etl-daily|null|no clusterStateFact_gold yet (clusterEvents scope off or not run)",
        "cmd-2||0.2|/Shared/etl-daily|etl-daily|null|no cluster id (ran on a SQL warehouse or serverless compute)"),
        rows("SELECT concat_ws('|', command_id, coalesce(cluster_id, ''), cast(execution_time_s AS string), notebook_path, "
            + "notebook_name, coalesce(cast(estimated_dbu_cost AS string), 'null'), cost_reason) FROM " + CONSUMER
            + ".notebookcommands ORDER BY unixTimeMS"));
  }

  private List<String> columns(String view) {
    return Arrays.stream(spark.table(view).schema().fields()).map(f -> f.name() + ":" + f.dataType().simpleString())
        .toList();
  }

  private List<String> rows(String sql) {
    return rows(sql, 0);
  }

  private List<String> rows(String sql, int column) {
    return spark.sql(sql).collectAsList().stream().map(r -> r.getString(column)).toList();
  }

  private static String event(long ts, String requestId, String service, String action, String actor, String params,
      int status, String error) {
    return "{\"version\":\"2.0\",\"timestamp\":" + ts + ",\"orgId\":\"42\",\"sourceIPAddress\":\"10.0.0.1\","
        + "\"userAgent\":\"Mozilla/5.0\",\"sessionId\":\"s-1\",\"userIdentity\":{\"email\":\"" + actor + "\"},"
        + "\"serviceName\":\"" + service + "\",\"actionName\":\"" + action + "\",\"requestId\":\"" + requestId + "\","
        + "\"requestParams\":" + params + ",\"response\":{\"statusCode\":" + status
        + (error == null ? "" : ",\"errorMessage\":\"" + error + "\"") + "}}";
  }
}
