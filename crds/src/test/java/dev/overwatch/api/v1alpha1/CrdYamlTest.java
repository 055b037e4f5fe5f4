package dev.overwatch.api.v1alpha1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed crds/*.yaml are the generator's output (its *.yml files), never hand-edited. Regenerate with
 * {@code mvn -pl crds test -Dcrds.update=true}.
 */
class CrdYamlTest {
  static final List<String> FILES = List.of("overwatchdeployments.overwatch.dev-v1.yml", "overwatchruns.overwatch.dev-v1.yml");
  static final Path GENERATED = Path.of("target", "generated-crds");

  @BeforeAll
  static void generate() throws IOException {
    Files.createDirectories(GENERATED);
    new CRDGenerator()
        .inOutputDir(GENERATED.toFile())
        .forCRDVersions("v1")
        .withPostProcessor(new RootDescriptions(List.of(OverwatchDeployment.class, OverwatchRun.class)))
        .customResourceClasses(OverwatchDeployment.class, OverwatchRun.class)
        .generate();
    if (Boolean.getBoolean("crds.update")) {
      for (String f : FILES) {
        Files.copy(GENERATED.resolve(f), committed(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** The committed name of a generated file: the Kubernetes-usual .yaml extension. */
  static Path committed(String generated) {
    return Path.of(generated.replaceFirst("\\.yml$", ".yaml"));
  }

  @Test
  void committedCrdsEqualFreshGeneration() throws IOException {
    for (String f : FILES) {
      Path committed = committed(f);
      assertTrue(Files.exists(committed), "missing crds/" + committed + ": run mvn -pl crds test -Dcrds.update=true");
      assertEquals(Files.readString(GENERATED.resolve(f)), Files.readString(committed),
          "crds/" + committed + " differs from the generated CRD: run mvn -pl crds test -Dcrds.update=true and commit");
    }
  }

  /** What kubectl explain owd / owd.spec / owd.status print first: the committed CRDs must say something there. */
  @Test
  void rootSpecAndStatusAreExplained() throws IOException {
    for (String f : FILES) {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(committed(f).toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
      for (String at : List.of("", "/properties/spec", "/properties/status")) {
        String d = root.at(at + "/description").asText("");
        assertTrue(d.length() > 40, f + at + " has no real description: '" + d + "'");
      }
    }
  }

  @Test
  void everyFieldHasADescription() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String f : FILES) {
      JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(GENERATED.resolve(f).toFile());
      JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties");
      for (String top : List.of("spec", "status")) {
        walk(f + ":" + top, schema.get(top), missing);
      }
    }
    assertEquals(List.of(), missing, "fields without description");
  }

  @Test
  void schemaCarriesTheValidationsAndPrinterColumns() throws IOException {
    JsonNode owd = new ObjectMapper(new YAMLFactory()).readTree(GENERATED.resolve(FILES.get(0)).toFile());
    JsonNode owr = new ObjectMapper(new YAMLFactory()).readTree(GENERATED.resolve(FILES.get(1)).toFile());
    String owdText = owd.toString();
    String owrText = owr.toString();
    assertTrue(owdText.contains("workspace names must be unique"));
    assertTrue(owdText.contains("\"minimum\":0"), "executors >= 0");
    assertTrue(owrText.contains("a run's spec is immutable once created"));
    assertTrue(owrText.contains("oldSelf"));
    assertEquals("owr", owr.at("/spec/names/shortNames/0").asText());
    assertEquals("owd", owd.at("/spec/names/shortNames/0").asText());
    assertTrue(owr.at("/spec/versions/0/subresources/status").isObject());
    assertTrue(owd.at("/spec/versions/0/subresources/status").isObject());
    List<String> columns = new ArrayList<>();
    owr.at("/spec/versions/0/additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
    assertTrue(columns.containsAll(List.of("Phase", "Layer", "Age")), columns.toString());
  }

  private static void walk(String path, JsonNode node, List<String> missing) {
    if (node == null) {
      return;
    }
    // Array items and map values are documented by their field; objects inside them are walked.
    boolean container = path.endsWith("[]") || path.endsWith("{}");
    if (!node.has("description") && !container) {
      missing.add(path);
    }
    // Embedded Kubernetes types (podTemplate, conditions) come with the upstream schema; stop there.
    if (path.endsWith(".podTemplate") || path.endsWith(".conditions")) {
      return;
    }
    JsonNode props = node.get("properties");
    if (props != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        walk(path + "." + e.getKey(), e.getValue(), missing);
      }
    }
    if (node.has("items")) {
      walk(path + "[]", node.get("items"), missing);
    }
    if (node.has("additionalProperties") && node.get("additionalProperties").isObject()) {
      walk(path + "{}", node.get("additionalProperties"), missing);
    }
  }
}
