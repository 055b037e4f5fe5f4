package dev.overwatch.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.api.v1alpha1.CatalogSpec;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentsTest {
  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("d.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void appliesDocumentedDefaults() throws IOException {
    OverwatchDeployment d = Deployments.load(write("""
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: /data/ow}
          workspaces:
            - name: demo
              organizationId: "42"
        """));
    assertEquals("overwatch_etl", d.getSpec().etlDatabase);
    assertEquals("overwatch", d.getSpec().consumerDatabase);
    assertEquals("UTC", d.getSpec().timeZone);
    assertEquals(60, d.getSpec().maxDaysToLoad);
    assertEquals(CatalogSpec.CatalogType.embedded, d.getSpec().catalog.type);
    assertEquals(0.55, d.getSpec().prices.interactive);
    assertTrue(d.getSpec().workspaces.get(0).active);
    assertEquals(0, d.getSpec().spark.executors);
  }

  @Test
  void listsEveryProblemWithItsFieldPath() throws IOException {
    var e = assertThrows(DeploymentValidationException.class, () -> Deployments.load(write("""
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: "ftp://nowhere"}
          etlDatabase: "bad name; drop"
          scopes: [audit, bogus]
          primordialDate: 2026-13-01
          maxDaysToLoad: 0
          timeZone: Mars/Olympus
          catalog: {type: jdbc}
          prices: {instanceDetailsCsv: no/such/prices.csv}
          workspaces:
            - name: Demo
              organizationId: "42"
            - name: b
              organizationId: "42"
              excludedScopes: [nope]
        """)));
    String all = String.join("\n", e.problems());
    for (String expected : new String[] {"spec.storage.prefix", "spec.etlDatabase", "spec.scopes[1]",
        "spec.primordialDate", "spec.maxDaysToLoad", "spec.timeZone", "spec.catalog.jdbc.url",
        "spec.workspaces[0].name", "spec.workspaces[1].organizationId", "spec.workspaces[1].excludedScopes[0]",
        "spec.prices.instanceDetailsCsv: no such file 'no/such/prices.csv'"}) {
      assertTrue(all.contains(expected), "missing " + expected + " in\n" + all);
    }
    assertEquals(11, e.problems().size(), all);
  }

  @Test
  void unknownFieldsAndWrongTypesNameTheirPath() throws IOException {
    var e = assertThrows(DeploymentValidationException.class, () -> Deployments.load(write("""
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: /x}
          workspaces:
            - name: a
              organizationId: "1"
              auditLog: {path: /a}
        """)));
    assertEquals("spec.workspaces[0].auditLog: unknown field", e.problems().get(0));
    var e2 = assertThrows(DeploymentValidationException.class, () -> Deployments.load(write("""
        apiVersion: overwatch.dev/v1alpha1
        kind: OverwatchDeployment
        metadata: {name: x}
        spec:
          storage: {prefix: /x}
          maxDaysToLoad: lots
          workspaces: []
        """)));
    assertTrue(e2.problems().get(0).startsWith("spec.maxDaysToLoad:"), e2.problems().get(0));
  }

  @Test
  void wrongKindAndMissingFile() throws IOException {
    var e = assertThrows(DeploymentValidationException.class, () -> Deployments.load(write("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: x}
        spec:
          storage: {prefix: /x}
          workspaces: [{name: a, organizationId: "1"}]
        """)));
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(1).startsWith("kind: must be OverwatchDeployment"), e.problems().toString());
    var missing = assertThrows(DeploymentValidationException.class, () -> Deployments.load(dir.resolve("nope.yaml")));
    assertTrue(missing.getMessage().contains("file not found"));
  }
}
