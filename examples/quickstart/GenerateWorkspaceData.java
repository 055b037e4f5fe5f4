/*
 * Generates the quickstart workspace "demo": delivered audit logs (date=YYYY-MM-DD/auditlogs_<id>.json,
 * JSON lines) and recorded REST API responses (docs/api-replay.md layout) for 2026-11-02 .. 2026-11-06.
 *
 * One model of the workspace (users, pools, clusters and their lifecycles, jobs and runs, notebooks,
 * SQL warehouses) drives both outputs, so audit records, cluster events and snapshots agree.
 * Deterministic: a fixed seed, no clock, no dependencies (plain JDK 17).
 *
 *   java --source 17 examples/quickstart/GenerateWorkspaceData.java examples/quickstart/workspaces/demo
 *
 * Identities used by the Spark event logs (EventLogWorkloads.java) are constants here; keep in sync.
 * Record shapes follow spec/inputs.md: every requestParams value is a string, nested objects and
 * arrays are JSON-encoded strings, response = {statusCode, errorMessage, result}.
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.*;
import java.time.format.DateTimeFormatter;
import java.util.*;
import java.util.stream.Stream;

public class GenerateWorkspaceData {

  static final long SEED = 20261102L;
  static final Random R = new Random(SEED);
  static final String ORG = "6048213925118712";
  static final String ACCOUNT = "7f3e2d1c-5b4a-4e9d-8c7b-6a5f4e3d2c1b";
  static final String SHARD = "dbc-demo";
  static final String HOST = "dbc-demo.cloud.databricks.com";
  static final LocalDate DAY0 = LocalDate.of(2026, 11, 2);
  static final int DAYS = 5;
  /** The API recordings are the workspace as seen right after the last day. */
  static final long SNAPSHOT = ts("2026-11-07T00:00:00");

  // ---- shared with EventLogWorkloads.java ----
  static final String C1_ID = "1021-143012-k7x2m9qa";
  static final String C1_CTX_A = "3287115401866273415", C1_CTX_B = "5604962178839025513";
  static final String JC_NOV5_ID = "1105-020007-q3w8e1rt", JC_NOV5_CTX = "7712093348510662187";
  static final long J1 = 281947365012847L, J2 = 281947365012912L, J3 = 739104826355021L,
      J4 = 905617283940116L, J5 = 447182930561734L, J6 = 118273645509281L, J7 = 562839104725563L;
  static final long J1_NOV5_TASK_RUN = 884213907766351L, J1_NOV5_RUN = 884213907766210L;
  static final long J2_NOV4_TASK_RUN = 884213907790412L, J2_NOV4_RUN = 884213907790301L;
  static final String NB1 = "2874651093318842", NB3 = "2874651093320517";

  // ------------------------------------------------------------------------------------------
  // Users
  // ------------------------------------------------------------------------------------------
  record User(String email, String id, String ip, String ua, boolean human) {}
  static final String CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
  static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
  static final String EDGE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0";
  static final User ALICE = new User("alice@example.com", "4051938271625394", "203.0.113.24", CHROME, true);
  static final User BOB = new User("bob@example.com", "5817264039182736", "198.51.100.42", FIREFOX, true);
  static final User CAROL = new User("carol@example.com", "7392018465530217", "203.0.113.77", EDGE, true);
  static final User DAVE = new User("dave@example.com", "1648205937716402", "198.51.100.90", CHROME, true);
  static final User ERIN = new User("erin@example.com", "8820461357294018", "203.0.113.131", CHROME, true);
  static final User FRANK = new User("frank@example.com", "3307185924460671", "198.51.100.13", FIREFOX, true);
  static final User SVC = new User("4b2e9c1d-7a35-4f60-9e18-c2d3a4b5f607", "6159034487201156", "198.51.100.200",
      "databricks-sdk-py/0.38.0 python/3.11.9 os/linux auth/pat", false);
  static final User BOB_CLI = new User(BOB.email, BOB.id, BOB.ip, "databricks-cli/0.230.0 databricks-sdk-go/0.49.0 go/1.22.7 os/linux auth/pat", false);
  static final User SYSTEM = new User("System-User", null, null, null, false);

  // ------------------------------------------------------------------------------------------
  // Output model
  // ------------------------------------------------------------------------------------------
  static final List<Map<String, Object>> AUDIT = new ArrayList<>();
  static final Map<String, Cluster> CLUSTERS = new LinkedHashMap<>();
  static final List<Map<String, Object>> JOBS_LIST = new ArrayList<>();
  static final List<Map<String, Object>> RUNS = new ArrayList<>();

  static class Cluster {
    String id, name, creator, source = "UI", sparkVersion = "15.4.x-scala2.12", nodeType = "i3.xlarge",
        driverNodeType = "i3.xlarge", logDest, poolId, policyId, singleUser, securityMode = "USER_ISOLATION",
        runtimeEngine = "STANDARD";
    Integer numWorkers; int[] autoscale; int autoterm = 120;
    Map<String, Object> customTags = new LinkedHashMap<>(), sparkConf = new LinkedHashMap<>();
    Long jobId, runId;
    boolean hasGetFile = true, inList = true, hasEvents = true;
    long createdTime;
    final List<Map<String, Object>> events = new ArrayList<>();
    boolean running;
    int workers;
    long startTime, terminatedTime, lastActivity, lastRestart;
    String sparkContextId, driverIp;
    Map<String, Object> terminationReason;
    Map<String, Object> spec() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("cluster_name", name);
      s.put("spark_version", sparkVersion);
      if (poolId == null) { s.put("node_type_id", nodeType); s.put("driver_node_type_id", driverNodeType); }
      if (autoscale != null) s.put("autoscale", m("min_workers", autoscale[0], "max_workers", autoscale[1]));
      else s.put("num_workers", numWorkers);
      s.put("autotermination_minutes", autoterm);
      if (!sparkConf.isEmpty()) s.put("spark_conf", sparkConf);
      if (poolId == null) s.put("aws_attributes", m("first_on_demand", 1, "availability", "SPOT_WITH_FALLBACK",
          "zone_id", "us-west-2a", "spot_bid_price_percent", 100, "ebs_volume_count", 0));
      if (!customTags.isEmpty()) s.put("custom_tags", customTags);
      if (logDest != null) s.put("cluster_log_conf", m("dbfs", m("destination", logDest)));
      s.put("spark_env_vars", m("PYSPARK_PYTHON", "/databricks/python3/bin/python3"));
      if (poolId != null) { s.put("instance_pool_id", poolId); s.put("driver_instance_pool_id", poolId); }
      if (policyId != null) s.put("policy_id", policyId);
      if (singleUser != null) s.put("single_user_name", singleUser);
      s.put("data_security_mode", securityMode);
      s.put("runtime_engine", runtimeEngine);
      s.put("enable_elastic_disk", poolId == null);
      s.put("enable_local_disk_encryption", false);
      s.put("cluster_source", source);
      return s;
    }
    Map<String, Object> size() {
      return autoscale != null ? m("autoscale", m("min_workers", autoscale[0], "max_workers", autoscale[1]))
          : m("num_workers", numWorkers);
    }
    int initialWorkers() { return autoscale != null ? autoscale[0] : numWorkers; }
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------
  static long ts(String isoLocal) { return LocalDateTime.parse(isoLocal).toInstant(ZoneOffset.UTC).toEpochMilli(); }
  /** Day d (0 = 2026-11-02) at HH:mm[:ss] UTC plus a deterministic sub-second jitter. */
  static long at(int d, String hm) {
    String t = hm.length() == 5 ? hm + ":00" : hm;
    return ts(DAY0.plusDays(d) + "T" + t) + R.nextInt(1000);
  }
  static Map<String, Object> m(Object... kv) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) r.put((String) kv[i], kv[i + 1]);
    return r;
  }
  static List<Object> l(Object... xs) { return new ArrayList<>(Arrays.asList(xs)); }
  /** requestParams: every value a string; nested values JSON-encoded. */
  static Map<String, Object> p(Object... kv) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      if (v == null) continue;
      r.put((String) kv[i], (v instanceof Map || v instanceof List) ? json(v) : String.valueOf(v));
    }
    return r;
  }
  static Map<String, Object> specParams(Cluster c) {
    Map<String, Object> r = new LinkedHashMap<>();
    c.spec().forEach((k, v) -> r.put(k, (v instanceof Map || v instanceof List) ? json(v) : String.valueOf(v)));
    return r;
  }
  static String alnum(int n) {
    String a = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) b.append(a.charAt(R.nextInt(a.length())));
    return b.toString();
  }
  static String hex(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) b.append("0123456789abcdef".charAt(R.nextInt(16)));
    return b.toString();
  }
  /** When set, uuid() draws from it instead of R, so records added late do not shift the rest of the data. */
  static Random fixedIds;
  static String uuid() {
    String h;
    if (fixedIds != null) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 32; i++) b.append("0123456789abcdef".charAt(fixedIds.nextInt(16)));
      h = b.toString();
    } else {
      h = hex(32);
    }
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20) + "-" + h.substring(20);
  }
  static String clusterIdAt(long t) {
    return DateTimeFormatter.ofPattern("MMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(t)) + "-" + alnum(8);
  }
  static String ctxId() { return String.valueOf(1_000_000_000_000_000_000L + (R.nextLong() & Long.MAX_VALUE) % 8_000_000_000_000_000_000L); }
  static String ip() { return "10.20." + (1 + R.nextInt(60)) + "." + (2 + R.nextInt(250)); }
  static long nextId = 884213907700000L;
  static long newRunId() { nextId += 1000 + R.nextInt(9000); return nextId; }

  // ------------------------------------------------------------------------------------------
  // Audit records
  // ------------------------------------------------------------------------------------------
  static Map<String, String> sessions = new HashMap<>();
  static Map<String, Object> audit(long t, User u, String service, String action, Map<String, Object> params,
                                   int status, String error, String result) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("version", "2.0");
    r.put("auditLevel", "WORKSPACE_LEVEL");
    r.put("timestamp", t);
    r.put("orgId", ORG);
    r.put("shardName", SHARD);
    r.put("accountId", ACCOUNT);
    r.put("sourceIPAddress", u.ip());
    r.put("userAgent", u.ua());
    String day = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).toLocalDate().toString();
    r.put("sessionId", u.human() ? sessions.computeIfAbsent(u.email() + day, k -> "ephemeral-" + uuid()) : null);
    r.put("userIdentity", m("email", u.email()));
    r.put("serviceName", service);
    r.put("actionName", action);
    r.put("requestId", uuid());
    r.put("requestParams", params);
    Map<String, Object> resp = new LinkedHashMap<>();
    resp.put("statusCode", status);
    resp.put("errorMessage", error);
    resp.put("result", result);
    r.put("response", resp);
    // lifecycle steps before the first day (clusters created in October) leave no audit record here
    if (t >= ts(DAY0 + "T00:00:00")) AUDIT.add(r);
    return r;
  }
  static Map<String, Object> ok(long t, User u, String service, String action, Map<String, Object> params) {
    return audit(t, u, service, action, params, 200, null, null);
  }

  // ------------------------------------------------------------------------------------------
  // Cluster lifecycle: writes audit records and cluster events together
  // ------------------------------------------------------------------------------------------
  static void event(Cluster c, long t, String type, Map<String, Object> details) {
    c.events.add(m("cluster_id", c.id, "timestamp", t, "type", type, "details", details));
  }
  static Map<String, Object> resultParams(Cluster c, String state) {
    return p("clusterId", c.id, "clusterName", c.name, "clusterState", state, "clusterWorkers", c.workers,
        "clusterOwnerUserId", userId(c.creator));
  }
  static String userId(String email) {
    for (User u : List.of(ALICE, BOB, CAROL, DAVE, ERIN, FRANK, SVC)) if (u.email().equals(email)) return u.id();
    return null;
  }
  static User user(String email) {
    for (User u : List.of(ALICE, BOB, CAROL, DAVE, ERIN, FRANK, SVC)) if (u.email().equals(email)) return u;
    return SYSTEM;
  }

  /** Boot sequence after CREATING/STARTING/RESTARTING; returns the RUNNING time. */
  static long boot(Cluster c, long t, boolean initScripts) {
    c.driverIp = ip();
    c.sparkContextId = ctxId();
    long tt = t;
    if (initScripts) {
      tt += 95_000 + R.nextInt(20_000);
      event(c, tt, "INIT_SCRIPTS_STARTED", m("instance_id", "i-0" + hex(16)));
      tt += 30_000 + R.nextInt(15_000);
      event(c, tt, "INIT_SCRIPTS_FINISHED", m("instance_id", "i-0" + hex(16)));
    }
    tt += 40_000 + R.nextInt(30_000);
    c.workers = c.initialWorkers();
    event(c, tt, "RUNNING", m("current_num_workers", c.workers, "target_num_workers", c.workers));
    event(c, tt + 35_000 + R.nextInt(20_000), "DRIVER_HEALTHY", m());
    c.running = true;
    c.startTime = t;
    c.lastActivity = tt;
    return tt;
  }
  static long create(Cluster c, long t, User u, boolean viaApi) {
    CLUSTERS.put(c.id, c);
    c.createdTime = t;
    if (u != null) {
      Map<String, Object> params = specParams(c);
      params.put("idempotency_token", viaApi ? uuid() : null);
      params.values().removeIf(Objects::isNull);
      audit(t, viaApi ? new User(u.email(), u.id(), u.ip(), "databricks-sdk-py/0.38.0 python/3.11.9 os/linux auth/pat", false) : u,
          "clusters", "create", params, 200, null, "{\"cluster_id\":\"" + c.id + "\"}");
    }
    event(c, t + 300, "CREATING", m("cluster_size", c.size(), "user", u == null ? null : u.email(), "attributes", c.spec()));
    long running = boot(c, t + 300, c.logDest != null || c.source.equals("JOB"));
    ok(running, u != null ? u : SYSTEM, "clusters", "createResult", resultParams(c, "Running"));
    return running;
  }
  static long start(Cluster c, long t, User u) {
    if (u != null) ok(t, u, "clusters", "start", p("cluster_id", c.id));
    event(c, t + 400, "STARTING", m("user", u == null ? null : u.email(), "cluster_size", c.size()));
    long running = boot(c, t + 400, c.logDest != null);
    ok(running, u != null ? u : SYSTEM, "clusters", "startResult", resultParams(c, "Running"));
    return running;
  }
  static long restart(Cluster c, long t, User u, String ctx, String driverIp) {
    ok(t, u, "clusters", "restart", p("cluster_id", c.id));
    event(c, t + 500, "RESTARTING", m("user", u.email()));
    long running = boot(c, t + 500, c.logDest != null);
    if (ctx != null) { c.sparkContextId = ctx; c.driverIp = driverIp; }
    c.lastRestart = t;
    ok(running, u, "clusters", "restartResult", resultParams(c, "Running"));
    return running;
  }
  static void resize(Cluster c, long t, User u, Integer workers, int[] autoscale) {
    int before = c.workers;
    if (u != null) {
      ok(t, u, "clusters", "resize", autoscale != null
          ? p("cluster_id", c.id, "autoscale", m("min_workers", autoscale[0], "max_workers", autoscale[1]))
          : p("cluster_id", c.id, "num_workers", workers));
      if (autoscale != null) c.autoscale = autoscale; else c.numWorkers = workers;
    }
    int target = workers != null ? workers : Math.max(before, autoscale[0]);
    event(c, t + 600, "RESIZING", m("cluster_size", c.size(), "current_num_workers", before, "target_num_workers", target,
        "user", u == null ? null : u.email(), "cause", u == null ? "AUTOSCALE" : null));
    long done = t + 70_000 + R.nextInt(40_000);
    if (target > before) event(c, done, "UPSIZE_COMPLETED", m("current_num_workers", target, "target_num_workers", target));
    c.workers = target;
    if (u != null) ok(done, u, "clusters", "resizeResult", resultParams(c, "Running"));
  }
  static void autoscaleReport(Cluster c, long t) {
    event(c, t, "AUTOSCALING_STATS_REPORT", m("current_num_workers", c.workers, "target_num_workers", c.workers,
        "cause", "AUTOSCALE"));
  }
  static long terminate(Cluster c, long t, User u, String code) {
    return terminate(c, t, u, code, () -> 25_000 + R.nextInt(30_000));
  }
  /** As above with the TERMINATING -> TERMINATED delay given (drawn at the same point, so draws keep their order). */
  static long terminate(Cluster c, long t, User u, String code, java.util.function.LongSupplier stopDelay) {
    Map<String, Object> reason = switch (code) {
      case "INACTIVITY" -> m("code", code, "type", "SUCCESS", "parameters", m("inactivity_duration_min", String.valueOf(c.autoterm)));
      case "USER_REQUEST" -> m("code", code, "type", "SUCCESS", "parameters", m("username", u.email()));
      case "JOB_FINISHED" -> m("code", code, "type", "SUCCESS", "parameters", m());
      default -> m("code", code, "type", "CLIENT_ERROR", "parameters", m());
    };
    if (code.equals("USER_REQUEST")) ok(t, u, "clusters", "delete", p("cluster_id", c.id));
    event(c, t + 200, "TERMINATING", m("reason", reason, "user", u == null ? null : u.email()));
    long end = t + stopDelay.getAsLong();
    event(c, end, "TERMINATED", m("reason", reason, "cluster_size", c.size(), "current_num_workers", 0,
        "target_num_workers", 0, "user", u == null ? null : u.email(), "attributes", c.spec()));
    ok(end, u == null ? SYSTEM : u, "clusters", "deleteResult", resultParams(c, "Terminated"));
    c.running = false;
    c.workers = 0;
    c.terminatedTime = end;
    c.terminationReason = reason;
    return end;
  }
  static void edit(Cluster c, long t, User u, Runnable change) {
    Map<String, Object> before = c.spec();
    change.run();
    Map<String, Object> params = specParams(c);
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("cluster_id", c.id);
    all.putAll(params);
    ok(t, u, "clusters", "edit", all);
    event(c, t + 400, "EDITED", m("user", u.email(), "previous_attributes", before, "attributes", c.spec(),
        "previous_cluster_size", before.containsKey("autoscale") ? m("autoscale", before.get("autoscale")) : m("num_workers", before.get("num_workers")),
        "cluster_size", c.size()));
  }

  // ------------------------------------------------------------------------------------------
  // Jobs
  // ------------------------------------------------------------------------------------------
  static Map<String, Object> notebookTask(String key, String path, Object clusterRef, String refKind, List<Object> dependsOn) {
    Map<String, Object> t = m("task_key", key, "depends_on", dependsOn,
        "notebook_task", m("notebook_path", path, "source", "WORKSPACE"));
    t.put(refKind, clusterRef);
    t.put("timeout_seconds", 0);
    t.put("email_notifications", m());
    return t;
  }
  static Map<String, Object> jobClusterSpec(String nodeType, int workers, boolean logs, String sparkVersion, String team) {
    Map<String, Object> nc = m("spark_version", sparkVersion, "node_type_id", nodeType, "num_workers", workers,
        "aws_attributes", m("first_on_demand", 1, "availability", "SPOT_WITH_FALLBACK", "zone_id", "us-west-2a"),
        "custom_tags", m("team", team), "data_security_mode", "SINGLE_USER", "runtime_engine", "STANDARD");
    if (logs) nc.put("cluster_log_conf", m("dbfs", m("destination", "dbfs:/cluster-logs")));
    return nc;
  }

  static class Task {
    String key; long runId; long start, end; String result; Cluster cluster; String existing; String jobClusterKey;
    String path, ctx; int attempt; List<Object> dependsOn = l(); String state = "TERMINATED";
  }
  static class Run {
    long jobId, runId, number; String name, trigger, runType = "JOB_RUN", creator, result, lifeCycle = "TERMINATED";
    long start, end; List<Task> tasks = new ArrayList<>(); List<Object> jobClusters = l(); String stateMessage = "";
    Long repairId;
  }

  /** A job cluster for one task run: created by the jobs service, terminated after the task. */
  static Cluster jobCluster(long jobId, long taskRunId, long t, String fixedId, String nodeType, int workers,
                            boolean logs, String sparkVersion, String owner, String team) {
    Cluster c = new Cluster();
    c.id = fixedId != null ? fixedId : clusterIdAt(t);
    c.name = "job-" + jobId + "-run-" + taskRunId;
    c.creator = owner;
    c.source = "JOB";
    c.nodeType = nodeType; c.driverNodeType = nodeType;
    c.sparkVersion = sparkVersion;
    c.numWorkers = workers;
    c.autoterm = 0;
    c.securityMode = "SINGLE_USER";
    c.singleUser = owner;
    c.customTags.put("team", team);
    if (logs) c.logDest = "dbfs:/cluster-logs";
    c.jobId = jobId; c.runId = taskRunId;
    return c;
  }

  static void runStartAudit(Run r, Task k, String trigger, String clusterType) {
    ok(k.start, SYSTEM_JOBS(r), "jobs", "runStart", p("jobId", r.jobId, "runId", k.runId, "multitaskParentRunId", r.runId,
        "taskKey", k.key, "taskDependencies", k.dependsOn, "jobClusterType", clusterType, "jobTaskType", "notebook",
        "jobTriggerType", trigger, "clusterId", k.cluster != null ? k.cluster.id : k.existing, "idInJob", k.runId,
        "orgId", ORG, "repairId", r.repairId));
  }
  static User SYSTEM_JOBS(Run r) { return user(r.creator); }
  static void runEndAudit(Run r, Task k, String trigger, String clusterType) {
    boolean okRun = k.result.equals("SUCCESS");
    Map<String, Object> params = p("jobId", r.jobId, "runId", k.runId, "multitaskParentRunId", r.runId, "taskKey", k.key,
        "taskDependencies", k.dependsOn, "jobClusterType", clusterType, "jobTaskType", "notebook", "jobTriggerType", trigger,
        "idInJob", k.runId, "orgId", ORG, "repairId", r.repairId,
        "jobTerminalState", switch (k.result) { case "SUCCESS" -> "Succeeded"; case "CANCELED" -> "Cancelled"; default -> "Failed"; });
    audit(k.end, SYSTEM_JOBS(r), "jobs", okRun ? "runSucceeded" : "runFailed", params, 200, null, null);
  }

  /** Runs one task: cluster (job cluster or existing), audit runStart/runEnd. Returns the end time. */
  static long runTask(Run r, Task k, long t, String trigger, long durationMs, String result, Cluster existing,
                      Map<String, Object> clusterSpecForJob, String fixedClusterId, Cluster reuse, boolean terminateAfter) {
    k.start = t;
    if (existing != null) {
      k.existing = existing.id;
      k.cluster = null;
      k.start = t + 2_000;
      k.ctx = existing.sparkContextId;
      runStartAudit(r, k, trigger, "existing");
      existing.lastActivity = k.start + durationMs;
    } else {
      Cluster c = reuse;
      if (c == null) {
        c = jobCluster(r.jobId, k.runId, t, fixedClusterId, (String) clusterSpecForJob.get("node_type_id"),
            (Integer) clusterSpecForJob.get("num_workers"), clusterSpecForJob.containsKey("cluster_log_conf"),
            (String) clusterSpecForJob.get("spark_version"), r.creator, (String) ((Map<?, ?>) clusterSpecForJob.get("custom_tags")).get("team"));
        long running = create(c, t, null, false);
        if (JC_NOV5_ID.equals(c.id)) { c.sparkContextId = JC_NOV5_CTX; c.driverIp = "10.20.33.5"; }
        k.start = running + 5_000;
      } else {
        k.start = t + 1_000;
      }
      k.cluster = c;
      k.ctx = c.sparkContextId;
      runStartAudit(r, k, trigger, "job_cluster");
    }
    k.end = k.start + durationMs;
    k.result = result;
    runEndAudit(r, k, trigger, existing != null ? "existing" : "job_cluster");
    if (existing == null && terminateAfter) terminate(k.cluster, k.end + 8_000, null, "JOB_FINISHED");
    return k.end;
  }

  static Map<String, Object> runJson(Run r, Map<String, Object> settings) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("job_id", r.jobId);
    o.put("run_id", r.runId);
    o.put("number_in_job", r.runId);
    o.put("original_attempt_run_id", r.runId);
    o.put("creator_user_name", r.creator);
    o.put("run_as_user_name", r.creator);
    o.put("state", m("life_cycle_state", r.lifeCycle, "result_state", r.result, "state_message", r.stateMessage,
        "user_cancelled_or_timedout", "CANCELED".equals(r.result)));
    if (settings != null && settings.get("schedule") != null) o.put("schedule", settings.get("schedule"));
    o.put("start_time", r.start);
    long setup = 0;
    if (!r.tasks.isEmpty()) setup = r.tasks.get(0).start - r.start;
    long end = r.end;
    o.put("setup_duration", setup);
    o.put("execution_duration", end - r.start - setup - 8_000 > 0 ? end - r.start - setup - 8_000 : 0);
    o.put("cleanup_duration", 8_000);
    o.put("end_time", end);
    o.put("run_duration", end - r.start);
    o.put("trigger", r.trigger);
    o.put("run_name", r.name);
    o.put("run_page_url", "https://" + HOST + "/?o=" + ORG + "#job/" + r.jobId + "/run/" + r.runId);
    o.put("run_type", r.runType);
    List<Object> tasks = l();
    for (Task k : r.tasks) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("run_id", k.runId);
      t.put("task_key", k.key);
      if (!k.dependsOn.isEmpty()) t.put("depends_on", k.dependsOn);
      t.put("notebook_task", m("notebook_path", k.path, "source", "WORKSPACE"));
      if (k.existing != null) t.put("existing_cluster_id", k.existing);
      if (k.jobClusterKey != null) t.put("job_cluster_key", k.jobClusterKey);
      t.put("state", m("life_cycle_state", k.state, "result_state", k.result, "state_message",
          k.result.equals("FAILED") ? "Workload failed, see run output for details" : "", "user_cancelled_or_timedout", k.result.equals("CANCELED")));
      t.put("run_page_url", "https://" + HOST + "/?o=" + ORG + "#job/" + r.jobId + "/run/" + k.runId);
      t.put("start_time", k.start);
      t.put("setup_duration", 0);
      t.put("execution_duration", k.end - k.start);
      t.put("cleanup_duration", 0);
      t.put("end_time", k.end);
      String cid = k.cluster != null ? k.cluster.id : k.existing;
      t.put("cluster_instance", m("cluster_id", cid, "spark_context_id", k.ctx));
      t.put("attempt_number", k.attempt);
      tasks.add(t);
    }
    o.put("tasks", tasks);
    if (!r.jobClusters.isEmpty()) o.put("job_clusters", r.jobClusters);
    o.put("format", "MULTI_TASK");
    if (r.repairId != null) o.put("repair_history", l(
        m("type", "ORIGINAL", "start_time", r.start, "state", m("life_cycle_state", "TERMINATED", "result_state", "FAILED")),
        m("type", "REPAIR", "id", r.repairId, "start_time", r.tasks.get(r.tasks.size() - 1).start,
            "end_time", r.end, "state", m("life_cycle_state", "TERMINATED", "result_state", "SUCCESS"))));
    return o;
  }

  // ------------------------------------------------------------------------------------------
  // The story
  // ------------------------------------------------------------------------------------------
  public static void main(String[] args) throws IOException {
    Path out = Paths.get(args.length > 0 ? args[0] : "examples/quickstart/workspaces/demo");

    // ---- pools and policy ----
    String P1 = "1001-094512-yeld11-pool-4t7kq2ma", P2 = "1102-084012-brag27-pool-h2x9c5wd";
    String P3 = "1103-101533-hoax93-pool-n8b3v6rz";
    String POLICY = "E06216CAA0000F3A";
    String W1 = "5c2a8f1e9b3d4706", W2 = "a91d7e3c6b2f0845", W3 = "0e4b6c2d8f1a3957";

    // ---- clusters that exist before the window ----
    Cluster c1 = new Cluster();
    c1.id = C1_ID; c1.name = "shared-analytics"; c1.creator = ALICE.email(); c1.autoscale = new int[]{2, 6};
    c1.customTags.put("team", "analytics"); c1.customTags.put("cost-center", "cc-1042");
    c1.sparkConf.put("spark.databricks.io.cache.enabled", "true");
    CLUSTERS.put(c1.id, c1);
    // its creation in October, recorded in the cluster events (outside the audit window)
    c1.createdTime = ts("2026-10-21T14:30:12");
    event(c1, c1.createdTime + 300, "CREATING", m("cluster_size", c1.size(), "user", ALICE.email(), "attributes", c1.spec()));
    boot(c1, c1.createdTime + 300, false);
    c1.autoterm = 120;
    terminate(c1, ts("2026-10-21T18:02:00"), null, "INACTIVITY");

    Cluster c4 = new Cluster();
    c4.id = "1015-090344-fz0p2l7x"; c4.name = "finance-reporting"; c4.creator = CAROL.email(); c4.numWorkers = 1;
    c4.nodeType = "m5.xlarge"; c4.driverNodeType = "m5.xlarge"; c4.autoterm = 30; c4.policyId = POLICY;
    c4.singleUser = CAROL.email(); c4.securityMode = "SINGLE_USER"; c4.logDest = "dbfs:/cluster-logs";
    // A Photon cluster: its DBUs carry the interactive Photon uplift (x2.0) in clusterstatefact.
    c4.sparkVersion = "15.4.x-photon-scala2.12"; c4.runtimeEngine = "PHOTON";
    c4.customTags.put("team", "finance"); c4.customTags.put("cost-center", "cc-2210");
    CLUSTERS.put(c4.id, c4);
    c4.createdTime = ts("2026-10-15T09:03:44");
    event(c4, c4.createdTime + 300, "CREATING", m("cluster_size", c4.size(), "user", CAROL.email(), "attributes", c4.spec()));
    boot(c4, c4.createdTime + 300, true);
    terminate(c4, ts("2026-10-15T10:05:00"), null, "INACTIVITY");

    // ---- jobs that exist before the window ----
    Map<String, Object> j1Cluster = jobClusterSpec("i3.xlarge", 2, true, "15.4.x-scala2.12", "data-eng");
    Map<String, Object> j1Settings = m("name", "nightly-etl", "email_notifications", m("on_failure", l(BOB.email())),
        "timeout_seconds", 7200, "max_concurrent_runs", 1,
        "schedule", m("quartz_cron_expression", "0 0 2 * * ?", "timezone_id", "UTC", "pause_status", "UNPAUSED"),
        "tasks", l(m("task_key", "ingest_and_transform", "notebook_task", m("notebook_path", "/Repos/data-eng/etl/nightly_etl", "source", "WORKSPACE"),
            "job_cluster_key", "etl_cluster", "max_retries", 0, "timeout_seconds", 0)),
        "job_clusters", l(m("job_cluster_key", "etl_cluster", "new_cluster", j1Cluster)),
        "tags", m("team", "data-eng"), "format", "MULTI_TASK");
    Map<String, Object> j2Settings = m("name", "dashboard-refresh", "email_notifications", m(), "timeout_seconds", 1800,
        "max_concurrent_runs", 1,
        "schedule", m("quartz_cron_expression", "0 0 7 * * ?", "timezone_id", "UTC", "pause_status", "PAUSED"),
        "tasks", l(m("task_key", "refresh", "notebook_task", m("notebook_path", "/Shared/analytics/dashboard-refresh", "source", "WORKSPACE"),
            "existing_cluster_id", C1_ID)),
        "tags", m("team", "analytics"), "format", "MULTI_TASK");
    Map<String, Object> j3Cluster = jobClusterSpec("m5.2xlarge", 2, false, "15.4.x-cpu-ml-scala2.12", "ml");
    Map<String, Object> j3Settings = m("name", "ml-training", "email_notifications", m("on_failure", l(DAVE.email())),
        "timeout_seconds", 14400, "max_concurrent_runs", 1,
        "tasks", l(m("task_key", "prepare_features", "notebook_task", m("notebook_path", "/Users/dave@example.com/ml/prepare_features", "source", "WORKSPACE"),
                "job_cluster_key", "ml_cluster"),
            m("task_key", "train_model", "depends_on", l(m("task_key", "prepare_features")),
                "notebook_task", m("notebook_path", "/Users/dave@example.com/ml/train_model", "source", "WORKSPACE"),
                "job_cluster_key", "ml_cluster")),
        "job_clusters", l(m("job_cluster_key", "ml_cluster", "new_cluster", j3Cluster)),
        "tags", m("team", "ml"), "format", "MULTI_TASK");
    Map<String, Object> j5Cluster = jobClusterSpec("m5.xlarge", 1, false, "14.3.x-scala2.12", "finance");
    Map<String, Object> j5Settings = m("name", "weekly-report", "email_notifications", m("on_success", l(CAROL.email())),
        "timeout_seconds", 3600, "max_concurrent_runs", 1,
        "schedule", m("quartz_cron_expression", "0 0 6 ? * MON", "timezone_id", "UTC", "pause_status", "UNPAUSED"),
        "tasks", l(m("task_key", "report", "notebook_task", m("notebook_path", "/Shared/finance/weekly_report", "source", "WORKSPACE"),
            "job_cluster_key", "report_cluster")),
        "job_clusters", l(m("job_cluster_key", "report_cluster", "new_cluster", j5Cluster)),
        "tags", m("team", "finance"), "format", "MULTI_TASK");

    List<Run> runs = new ArrayList<>();

    // ================= Day 0: Monday 2026-11-02 =================
    int d = 0;
    dailyLogins(d);
    // weekly-report (cron Monday 06:00) on its job cluster
    {
      Run r = newRun(J5, "weekly-report", "PERIODIC", CAROL.email(), at(d, "06:00:00"), newRunId());
      r.jobClusters = l(m("job_cluster_key", "report_cluster", "new_cluster", j5Cluster));
      ok(r.start, user(r.creator), "jobs", "runTriggered", p("jobId", J5, "runId", r.runId, "jobTriggerType", "cron", "orgId", ORG));
      Task k = task(r, "report", "/Shared/finance/weekly_report", "report_cluster");
      r.end = runTask(r, k, r.start, "cron", 9 * 60_000L, "SUCCESS", null, j5Cluster, null, null, true) + 10_000;
      finish(r, "SUCCESS");
      runs.add(r);
    }
    // nightly-etl 02:00 for each day (scheduled)
    // (generated in the day loop below so the days stay in order of appearance)
    nightlyEtl(0, runs, j1Cluster, "SUCCESS", null);
    // shared-analytics: bob starts it, autoscaling, inactivity termination in the evening
    c1.autoterm = 120;
    start(c1, at(d, "08:05:12"), BOB);
    // ml pool created by dave
    ok(at(d, "08:40:12"), DAVE, "instancePools", "create", p("instance_pool_name", "ml-pool", "node_type_id", "m5.2xlarge",
        "min_idle_instances", 0, "max_capacity", 10, "idle_instance_autotermination_minutes", 30,
        "preloaded_spark_versions", l("15.4.x-cpu-ml-scala2.12"), "custom_tags", m("team", "ml"),
        "aws_attributes", m("availability", "SPOT", "zone_id", "us-west-2a", "spot_bid_price_percent", 100),
        "enable_elastic_disk", true));
    AUDIT.get(AUDIT.size() - 1).put("response", resp200("{\"instance_pool_id\":\"" + P2 + "\"}"));
    // warehouse analytics-wh started by carol; temp warehouse created by bob
    ok(at(d, "08:31"), CAROL, "databrickssql", "startWarehouse", p("id", W1));
    audit(at(d, "09:05"), BOB, "databrickssql", "createWarehouse", p("name", "temp-wh", "cluster_size", "X-Small",
        "min_num_clusters", 1, "max_num_clusters", 1, "auto_stop_mins", 10, "spot_instance_policy", "COST_OPTIMIZED",
        "enable_photon", true, "channel", m("name", "CHANNEL_NAME_CURRENT"), "tags", m("custom_tags", l(m("key", "team", "value", "data-eng"))),
        "enable_serverless_compute", false, "warehouse_type", "PRO"), 200, null, "{\"id\":\"" + W3 + "\"}");
    // bob-dev cluster created from the UI, on pool P1
    Cluster c2 = new Cluster();
    c2.id = clusterIdAt(at(d, "09:30:41")); c2.name = "bob-dev"; c2.creator = BOB.email(); c2.numWorkers = 1;
    c2.poolId = P1; c2.autoterm = 60; c2.logDest = "dbfs:/cluster-logs"; c2.customTags.put("team", "data-eng");
    c2.securityMode = "SINGLE_USER"; c2.singleUser = BOB.email();
    long c2Up = create(c2, at(d, "09:30:41"), BOB, false);
    // bob: a notebook on bob-dev, then a data-quality job on it
    String nb2 = "2874651093319960";
    notebook(at(d, "09:40"), BOB, "createNotebook", p("notebookId", nb2, "notebookName", "dq-checks", "path", "/Users/bob@example.com/scratch/dq-checks"));
    notebook(c2Up + 60_000, BOB, "attachNotebook", p("notebookId", nb2, "clusterId", c2.id, "path", "/Users/bob@example.com/scratch/dq-checks"));
    runCommands(c2Up + 90_000, BOB, nb2, c2.id, 4);
    Map<String, Object> j7Settings = m("name", "data-quality-checks", "email_notifications", m(), "timeout_seconds", 0,
        "max_concurrent_runs", 1, "tasks", l(m("task_key", "checks", "notebook_task",
            m("notebook_path", "/Users/bob@example.com/scratch/dq-checks", "source", "WORKSPACE"), "existing_cluster_id", c2.id)),
        "format", "MULTI_TASK");
    audit(at(d, "09:45"), BOB_CLI, "jobs", "create", p("name", "data-quality-checks", "email_notifications", m(),
        "timeout_seconds", 0, "max_concurrent_runs", 1, "tasks", j7Settings.get("tasks"), "format", "MULTI_TASK"),
        200, null, "{\"job_id\":" + J7 + "}");
    {
      Run r = newRun(J7, "data-quality-checks", "ONE_TIME", BOB.email(), at(d, "10:00:04"), newRunId());
      audit(r.start, BOB, "jobs", "runNow", p("job_id", J7, "notebook_params", m("date", "2026-11-01")), 200, null,
          "{\"run_id\":" + r.runId + ",\"number_in_job\":" + r.runId + "}");
      Task k = task(r, "checks", "/Users/bob@example.com/scratch/dq-checks", null);
      r.end = runTask(r, k, r.start, "manual", 6 * 60_000L + 12_345, "SUCCESS", c2, null, null, null, false) + 3_000;
      finish(r, "SUCCESS");
      runs.add(r);
    }
    terminate(c2, c2.lastActivity + 60 * 60_000L, null, "INACTIVITY");
    // carol's notebook on shared-analytics; dashboard-refresh run at noon
    notebook(at(d, "10:12"), CAROL, "createNotebook", p("notebookId", NB1, "notebookName", "orders-analysis", "path", "/Users/carol@example.com/orders-analysis"));
    notebook(at(d, "10:13"), CAROL, "attachNotebook", p("notebookId", NB1, "clusterId", c1.id, "path", "/Users/carol@example.com/orders-analysis"));
    runCommands(at(d, "10:14"), CAROL, NB1, c1.id, 6);
    resize(c1, at(d, "10:40"), null, 4, null);
    autoscaleReport(c1, at(d, "11:40"));
    {
      Run r = newRun(J2, "dashboard-refresh", "ONE_TIME", CAROL.email(), at(d, "12:00:02"), newRunId());
      audit(r.start, CAROL, "jobs", "runNow", p("job_id", J2), 200, null, "{\"run_id\":" + r.runId + ",\"number_in_job\":" + r.runId + "}");
      Task k = task(r, "refresh", "/Shared/analytics/dashboard-refresh", null);
      r.end = runTask(r, k, r.start, "manual", 3 * 60_000L + 40_000, "SUCCESS", c1, null, null, null, false) + 2_000;
      finish(r, "SUCCESS");
      runs.add(r);
    }
    autoscaleReport(c1, at(d, "13:40"));
    resize(c1, at(d, "15:10"), null, 2, null);
    ok(at(d, "16:20"), BOB, "accounts", "generateDbToken", p("comment", "databricks-cli", "lifetimeSeconds", 7776000));
    ok(at(d, "18:02"), CAROL, "databrickssql", "stopWarehouse", p("id", W1));
    terminate(c1, at(d, "19:40:02"), null, "INACTIVITY");

    // ================= Day 1: Tuesday 2026-11-03 =================
    d = 1;
    dailyLogins(d);
    nightlyEtl(1, runs, j1Cluster, "SUCCESS", null);
    start(c1, at(d, "08:10:30"), CAROL);
    ok(at(d, "08:29"), CAROL, "databrickssql", "startWarehouse", p("id", W1));
    // alice onboards erin
    ok(at(d, "09:15"), ALICE, "accounts", "add", p("endpoint", "adminConsole", "targetUserName", ERIN.email(), "targetUserId", ERIN.id()));
    ok(at(d, "09:16"), ALICE, "accounts", "addPrincipalToGroup", p("endpoint", "adminConsole", "targetUserName", ERIN.email(),
        "targetUserId", ERIN.id(), "targetGroupName", "analysts", "targetGroupId", "712094433018265"));
    ok(at(d, "09:40"), ALICE, "databrickssql", "editWarehouse", p("id", W1, "name", "analytics-wh", "cluster_size", "Small",
        "min_num_clusters", 1, "max_num_clusters", 3, "auto_stop_mins", 20, "spot_instance_policy", "COST_OPTIMIZED",
        "enable_photon", true, "channel", m("name", "CHANNEL_NAME_CURRENT"), "warehouse_type", "PRO", "enable_serverless_compute", false));
    // ml cluster on the ml pool
    Cluster c3 = new Cluster();
    c3.id = clusterIdAt(at(d, "09:02:17")); c3.name = "ml-pool-cluster"; c3.creator = DAVE.email(); c3.numWorkers = 2;
    c3.poolId = P2; c3.sparkVersion = "15.4.x-cpu-ml-scala2.12"; c3.autoterm = 45; c3.customTags.put("team", "ml");
    c3.securityMode = "SINGLE_USER"; c3.singleUser = DAVE.email();
    long c3Up = create(c3, at(d, "09:02:17"), DAVE, false);
    runCommands(c3Up + 120_000, DAVE, "2874651093319104", c3.id, 3);
    terminate(c3, c3.lastActivity + 45 * 60_000L, null, "INACTIVITY");
    // bob creates a temp pool; carol's job weekly-report gets new notifications
    audit(at(d, "10:05"), BOB, "instancePools", "create", p("instance_pool_name", "temp-pool", "node_type_id", "r5.large",
        "min_idle_instances", 1, "max_capacity", 4, "idle_instance_autotermination_minutes", 15,
        "preloaded_spark_versions", l("15.4.x-scala2.12"), "custom_tags", m("team", "data-eng"),
        "aws_attributes", m("availability", "ON_DEMAND", "zone_id", "us-west-2a")), 200, null, "{\"instance_pool_id\":\"" + P3 + "\"}");
    ok(at(d, "10:20"), CAROL, "jobs", "update", p("job_id", J5, "new_settings",
        m("email_notifications", m("on_success", l(CAROL.email()), "on_failure", l(CAROL.email(), ALICE.email())))));
    j5Settings.put("email_notifications", m("on_success", l(CAROL.email()), "on_failure", l(CAROL.email(), ALICE.email())));
    ok(at(d, "10:31"), BOB_CLI, "jobs", "reset", p("job_id", J7, "new_settings", withSchedule(j7Settings,
        m("quartz_cron_expression", "0 30 10 * * ?", "timezone_id", "UTC", "pause_status", "PAUSED"))));
    // alice edits shared-analytics: no auto-termination, larger autoscale, cluster-log delivery -> restart
    edit(c1, at(d, "11:00:09"), ALICE, () -> { c1.autoterm = 0; c1.autoscale = new int[]{2, 8}; c1.logDest = "dbfs:/cluster-logs"; });
    {
      Map<String, Object> e = c1.events.get(c1.events.size() - 1);
      long t = (Long) e.get("timestamp");
      event(c1, t + 1_000, "RESTARTING", m("user", ALICE.email()));
      boot(c1, t + 1_000, true);
      c1.sparkContextId = C1_CTX_A; c1.driverIp = "10.20.14.37";
      ok(t + 190_000, ALICE, "clusters", "editResult", resultParams(c1, "Running"));
    }
    notebook(at(d, "11:04:30"), CAROL, "attachNotebook", p("notebookId", NB1, "clusterId", c1.id, "path", "/Users/carol@example.com/orders-analysis"));
    runCommands(at(d, "11:04:50"), CAROL, NB1, c1.id, 3);
    // erin experiments: a scratch cluster she deletes again (alice purges it on Friday)
    Cluster c5 = new Cluster();
    c5.id = clusterIdAt(at(d, "15:00:51")); c5.name = "tmp-scratch"; c5.creator = ERIN.email(); c5.numWorkers = 0;
    c5.nodeType = "m5.large"; c5.driverNodeType = "m5.large"; c5.autoterm = 30;
    c5.sparkConf.put("spark.databricks.cluster.profile", "singleNode"); c5.sparkConf.put("spark.master", "local[*]");
    c5.customTags.put("ResourceClass", "SingleNode");
    c5.hasGetFile = false; c5.inList = false; c5.hasEvents = false;
    create(c5, at(d, "15:00:51"), ERIN, false);
    notebook(at(d, "15:10"), ERIN, "createNotebook", p("notebookId", "2874651093320001", "notebookName", "first-steps", "path", "/Users/erin@example.com/first-steps"));
    notebook(at(d, "15:11"), ERIN, "attachNotebook", p("notebookId", "2874651093320001", "clusterId", c5.id, "path", "/Users/erin@example.com/first-steps"));
    runCommands(at(d, "15:12"), ERIN, "2874651093320001", c5.id, 2);
    terminate(c5, at(d, "15:40:10"), ERIN, "USER_REQUEST");
    // ml-training manual run (two tasks on one job cluster)
    mlTraining(at(d, "16:00:03"), runs, j3Cluster, "SUCCESS", false);
    ok(at(d, "17:55"), CAROL, "databrickssql", "stopWarehouse", p("id", W1));
    autoscaleReport(c1, at(d, "20:00"));

    // ================= Day 2: Wednesday 2026-11-04 =================
    d = 2;
    dailyLogins(d);
    Run failed = nightlyEtl(2, runs, j1Cluster, "FAILED", null);
    failedLogin(at(d, "07:52:10"), FRANK);
    failedLogin(at(d, "07:52:41"), FRANK);
    ok(at(d, "08:30"), CAROL, "databrickssql", "startWarehouse", p("id", W1));
    // bob repairs the failed nightly run
    {
      long repairId = 559201384470013L;
      audit(at(d, "09:10:22"), BOB, "jobs", "repairRun", p("run_id", failed.runId, "rerun_tasks", l("ingest_and_transform"),
          "latest_repair_id", null), 200, null, "{\"repair_id\":" + repairId + "}");
      failed.repairId = repairId;
      Task k = task(failed, "ingest_and_transform", "/Repos/data-eng/etl/nightly_etl", "etl_cluster");
      k.attempt = 1;
      failed.end = runTask(failed, k, at(d, "09:10:25"), "cron", 11 * 60_000L + 5_111, "SUCCESS", null, j1Cluster, null, null, true) + 9_000;
      finish(failed, "SUCCESS");
    }
    ok(at(d, "09:30"), ALICE, "accounts", "setAdmin", p("endpoint", "adminConsole", "targetUserName", BOB.email(), "targetUserId", BOB.id()));
    ok(at(d, "10:15"), ALICE, "instancePools", "edit", p("instance_pool_id", P1, "instance_pool_name", "general-purpose-pool",
        "node_type_id", "i3.xlarge", "min_idle_instances", 1, "max_capacity", 30, "idle_instance_autotermination_minutes", 20,
        "custom_tags", m("team", "platform")));
    audit(at(d, "11:00:00"), SVC, "jobs", "submitRun", p("run_name", "one-time-export", "tasks", l(m("task_key", "export",
        "notebook_task", m("notebook_path", "/Shared/exports/one_time_export"), "new_cluster", jobClusterSpec("m5.xlarge", 2, false, "15.4.x-scala2.12", "data-eng"))),
        "timeout_seconds", 3600), 200, null, null);
    {
      Run r = newRun(J6, "one-time-export", "ONE_TIME", SVC.email(), at(d, "11:00:00"), newRunId());
      r.runType = "SUBMIT_RUN";
      AUDIT.get(AUDIT.size() - 1).put("response", resp200("{\"run_id\":" + r.runId + "}"));
      Task k = task(r, "export", "/Shared/exports/one_time_export", null);
      r.end = runTask(r, k, r.start, "onetime", 14 * 60_000L + 2_222, "SUCCESS", null,
          jobClusterSpec("m5.xlarge", 2, false, "15.4.x-scala2.12", "data-eng"), null, null, true) + 9_000;
      finish(r, "SUCCESS");
      runs.add(r);
    }
    // bob-dev: start, resize, ad-hoc job created via the API, backfill run, then terminated by bob
    long c2Up2 = start(c2, at(d, "13:00:18"), BOB);
    audit(at(d, "13:10"), BOB_CLI, "jobs", "create", p("name", "adhoc-backfill", "tasks", l(m("task_key", "backfill",
        "notebook_task", m("notebook_path", "/Users/bob@example.com/scratch/backfill"), "existing_cluster_id", c2.id)),
        "max_concurrent_runs", 1, "format", "MULTI_TASK"), 200, null, "{\"job_id\":" + J4 + "}");
    ok(at(d, "13:20"), BOB_CLI, "jobs", "reset", p("job_id", J4, "new_settings", m("name", "adhoc-backfill",
        "tasks", l(m("task_key", "backfill", "notebook_task", m("notebook_path", "/Users/bob@example.com/scratch/backfill",
            "base_parameters", m("from", "2026-10-01")), "existing_cluster_id", c2.id)), "max_concurrent_runs", 1, "timeout_seconds", 3600)));
    resize(c2, at(d, "13:40:02"), BOB, 2, null);
    {
      Run r = newRun(J4, "adhoc-backfill", "ONE_TIME", BOB.email(), at(d, "14:00:07"), newRunId());
      audit(r.start, BOB_CLI, "jobs", "runNow", p("job_id", J4, "notebook_params", m("from", "2026-10-01")), 200, null,
          "{\"run_id\":" + r.runId + ",\"number_in_job\":" + r.runId + "}");
      Task k = task(r, "backfill", "/Users/bob@example.com/scratch/backfill", null);
      r.end = runTask(r, k, r.start, "manual", 24 * 60_000L + 31_000, "SUCCESS", c2, null, null, null, false) + 2_000;
      finish(r, "SUCCESS");
      // runs of deleted jobs are not listed by jobs/runs/list any more: not added to runs
    }
    // bob restarts shared-analytics, runs dashboard-refresh and his streaming notebook (event logs of context B)
    restart(c1, at(d, "14:20:00"), BOB, C1_CTX_B, "10.20.9.112");
    {
      Run r = newRun(J2, "dashboard-refresh", "ONE_TIME", BOB.email(), at(d, "14:24:52"), J2_NOV4_RUN);
      audit(r.start, BOB, "jobs", "runNow", p("job_id", J2), 200, null, "{\"run_id\":" + r.runId + ",\"number_in_job\":" + r.runId + "}");
      Task k = task(r, "refresh", "/Shared/analytics/dashboard-refresh", null);
      k.runId = J2_NOV4_TASK_RUN;
      r.end = runTask(r, k, r.start - 1_500, "manual", 95_000L, "SUCCESS", c1, null, null, null, false) + 2_000;
      finish(r, "SUCCESS");
      runs.add(r);
    }
    notebook(at(d, "14:26"), BOB, "createNotebook", p("notebookId", NB3, "notebookName", "streaming-demo", "path", "/Users/bob@example.com/streaming-demo"));
    notebook(at(d, "14:26:30"), BOB, "attachNotebook", p("notebookId", NB3, "clusterId", c1.id, "path", "/Users/bob@example.com/streaming-demo"));
    runCommands(at(d, "14:26:50"), BOB, NB3, c1.id, 2);
    terminate(c2, at(d, "16:00:40"), BOB, "USER_REQUEST");
    // carol reorganises her notebook
    notebook(at(d, "15:05"), CAROL, "renameNotebook", p("notebookId", NB1, "oldName", "orders-analysis", "newName", "orders-analysis-v2",
        "path", "/Users/carol@example.com/orders-analysis"));
    notebook(at(d, "15:06"), CAROL, "moveNotebook", p("notebookId", NB1, "oldPath", "/Users/carol@example.com/orders-analysis-v2",
        "newPath", "/Shared/analytics/orders-analysis-v2"));
    // alice creates a serverless warehouse
    audit(at(d, "15:30"), ALICE, "databrickssql", "createWarehouse", p("name", "adhoc-serverless", "cluster_size", "Small",
        "min_num_clusters", 1, "max_num_clusters", 2, "auto_stop_mins", 10, "spot_instance_policy", "COST_OPTIMIZED",
        "enable_photon", true, "channel", m("name", "CHANNEL_NAME_CURRENT"), "tags", m("custom_tags", l(m("key", "team", "value", "analytics"))),
        "enable_serverless_compute", true, "warehouse_type", "PRO"), 200, null, "{\"id\":\"" + W2 + "\"}");
    ok(at(d, "15:31"), ALICE, "databrickssql", "startWarehouse", p("id", W2));
    ok(at(d, "15:58"), ALICE, "databrickssql", "stopWarehouse", p("id", W2));
    ok(at(d, "18:10"), CAROL, "databrickssql", "stopWarehouse", p("id", W1));
    autoscaleReport(c1, at(d, "18:00"));

    // ================= Day 3: Thursday 2026-11-05 =================
    d = 3;
    dailyLogins(d);
    nightlyEtl(3, runs, j1Cluster, "SUCCESS", JC_NOV5_ID);
    ok(at(d, "08:45"), CAROL, "databrickssql", "startWarehouse", p("id", W1));
    long c3Up2 = start(c3, at(d, "09:30:12"), DAVE);
    notebook(at(d, "09:36"), DAVE, "createNotebook", p("notebookId", "2874651093321188", "notebookName", "feature-eng", "path", "/Users/dave@example.com/feature-eng"));
    notebook(c3Up2 + 30_000, DAVE, "attachNotebook", p("notebookId", "2874651093321188", "clusterId", c3.id, "path", "/Users/dave@example.com/feature-eng"));
    runCommands(c3Up2 + 60_000, DAVE, "2874651093321188", c3.id, 4);
    resize(c1, at(d, "10:00:05"), ALICE, null, new int[]{3, 8});
    ok(at(d, "10:30"), ALICE, "accounts", "removePrincipalFromGroup", p("endpoint", "adminConsole", "targetUserName", FRANK.email(),
        "targetUserId", FRANK.id(), "targetGroupName", "data-engineers", "targetGroupId", "712094433018102"));
    ok(at(d, "10:35"), ALICE, "accounts", "updateUser", p("endpoint", "scim", "targetUserName", ERIN.email(), "targetUserId", ERIN.id()));
    // carol raises finance-reporting's auto-termination (cluster is terminated: EDITED only)
    edit(c4, at(d, "11:12:30"), CAROL, () -> c4.autoterm = 60);
    ok(at(d, "11:13"), CAROL, "clusters", "editResult", resultParams(c4, "Terminated"));
    terminate(c3, at(d, "12:00:30"), DAVE, "USER_REQUEST");
    ok(at(d, "13:00"), BOB, "instancePools", "delete", p("instance_pool_id", P3));
    mlTraining(at(d, "15:00:02"), runs, j3Cluster, "FAILED", false);
    mlTraining(at(d, "16:30:01"), runs, j3Cluster, "CANCELED", true);
    ok(at(d, "16:05"), BOB, "databrickssql", "deleteWarehouse", p("id", W3));
    ok(at(d, "17:40"), CAROL, "databrickssql", "stopWarehouse", p("id", W1));
    autoscaleReport(c1, at(d, "14:00"));
    resize(c1, at(d, "14:30"), null, 5, null);
    resize(c1, at(d, "16:50"), null, 3, null);

    // ================= Day 4: Friday 2026-11-06 =================
    d = 4;
    dailyLogins(d);
    nightlyEtl(4, runs, j1Cluster, "SUCCESS", null);
    failedLogin(at(d, "03:14:15"), new User("mallory@example.net", null, "192.0.2.66", "python-requests/2.32.3", false));
    start(c4, at(d, "09:00:20"), CAROL);
    runCommands(at(d, "09:08"), CAROL, "2874651093317730", c4.id, 3);
    terminate(c4, c4.lastActivity + 60 * 60_000L, null, "INACTIVITY");
    ok(at(d, "09:30:44"), ALICE, "clusters", "permanentDelete", p("cluster_id", c5.id));
    ok(at(d, "10:00"), BOB_CLI, "jobs", "delete", p("job_id", J4));
    notebook(at(d, "10:05"), BOB, "deleteNotebook", p("notebookId", nb2, "path", "/Users/bob@example.com/scratch/dq-checks"));
    ok(at(d, "08:35"), CAROL, "databrickssql", "startWarehouse", p("id", W1));
    ok(at(d, "17:20"), CAROL, "databrickssql", "stopWarehouse", p("id", W1));
    // one-time runs without a cluster: a SQL task on analytics-wh and a serverless notebook task (fixed ids, no
    // random draws, so the rest of the data stays as it was; not in jobs/runs/list)
    oneTimeRunWithoutCluster(ts("2026-11-06T11:00:00"), 118273645509377L, 884213907900101L, 884213907900202L, "warehouse-kpis",
        "kpis", "sql", m("sql_task", m("warehouse_id", W1, "query", m("query_id", "7d3f2a10-kpis"))), 90_500L);
    oneTimeRunWithoutCluster(ts("2026-11-06T11:30:00"), 118273645509433L, 884213907900303L, 884213907900404L, "serverless-export",
        "export", "notebook", m("notebook_task", m("notebook_path", "/Shared/exports/serverless_export")), 150_250L);
    autoscaleReport(c1, at(d, "12:00"));
    autoscaleReport(c1, at(d, "20:00"));

    // ---- jobs list (snapshot) ----
    JOBS_LIST.add(job(J1, BOB.email(), SVC.email(), ts("2026-10-12T16:20:11"), j1Settings));
    JOBS_LIST.add(job(J2, CAROL.email(), CAROL.email(), ts("2026-10-22T09:41:37"), j2Settings));
    JOBS_LIST.add(job(J3, DAVE.email(), DAVE.email(), ts("2026-10-28T13:02:54"), j3Settings));
    JOBS_LIST.add(job(J5, CAROL.email(), CAROL.email(), ts("2026-09-30T08:15:00"), j5Settings));
    JOBS_LIST.add(job(J7, BOB.email(), BOB.email(), at(0, "09:45"), withSchedule(j7Settings,
        m("quartz_cron_expression", "0 30 10 * * ?", "timezone_id", "UTC", "pause_status", "PAUSED"))));
    JOBS_LIST.sort(Comparator.comparing(j -> (Long) j.get("job_id")));
    for (Run r : runs) {
      Map<String, Object> settings = r.jobId == J1 ? j1Settings : r.jobId == J2 ? j2Settings : r.jobId == J3 ? j3Settings
          : r.jobId == J5 ? j5Settings : r.jobId == J7 ? j7Settings : null;
      RUNS.add(runJson(r, settings));
    }
    RUNS.sort((a, b) -> Long.compare((Long) b.get("start_time"), (Long) a.get("start_time")));

    // ---- consistency checks ----
    if (!CLUSTERS.containsKey(JC_NOV5_ID)) throw new IllegalStateException("job cluster of 2026-11-05 missing");
    if (!C1_CTX_B.equals(c1.sparkContextId) || !c1.running) throw new IllegalStateException("shared-analytics must be RUNNING in context B");
    Set<String> reqIds = new HashSet<>();
    for (Map<String, Object> a : AUDIT) if (!reqIds.add((String) a.get("requestId"))) throw new IllegalStateException("duplicate requestId");

    terminateAtPeriodEnd(c1);
    write(out, P1, P2, POLICY, W1, W2);
    SqlWarehouseData.write(out, W1, W2, W3);
  }

  /**
   * alice stops shared-analytics at the end of the last day, so its last state closes inside the sample
   * period and the quickstart's costs do not grow with the date the quickstart is run. Its own random
   * source and a fixed delay: every other record keeps its ids and times.
   */
  static void terminateAtPeriodEnd(Cluster c1) {
    fixedIds = new Random(SNAPSHOT);
    terminate(c1, ts("2026-11-06T21:30:00"), ALICE, "USER_REQUEST", () -> 41_000L);
    fixedIds = null;
  }

  /** submitRun, runStart and runSucceeded of a one-task run with no cluster id (SQL warehouse or serverless). */
  static void oneTimeRunWithoutCluster(long t, long jobId, long runId, long taskRunId, String name, String key,
                                       String taskType, Map<String, Object> taskLogic, long durationMs) {
    fixedIds = new Random(runId);
    Map<String, Object> task = new LinkedHashMap<>(m("task_key", key));
    task.putAll(taskLogic);
    audit(t, SVC, "jobs", "submitRun", p("run_name", name, "tasks", l(task), "timeout_seconds", 3600), 200, null,
        "{\"run_id\":" + runId + "}");
    Map<String, Object> params = p("jobId", jobId, "runId", taskRunId, "multitaskParentRunId", runId, "taskKey", key,
        "taskDependencies", l(), "jobTaskType", taskType, "jobTriggerType", "onetime", "idInJob", taskRunId, "orgId", ORG);
    ok(t + 2_000, SVC, "jobs", "runStart", params);
    Map<String, Object> end = new LinkedHashMap<>(params);
    end.put("jobTerminalState", "Succeeded");
    audit(t + 2_000 + durationMs, SVC, "jobs", "runSucceeded", end, 200, null, null);
    fixedIds = null;
  }

  static Map<String, Object> resp200(String result) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("statusCode", 200); r.put("errorMessage", null); r.put("result", result);
    return r;
  }
  static Map<String, Object> withSchedule(Map<String, Object> s, Map<String, Object> schedule) {
    Map<String, Object> r = new LinkedHashMap<>(s);
    r.put("schedule", schedule);
    return r;
  }
  static Map<String, Object> job(long id, String creator, String runAs, long created, Map<String, Object> settings) {
    return m("job_id", id, "creator_user_name", creator, "run_as_user_name", runAs, "run_as_owner", creator.equals(runAs),
        "settings", settings, "created_time", created);
  }
  static Run newRun(long jobId, String name, String trigger, String creator, long start, long runId) {
    Run r = new Run();
    r.jobId = jobId; r.name = name; r.trigger = trigger; r.creator = creator; r.start = start; r.runId = runId;
    return r;
  }
  static Task task(Run r, String key, String path, String jobClusterKey) {
    Task k = new Task();
    k.key = key; k.path = path; k.jobClusterKey = jobClusterKey; k.runId = newRunId();
    r.tasks.add(k);
    return k;
  }
  static void finish(Run r, String result) { r.result = result; r.lifeCycle = "TERMINATED"; }

  static Run nightlyEtl(int d, List<Run> runs, Map<String, Object> spec, String result, String fixedClusterId) {
    long runId = d == 3 ? J1_NOV5_RUN : newRunId();
    Run r = newRun(J1, "nightly-etl", "PERIODIC", SVC.email(), at(d, "02:00:00"), runId);
    r.jobClusters = l(m("job_cluster_key", "etl_cluster", "new_cluster", spec));
    ok(r.start, SVC, "jobs", "runTriggered", p("jobId", J1, "runId", r.runId, "jobTriggerType", "cron", "orgId", ORG));
    Task k = task(r, "ingest_and_transform", "/Repos/data-eng/etl/nightly_etl", "etl_cluster");
    if (d == 3) k.runId = J1_NOV5_TASK_RUN;
    long dur = (result.equals("FAILED") ? 7 : 3) * 60_000L + R.nextInt(120_000);
    r.end = runTask(r, k, r.start + 7_000, "cron", dur, result, null, spec, fixedClusterId, null, true) + 9_000;
    if (result.equals("FAILED")) r.stateMessage = "Task ingest_and_transform failed with message: Workload failed, see run output for details.";
    finish(r, result);
    runs.add(r);
    return r;
  }

  static void mlTraining(long t, List<Run> runs, Map<String, Object> spec, String outcome, boolean cancel) {
    Run r = newRun(J3, "ml-training", "ONE_TIME", DAVE.email(), t, newRunId());
    r.jobClusters = l(m("job_cluster_key", "ml_cluster", "new_cluster", spec));
    audit(t, DAVE, "jobs", "runNow", p("job_id", J3, "python_params", l("--epochs", "20")), 200, null,
        "{\"run_id\":" + r.runId + ",\"number_in_job\":" + r.runId + "}");
    Task prep = task(r, "prepare_features", "/Users/dave@example.com/ml/prepare_features", "ml_cluster");
    Task train = task(r, "train_model", "/Users/dave@example.com/ml/train_model", "ml_cluster");
    train.dependsOn = l(m("task_key", "prepare_features"));
    long e1 = runTask(r, prep, t, "manual", 12 * 60_000L + R.nextInt(60_000), "SUCCESS", null, spec, null, null, false);
    long e2;
    if (cancel) {
      train.start = e1 + 2_000;
      train.cluster = prep.cluster;
      train.ctx = prep.cluster.sparkContextId;
      runStartAudit(r, train, "manual", "job_cluster");
      long ct = train.start + 6 * 60_000L;
      ok(ct, DAVE, "jobs", "cancel", p("run_id", r.runId));
      train.end = ct + 3_000;
      train.result = "CANCELED";
      runEndAudit(r, train, "manual", "job_cluster");
      e2 = train.end;
      r.stateMessage = "Run cancelled.";
    } else {
      e2 = runTask(r, train, e1 + 1_000, "manual", 25 * 60_000L + R.nextInt(60_000), outcome, null, spec, null, prep.cluster, false);
      if (outcome.equals("FAILED")) r.stateMessage = "Task train_model failed with message: Workload failed, see run output for details.";
    }
    terminate(prep.cluster, e2 + 8_000, null, "JOB_FINISHED");
    r.end = e2 + 40_000;
    finish(r, cancel ? "CANCELED" : outcome);
    runs.add(r);
  }

  static void notebook(long t, User u, String action, Map<String, Object> params) {
    ok(t, u, "notebook", action, params);
  }
  static final String[] COMMANDS = {
      "df = spark.table(\"sales.orders\")\ndisplay(df.limit(10))",
      "%sql SELECT segment, count(*), sum(amount) FROM sales.orders o JOIN sales.customers c USING (customer_id) GROUP BY segment",
      "recent = df.filter(\"order_date >= '2026-10-20'\").cache()\nrecent.count()",
      "display(recent.groupBy(\"order_date\").agg(F.sum(\"amount\")))",
      "%sql SELECT country, name, rank() OVER (PARTITION BY country ORDER BY total DESC) r FROM top_customers",
      "import pyspark.sql.functions as F",
      "%sql DESCRIBE HISTORY sales.orders",
      "features = build_features(spark.table(\"ml.events\"))\nfeatures.write.mode(\"overwrite\").saveAsTable(\"ml.features\")",
      "(spark.readStream.format(\"rate\").load().groupBy((F.col(\"value\") % 5).alias(\"k\")).count()\n  .writeStream.format(\"memory\").queryName(\"bob_rate_counts\").outputMode(\"complete\").start())",
      "%sql SELECT * FROM finance.weekly_revenue ORDER BY week DESC LIMIT 20"};
  static void runCommands(long t, User u, String notebookId, String clusterId, int n) {
    long tt = t;
    for (int i = 0; i < n; i++) {
      double secs = 0.3 + R.nextInt(30_000) / 1000.0;
      boolean err = R.nextInt(12) == 0;
      ok(tt, u, "notebook", "runCommand", p("notebookId", notebookId, "clusterId", clusterId,
          "commandId", String.valueOf(6611832054418800000L + R.nextInt(1_000_000)), "commandText", COMMANDS[R.nextInt(COMMANDS.length)],
          "executionTime", String.format(Locale.ROOT, "%.3f", secs), "status", err ? "error" : "finished",
          "commandLanguage", "python"));
      tt += (long) (secs * 1000) + 20_000 + R.nextInt(120_000);
    }
    Cluster c = CLUSTERS.get(clusterId);
    if (c != null) c.lastActivity = Math.max(c.lastActivity, tt);
  }

  static void dailyLogins(int d) {
    List<User> people = new ArrayList<>(List.of(ALICE, BOB, CAROL, DAVE));
    if (d >= 1) people.add(ERIN);
    if (d <= 2) people.add(FRANK);
    for (User u : people) {
      long t = at(d, String.format("%02d:%02d:%02d", 7 + R.nextInt(2), R.nextInt(60), R.nextInt(60)));
      if (u == FRANK && d == 2) continue; // frank fails to log in on Wednesday (see failedLogin)
      ok(t, u, "accounts", "samlLogin", p("user", u.email(), "authenticationMethod", "SAML"));
      if (R.nextInt(3) == 0) ok(t + 4 * 3600_000L + R.nextInt(3600_000), u, "accounts", "samlLogin", p("user", u.email(), "authenticationMethod", "SAML"));
    }
    // service principal and CLI token logins through the day
    for (int i = 0; i < 4; i++)
      ok(at(d, String.format("%02d:%02d:%02d", 1 + i * 5, R.nextInt(60), R.nextInt(60))), SVC, "accounts", "tokenLogin",
          p("user", SVC.email(), "tokenId", "7c41d0e2b5a3f698e1d2c3b4a5f60718", "authenticationMethod", "API_INT_PAT_TOKEN"));
    for (int i = 0; i < 2; i++)
      ok(at(d, String.format("%02d:%02d:%02d", 10 + i * 4, R.nextInt(60), R.nextInt(60))), BOB_CLI, "accounts", "tokenLogin",
          p("user", BOB.email(), "tokenId", "2f8e6d4c1a9b7e5d3c1b9a8f7e6d5c4b", "authenticationMethod", "API_INT_PAT_TOKEN"));
    // the password login of the Overwatch service account (alice's PAT) once a day
    ok(at(d, "00:30:00"), new User(ALICE.email(), ALICE.id(), "198.51.100.250", "overwatch-on-kubernetes/0.1 databricks-sdk-java/0.141.0", false),
        "accounts", "tokenLogin", p("user", ALICE.email(), "tokenId", "9a8b7c6d5e4f30211f2e3d4c5b6a7988", "authenticationMethod", "API_INT_PAT_TOKEN"));
  }
  static void failedLogin(long t, User u) {
    audit(t, u, "accounts", "login", p("user", u.email(), "authenticationMethod", "PASSWORD"), 401, "Invalid username or password", null);
  }

  // ------------------------------------------------------------------------------------------
  // Writing
  // ------------------------------------------------------------------------------------------
  static void write(Path out, String P1, String P2, String POLICY, String W1, String W2) throws IOException {
    deleteTree(out.resolve("audit-logs"));
    deleteTree(out.resolve("api"));
    // audit logs: one folder per day, two delivery files per day (before/after noon)
    AUDIT.sort(Comparator.comparingLong(a -> (Long) a.get("timestamp")));
    Map<String, List<String>> files = new TreeMap<>();
    Map<String, String> fileIds = new HashMap<>();
    for (Map<String, Object> a : AUDIT) {
      Instant i = Instant.ofEpochMilli((Long) a.get("timestamp"));
      LocalDate day = i.atZone(ZoneOffset.UTC).toLocalDate();
      if (day.isBefore(DAY0) || !day.isBefore(DAY0.plusDays(DAYS))) throw new IllegalStateException("record outside days: " + a);
      String half = i.atZone(ZoneOffset.UTC).getHour() < 12 ? "a" : "b";
      String key = day + "/" + half;
      String id = fileIds.computeIfAbsent(key, k -> hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12));
      files.computeIfAbsent("date=" + day + "/auditlogs_" + id + ".json", k -> new ArrayList<>()).add(json(a));
    }
    for (var e : files.entrySet()) writeFile(out.resolve("audit-logs").resolve(e.getKey()), String.join("\n", e.getValue()) + "\n");

    Path api = out.resolve("api").resolve("api");   // <apiReplayPath>/<request path without leading />.json
    writeFile(api.resolve("2.1/jobs/list.json"), pretty(m("jobs", JOBS_LIST)));
    writeFile(api.resolve("2.1/jobs/runs/list.json"), pretty(m("runs", RUNS)));
    List<Object> listed = l();
    for (Cluster c : CLUSTERS.values()) {
      if (c.inList) listed.add(clusterJson(c, P1, P2));
      if (c.hasGetFile) writeFile(api.resolve("2.0/clusters/get/" + c.id + ".json"), pretty(clusterJson(c, P1, P2)));
      if (c.hasEvents) {
        List<Map<String, Object>> ev = new ArrayList<>(c.events);
        ev.sort((a, b) -> Long.compare((Long) b.get("timestamp"), (Long) a.get("timestamp")));
        writeFile(api.resolve("2.0/clusters/events/" + c.id + ".json"), pretty(m("events", ev, "total_count", ev.size())));
      }
    }
    // clusters/list: running first, then by most recent start (as the API does)
    listed.sort((a, b) -> {
      Map<?, ?> x = (Map<?, ?>) a, y = (Map<?, ?>) b;
      int r = Boolean.compare("RUNNING".equals(y.get("state")), "RUNNING".equals(x.get("state")));
      return r != 0 ? r : Long.compare((Long) y.get("start_time"), (Long) x.get("start_time"));
    });
    writeFile(api.resolve("2.0/clusters/list.json"), pretty(m("clusters", listed)));

    writeFile(api.resolve("2.0/instance-pools/list.json"), pretty(m("instance_pools", l(
        pool(P1, "general-purpose-pool", "i3.xlarge", 1, 30, 20, l("15.4.x-scala2.12"), "platform", ALICE, 1, 0),
        pool(P2, "ml-pool", "m5.2xlarge", 0, 10, 30, l("15.4.x-cpu-ml-scala2.12"), "ml", DAVE, 0, 0)))));
    writeFile(api.resolve("2.0/instance-profiles/list.json"), pretty(m("instance_profiles", l(
        m("instance_profile_arn", "arn:aws:iam::123456789012:instance-profile/databricks-etl-access", "is_meta_instance_profile", false),
        m("instance_profile_arn", "arn:aws:iam::123456789012:instance-profile/databricks-analytics-readonly",
            "iam_role_arn", "arn:aws:iam::123456789012:role/databricks-analytics-readonly", "is_meta_instance_profile", false)))));
    writeFile(api.resolve("2.0/libraries/all-cluster-statuses.json"), pretty(m("statuses", l(
        m("cluster_id", C1_ID, "library_statuses", l(
            m("library", m("pypi", m("package", "great-expectations==0.18.12")), "status", "INSTALLED", "is_library_for_all_clusters", false),
            m("library", m("maven", m("coordinates", "com.databricks:spark-xml_2.12:0.18.0")), "status", "INSTALLED", "is_library_for_all_clusters", false))),
        m("cluster_id", CLUSTERS.values().stream().filter(c -> c.name.equals("ml-pool-cluster")).findFirst().get().id,
            "library_statuses", l(m("library", m("pypi", m("package", "xgboost==2.0.3")), "status", "PENDING",
                "is_library_for_all_clusters", false)))))));
    writeFile(api.resolve("2.0/policies/clusters/list.json"), pretty(m("policies", l(
        m("policy_id", POLICY, "name", "analyst-small",
            "definition", json(m("node_type_id", m("type", "allowlist", "values", l("m5.large", "m5.xlarge")),
                "num_workers", m("type", "range", "maxValue", 2, "defaultValue", 1),
                "autotermination_minutes", m("type", "range", "minValue", 10, "maxValue", 120, "defaultValue", 30),
                "cluster_log_conf.type", m("type", "fixed", "value", "DBFS"),
                "cluster_log_conf.path", m("type", "fixed", "value", "dbfs:/cluster-logs"),
                "custom_tags.cost-center", m("type", "fixed", "value", "cc-2210"))),
            "description", "Small single-user clusters for analysts; logs delivered to dbfs:/cluster-logs",
            "creator_user_name", ALICE.email(), "created_at_timestamp", ts("2026-09-02T10:11:12"), "is_default", false)),
        "total_count", 1)));
    writeFile(api.resolve("2.0/token/list.json"), pretty(m("token_infos", l(
        m("token_id", "9a8b7c6d5e4f30211f2e3d4c5b6a7988", "creation_time", ts("2026-10-01T12:00:00"), "expiry_time", ts("2027-03-30T12:00:00"),
            "comment", "overwatch", "created_by_id", Long.parseLong(ALICE.id()), "created_by_username", ALICE.email(), "owner_id", Long.parseLong(ALICE.id())),
        m("token_id", "2f8e6d4c1a9b7e5d3c1b9a8f7e6d5c4b", "creation_time", at(0, "16:20"), "expiry_time", at(0, "16:20") + 7776000_000L,
            "comment", "databricks-cli", "created_by_id", Long.parseLong(BOB.id()), "created_by_username", BOB.email(), "owner_id", Long.parseLong(BOB.id())),
        m("token_id", "7c41d0e2b5a3f698e1d2c3b4a5f60718", "creation_time", ts("2026-08-15T08:00:00"), "expiry_time", -1L,
            "comment", "svc-etl automation", "created_by_id", Long.parseLong(ALICE.id()), "created_by_username", ALICE.email(), "owner_id", Long.parseLong(SVC.id()))))));
    writeFile(api.resolve("2.0/global-init-scripts.json"), pretty(m("scripts", l(
        m("script_id", "C9A1E2B3D4F50617", "name", "install-monitoring-agent", "position", 0, "enabled", true,
            "created_by", ALICE.email(), "created_at", ts("2026-08-01T09:00:00"), "updated_by", ALICE.email(), "updated_at", ts("2026-10-05T14:30:00")),
        m("script_id", "5B6C7D8E9F0A1B2C", "name", "set-pip-index", "position", 1, "enabled", false,
            "created_by", BOB.email(), "created_at", ts("2026-09-12T11:20:00"), "updated_by", BOB.email(), "updated_at", ts("2026-09-12T11:20:00"))))));
    writeFile(api.resolve("2.0/sql/warehouses.json"), pretty(m("warehouses", l(
        warehouse(W1, "analytics-wh", "Small", 1, 3, 20, false, ALICE, "COST_OPTIMIZED", "analytics"),
        warehouse(W2, "adhoc-serverless", "Small", 1, 2, 10, true, ALICE, "COST_OPTIMIZED", "analytics")))));
    System.out.println("audit records: " + AUDIT.size() + " in " + files.size() + " files; clusters: " + CLUSTERS.size()
        + "; runs: " + RUNS.size() + "; jobs: " + JOBS_LIST.size());
  }

  static Map<String, Object> clusterJson(Cluster c, String P1, String P2) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("cluster_id", c.id);
    o.put("creator_user_name", c.creator);
    if (c.running) {
      o.put("driver", m("private_ip", c.driverIp, "node_id", hex(32), "instance_id", "i-0" + hex(16),
          "start_timestamp", c.startTime + 60_000, "node_aws_attributes", m("is_spot", false), "host_private_ip", c.driverIp));
      List<Object> ex = l();
      for (int i = 0; i < c.workers; i++) ex.add(m("private_ip", ip(), "node_id", hex(32), "instance_id", "i-0" + hex(16),
          "start_timestamp", c.startTime + 60_000, "node_aws_attributes", m("is_spot", true), "host_private_ip", ip()));
      o.put("executors", ex);
      o.put("spark_context_id", Long.parseLong(c.sparkContextId));
      o.put("driver_healthy", true);
    }
    o.put("jdbc_port", 10000);
    o.putAll(c.spec());
    o.put("state", c.running ? "RUNNING" : "TERMINATED");
    o.put("state_message", c.running ? "" : "Termination requested");
    o.put("start_time", c.createdTime);
    if (!c.running) o.put("terminated_time", c.terminatedTime);
    o.put("last_state_loss_time", c.lastRestart > 0 ? c.lastRestart : c.startTime);
    o.put("last_activity_time", c.lastActivity);
    if (c.lastRestart > 0) o.put("last_restarted_time", c.lastRestart + 60_000);
    o.put("cluster_memory_mb", c.running ? (c.workers + 1) * 31232 : 0);
    o.put("cluster_cores", c.running ? (c.workers + 1) * 4.0 : 0.0);
    Map<String, Object> dt = m("Vendor", "Databricks", "Creator", c.creator, "ClusterName", c.name, "ClusterId", c.id);
    if (c.jobId != null) { dt.put("JobId", String.valueOf(c.jobId)); dt.put("RunName", c.name.startsWith("job-") ? runNameOf(c.jobId) : c.name); }
    o.put("default_tags", dt);
    if (c.logDest != null) o.put("cluster_log_status", m("last_attempted", c.running ? SNAPSHOT - 240_000 : c.terminatedTime));
    if (c.poolId != null) o.put("instance_source", m("instance_pool_id", c.poolId));
    else o.put("instance_source", m("node_type_id", c.nodeType));
    if (!c.running && c.terminationReason != null) o.put("termination_reason", c.terminationReason);
    o.put("init_scripts_safe_mode", false);
    o.put("spec", c.spec());
    o.put("effective_spark_version", c.sparkVersion);
    return o;
  }
  static String runNameOf(long jobId) {
    return jobId == J1 ? "nightly-etl" : jobId == J3 ? "ml-training" : jobId == J5 ? "weekly-report" : jobId == J6 ? "one-time-export" : "job";
  }
  static Map<String, Object> pool(String id, String name, String node, int minIdle, int max, int idleMin, List<Object> versions,
                                  String team, User creator, int used, int idle) {
    return m("instance_pool_id", id, "instance_pool_name", name, "node_type_id", node, "min_idle_instances", minIdle,
        "max_capacity", max, "idle_instance_autotermination_minutes", idleMin, "enable_elastic_disk", true,
        "aws_attributes", m("availability", "SPOT", "zone_id", "us-west-2a", "spot_bid_price_percent", 100),
        "disk_spec", m("disk_type", m("ebs_volume_type", "GENERAL_PURPOSE_SSD"), "disk_count", 1, "disk_size", 100),
        "preloaded_spark_versions", versions, "custom_tags", m("team", team),
        "default_tags", m("Vendor", "Databricks", "DatabricksInstancePoolCreatorId", creator.id(), "DatabricksInstancePoolId", id),
        "state", "ACTIVE", "stats", m("used_count", used, "idle_count", Math.max(idle, minIdle), "pending_used_count", 0, "pending_idle_count", 0),
        "status", m());
  }
  static Map<String, Object> warehouse(String id, String name, String size, int min, int max, int stop, boolean serverless,
                                       User creator, String spot, String team) {
    return m("id", id, "name", name, "size", size.toUpperCase(Locale.ROOT), "cluster_size", size, "min_num_clusters", min,
        "max_num_clusters", max, "auto_stop_mins", stop, "auto_resume", true, "creator_name", creator.email(),
        "creator_id", Long.parseLong(creator.id()), "tags", m("custom_tags", l(m("key", "team", "value", team))),
        "spot_instance_policy", spot, "enable_photon", true, "enable_serverless_compute", serverless,
        "warehouse_type", "PRO", "num_clusters", 0, "num_active_sessions", 0, "state", "STOPPED",
        "channel", m("name", "CHANNEL_NAME_CURRENT"),
        "jdbc_url", "jdbc:spark://" + HOST + ":443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/" + id + ";",
        "odbc_params", m("hostname", HOST, "path", "/sql/1.0/warehouses/" + id, "protocol", "https", "port", 443));
  }

  // ---- minimal JSON writer (keeps insertion order; no dependencies) ----
  static String json(Object o) { StringBuilder b = new StringBuilder(); write(b, o, -1, 0); return b.toString(); }
  static String pretty(Object o) { StringBuilder b = new StringBuilder(); write(b, o, 2, 0); return b.append('\n').toString(); }
  static void write(StringBuilder b, Object o, int indent, int level) {
    if (o == null) b.append("null");
    else if (o instanceof String s) quote(b, s);
    else if (o instanceof Number || o instanceof Boolean) b.append(o);
    else if (o instanceof Map<?, ?> mp) {
      if (mp.isEmpty()) { b.append("{}"); return; }
      b.append('{');
      boolean first = true;
      for (var e : mp.entrySet()) {
        if (!first) b.append(',');
        first = false;
        nl(b, indent, level + 1);
        quote(b, (String) e.getKey());
        b.append(indent >= 0 ? ": " : ":");
        write(b, e.getValue(), indent, level + 1);
      }
      nl(b, indent, level);
      b.append('}');
    } else if (o instanceof List<?> ls) {
      if (ls.isEmpty()) { b.append("[]"); return; }
      b.append('[');
      for (int i = 0; i < ls.size(); i++) {
        if (i > 0) b.append(',');
        nl(b, indent, level + 1);
        write(b, ls.get(i), indent, level + 1);
      }
      nl(b, indent, level);
      b.append(']');
    } else throw new IllegalArgumentException("not JSON: " + o.getClass());
  }
  static void nl(StringBuilder b, int indent, int level) {
    if (indent < 0) return;
    b.append('\n');
    for (int i = 0; i < indent * level; i++) b.append(' ');
  }
  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> { if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch)); else b.append(ch); }
      }
    }
    b.append('"');
  }
  static void writeFile(Path p, String s) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, s, StandardCharsets.UTF_8);
  }
  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(x);
    }
  }

  /**
   * SQL warehouse data (issue 14 part B): the recorded query history (api/2.0/sql/history/queries.json) and an
   * export of system.compute.warehouse_events (warehouse-events/, JSON lines) matching the warehouse starts,
   * stops, creates and deletes of the audit log. Deterministic: no random numbers.
   */
  static final class SqlWarehouseData {
    /** analytics-wh (W1) per day: start and stop as in the audit log, scaled to 2 clusters 11:00-12:30. */
    static final String[][] W1_DAYS = {
        {"08:31", "18:02"}, {"08:29", "17:55"}, {"08:30", "18:10"}, {"08:45", "17:40"}, {"08:35", "17:20"}};
    static final String ORG = "6048213925118712";
    static final String[] STATEMENTS = {
        "SELECT region, sum(amount) FROM sales.orders WHERE order_date = current_date() - 1 GROUP BY region",
        "SELECT * FROM finance.daily_revenue ORDER BY day DESC LIMIT 100",
        "INSERT INTO analytics.kpi_snapshot SELECT current_timestamp(), count(*) FROM sales.orders",
        "SELECT customer_id, count(*) FROM sales.orders GROUP BY customer_id HAVING count(*) > 10",
        "MERGE INTO analytics.customers t USING staging.customers s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *",
        "SELECT * FROM sales.order_items_archive"};
    static final User[] USERS = {CAROL, ALICE, ERIN, DAVE};

    private SqlWarehouseData() {}

    static void write(Path out, String w1, String w2, String w3) throws IOException {
      List<Object> events = new ArrayList<>();
      List<Object> queries = new ArrayList<>();
      int n = 0;
      for (int d = 0; d < W1_DAYS.length; d++) {
        String day = DAY0.plusDays(d).toString();
        long start = ts(day + "T" + W1_DAYS[d][0] + ":00");
        long stop = ts(day + "T" + W1_DAYS[d][1] + ":00");
        events.add(event(w1, "STARTING", 1, start));
        events.add(event(w1, "RUNNING", 1, start + 120_000));
        events.add(event(w1, "SCALED_UP", 2, ts(day + "T11:00:00")));
        events.add(event(w1, "SCALED_DOWN", 1, ts(day + "T12:30:00")));
        events.add(event(w1, "STOPPING", 0, stop));
        events.add(event(w1, "STOPPED", 0, stop + 60_000));
        // Six queries a day on analytics-wh, hourly from 09:00; every fifth fails, every seventh is cancelled.
        for (int h = 0; h < 6; h++) {
          long qs = ts(day + "T" + String.format("%02d", 9 + h) + ":" + String.format("%02d", (7 * h + 3 * d) % 60) + ":15");
          String status = n % 5 == 4 ? "FAILED" : n % 7 == 6 ? "CANCELED" : "FINISHED";
          queries.add(query(n, w1, USERS[(n + d) % USERS.length], STATEMENTS[(n + d) % STATEMENTS.length], qs, status));
          n++;
        }
      }
      // temp-wh (W3): created on day 0 (it starts), auto-stopped after 10 idle minutes; deleted on day 3.
      events.add(event(w3, "STARTING", 1, ts(DAY0 + "T09:05:30")));
      events.add(event(w3, "RUNNING", 1, ts(DAY0 + "T09:07:00")));
      events.add(event(w3, "STOPPING", 0, ts(DAY0 + "T09:40:00")));
      events.add(event(w3, "STOPPED", 0, ts(DAY0 + "T09:41:00")));
      queries.add(query(n++, w3, BOB, "CREATE TABLE scratch.bob_tmp AS SELECT * FROM sales.orders LIMIT 1000",
          ts(DAY0 + "T09:20:00"), "FINISHED"));
      // adhoc-serverless (W2) on day 2, 15:31-15:58.
      String day2 = DAY0.plusDays(2).toString();
      events.add(event(w2, "STARTING", 1, ts(day2 + "T15:31:10")));
      events.add(event(w2, "RUNNING", 1, ts(day2 + "T15:31:40")));
      events.add(event(w2, "STOPPING", 0, ts(day2 + "T15:58:00")));
      events.add(event(w2, "STOPPED", 0, ts(day2 + "T15:58:30")));
      queries.add(query(n++, w2, ALICE, "SELECT count(*) FROM sales.orders", ts(day2 + "T15:35:00"), "FINISHED"));
      queries.add(query(n, w2, ALICE, "SELECT * FROM sales.orders o JOIN sales.order_items i USING (order_id)",
          ts(day2 + "T15:40:00"), "CANCELED"));

      writeFile(out.resolve("api/api/2.0/sql/history/queries.json"), pretty(m("res", queries)));
      deleteTree(out.resolve("warehouse-events"));
      StringBuilder lines = new StringBuilder();
      for (Object e : events) {
        StringBuilder b = new StringBuilder();
        GenerateWorkspaceData.write(b, e, -1, 0);
        lines.append(b).append('\n');
      }
      writeFile(out.resolve("warehouse-events/part-00000.json"), lines.toString());
    }

    static Map<String, Object> event(String warehouse, String type, int clusters, long time) {
      return m("account_id", "b6e3c8a2-demo", "workspace_id", ORG, "warehouse_id", warehouse, "event_type", type,
          "cluster_count", clusters, "event_time", java.time.Instant.ofEpochMilli(time).toString());
    }

    static Map<String, Object> query(int n, String warehouse, User user, String text, long start, String status) {
      long duration = 1_500L + (n * 7_919L) % 120_000L;
      boolean failed = status.equals("FAILED");
      boolean cancelled = status.equals("CANCELED");
      long readBytes = cancelled ? 0 : 1_048_576L * (1 + (n * 37L) % 900);
      Map<String, Object> metrics = m("total_time_ms", duration, "compilation_time_ms", 120 + n % 300,
          "execution_time_ms", duration - 200, "read_bytes", readBytes, "read_remote_bytes", 0,
          "write_remote_bytes", text.startsWith("INSERT") || text.startsWith("MERGE") || text.startsWith("CREATE") ? readBytes / 4 : 0,
          "read_cache_bytes", readBytes / 3, "spill_to_disk_bytes", 0, "task_total_time_ms", duration * 3,
          "read_files_count", 1 + n % 40, "read_partitions_count", 1 + n % 8, "photon_total_time_ms", duration * 2,
          "rows_read_count", readBytes / 128, "rows_produced_count", failed || cancelled ? 0 : 1 + n % 500,
          "result_fetch_time_ms", 20 + n % 50, "network_sent_bytes", 4_096 + n, "result_from_cache", n % 9 == 3,
          "pruned_bytes", readBytes / 2, "pruned_files_count", n % 12);
      Map<String, Object> q = m("query_id", String.format("01ef%04x-demo-%04d", n * 2654435761L % 65536, n),
          "status", status, "query_text", text, "query_start_time_ms", start, "query_end_time_ms", start + duration,
          "execution_end_time_ms", start + duration - 30, "duration", duration, "user_id", Long.parseLong(user.id()),
          "user_name", user.email(), "executed_as_user_id", Long.parseLong(user.id()), "executed_as_user_name",
          user.email(), "warehouse_id", warehouse, "endpoint_id", warehouse,
          "spark_ui_url", "https://" + HOST + "/sql/history?queryId=" + n, "rows_produced",
          failed || cancelled ? 0 : 1 + n % 500, "statement_type", text.split(" ")[0], "is_final", true,
          "channel_used", m("name", "CHANNEL_NAME_CURRENT"), "plans_state", "EXISTS", "metrics", metrics);
      if (failed) {
        q.put("error_message", "[TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`order_items_archive` cannot be found.");
      }
      return q;
    }
  }
}
