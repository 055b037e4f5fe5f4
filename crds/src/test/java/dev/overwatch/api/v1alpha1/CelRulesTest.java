package dev.overwatch.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Runs every CEL rule of the committed CRD YAML (x-kubernetes-validations) with Google's CEL
 * implementation against one value the rule must accept and one it must reject. A rule without
 * examples, or examples for a rule that no longer exists, fail the test: the table and the CRDs
 * move together.
 */
class CelRulesTest {
  /** {@code self} (and {@code oldSelf} for transition rules) as YAML: accepted, then rejected. */
  record Example(String pass, String fail, String oldPass, String oldFail) {
    static Example of(String pass, String fail) {
      return new Example(pass, fail, null, null);
    }
  }

  static final String RUN = "{deploymentRef: {name: prod}, layers: [bronze], cancel: false}";
  static final Map<String, Example> EXAMPLES = Map.ofEntries(
      Map.entry("workspace names must be unique", Example.of(
          "{workspaces: [{name: a}, {name: b}], etlDatabase: e, consumerDatabase: c}",
          "{workspaces: [{name: a}, {name: a}], etlDatabase: e, consumerDatabase: c}")),
      Map.entry("etlDatabase and consumerDatabase must differ (views would shadow tables)", Example.of(
          "{workspaces: [], etlDatabase: overwatch_etl, consumerDatabase: overwatch}",
          "{workspaces: [], etlDatabase: overwatch, consumerDatabase: overwatch}")),
      Map.entry("catalog type jdbc needs catalog.jdbc", Example.of(
          "{type: jdbc, jdbc: {url: 'jdbc:postgresql://db:5432/m', user: u}}", "{type: jdbc}")),
      Map.entry("catalog type thrift needs catalog.thriftUri", Example.of(
          "{type: thrift, thriftUri: 'thrift://hms:9083'}", "{type: thrift}")),
      Map.entry("unknown scope", Example.of("[audit, sparkEvents, warehouseEvents]", "[audit, telepathy]")),
      Map.entry("spark.master, spark.submit.deployMode and spark.kubernetes.driver.pod.name are set by the operator", Example.of(
          "{spark.sql.shuffle.partitions: '8'}", "{spark.submit.deployMode: cluster}")),
      Map.entry("auditLogs.format must be json, parquet or delta", Example.of("parquet", "csv")),
      Map.entry("warehouseEvents.format must be json, parquet or delta", Example.of("delta", "csv")),
      Map.entry("viewWorkspaceAllowList entries are organization ids: letters, digits, '-' and '_' only",
          Example.of("['6048213925118712', 'ws_2']", "['1 OR 1=1']")),
      Map.entry("publishSensitiveViews entries must be accountlogin or accountmod",
          Example.of("[accountlogin, accountmod]", "[accountlogin, pipreport]")),
      Map.entry("a run's spec is immutable once created", new Example(
          "{deploymentRef: {name: prod}, layers: [bronze], cancel: true}",
          "{deploymentRef: {name: prod}, layers: [bronze, silver], cancel: false}", RUN, RUN)),
      Map.entry("cancel cannot be reverted once set", new Example(
          "{deploymentRef: {name: prod}, cancel: true}", "{deploymentRef: {name: prod}, cancel: false}",
          "{deploymentRef: {name: prod}, cancel: false}", "{deploymentRef: {name: prod}, cancel: true}")),
      Map.entry("a module id cannot be both included and excluded", Example.of(
          "{includeModules: [1004, 2010], excludeModules: [3001]}", "{includeModules: [1004], excludeModules: [1004]}")),
      Map.entry("layers must be among bronze, silver, gold, presentation", Example.of("[gold, bronze]", "[bronze, platinum]")),
      Map.entry("layers must not repeat", Example.of("[bronze, silver]", "[bronze, silver, bronze]")));

  record Rule(String file, String path, String rule, String message) {}

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists_one(), ...
      .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  @Test
  void everyRuleAcceptsItsPassingAndRejectsItsFailingExample() throws Exception {
    List<Rule> rules = rules();
    List<String> failures = new ArrayList<>();
    TreeSet<String> covered = new TreeSet<>();
    for (Rule r : rules) {
      String key = EXAMPLES.keySet().stream().filter(r.message()::startsWith).findFirst().orElse(null);
      if (key == null) {
        failures.add(r.file() + " " + r.path() + ": no examples for rule '" + r.message() + "'");
        continue;
      }
      covered.add(key);
      Example e = EXAMPLES.get(key);
      boolean transition = r.rule().contains("oldSelf");
      if (transition && (e.oldPass() == null || e.oldFail() == null)) {
        failures.add(r.path() + ": transition rule '" + key + "' needs oldSelf examples");
        continue;
      }
      CelRuntime.Program program = RUNTIME.createProgram(COMPILER.compile(r.rule()).getAst());
      Object pass = program.eval(vars(e.pass(), e.oldPass()));
      Object fail = program.eval(vars(e.fail(), e.oldFail()));
      if (!Boolean.TRUE.equals(pass)) {
        failures.add(r.path() + " '" + key + "' rejected its passing example " + e.pass() + " (got " + pass + ")");
      }
      if (!Boolean.FALSE.equals(fail)) {
        failures.add(r.path() + " '" + key + "' accepted its failing example " + e.fail() + " (got " + fail + ")");
      }
    }
    TreeSet<String> stale = new TreeSet<>(EXAMPLES.keySet());
    stale.removeAll(covered);
    stale.forEach(k -> failures.add("examples for a rule no CRD has: '" + k + "'"));
    assertEquals(List.of(), failures);
    assertEquals(EXAMPLES.size(), rules.size(), "one rule per example entry");
  }

  private static Map<String, Object> vars(String self, String oldSelf) throws IOException {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("self", cel(YAML.readTree(self)));
    if (oldSelf != null) {
      v.put("oldSelf", cel(YAML.readTree(oldSelf)));
    }
    return v;
  }

  /** JSON as CEL sees Kubernetes objects: maps, lists, strings, 64-bit ints, doubles, bools. */
  static Object cel(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), cel(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(cel(x)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.isNull() ? null : n.asText();
  }

  static List<Rule> rules() throws IOException {
    List<Rule> rules = new ArrayList<>();
    for (String f : CrdYamlTest.FILES) {
      JsonNode crd = YAML.readTree(CrdYamlTest.committed(f).toFile());
      collect(f, "", crd.at("/spec/versions/0/schema/openAPIV3Schema"), rules);
    }
    return rules;
  }

  private static void collect(String file, String path, JsonNode node, List<Rule> rules) {
    for (JsonNode v : node.path("x-kubernetes-validations")) {
      rules.add(new Rule(file, path.isEmpty() ? "." : path, v.get("rule").asText(), v.get("message").asText()));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      collect(file, path + "." + e.getKey(), e.getValue(), rules);
    }
    if (node.has("items")) {
      collect(file, path + "[]", node.get("items"), rules);
    }
    if (node.path("additionalProperties").isObject()) {
      collect(file, path + "{}", node.get("additionalProperties"), rules);
    }
  }
}
