package dev.overwatch.jobs.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.overwatch.api.v1alpha1.OverwatchDeployment;
import dev.overwatch.api.v1alpha1.OverwatchRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Reads OverwatchDeployment / OverwatchRun resources from YAML files (the same files kubectl applies). */
public final class Deployments {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private Deployments() {}

  /** Loads and validates a deployment; every problem is reported at once. */
  public static OverwatchDeployment load(Path file) {
    OverwatchDeployment deployment = read(file, OverwatchDeployment.class);
    List<String> problems = DeploymentValidator.validate(deployment);
    if (!problems.isEmpty()) {
      throw new DeploymentValidationException(file.toString(), problems);
    }
    return deployment;
  }

  /** Loads an OverwatchRun resource (the operator's run.yaml). */
  public static OverwatchRun loadRun(Path file) {
    return read(file, OverwatchRun.class);
  }

  public static OverwatchDeployment parse(String yaml, String source) {
    try {
      return YAML.readValue(yaml, OverwatchDeployment.class);
    } catch (IOException e) {
      throw new DeploymentValidationException(source, List.of(describe(e)));
    }
  }

  private static <T> T read(Path file, Class<T> type) {
    if (!Files.isRegularFile(file)) {
      throw new DeploymentValidationException(file.toString(), List.of("file not found"));
    }
    try {
      JsonNode tree = YAML.readTree(file.toFile());
      if (tree == null || !tree.isObject()) {
        throw new DeploymentValidationException(file.toString(), List.of("file is empty or not a YAML mapping"));
      }
      // Fabric8 resources ignore apiVersion/kind on binding, so the header is checked on the raw tree.
      List<String> header = new java.util.ArrayList<>();
      String kind = type == OverwatchRun.class ? OverwatchRun.KIND : OverwatchDeployment.KIND;
      if (!OverwatchDeployment.API_VERSION.equals(tree.path("apiVersion").asText(null))) {
        header.add("apiVersion: must be " + OverwatchDeployment.API_VERSION + ", got " + tree.path("apiVersion").asText(null));
      }
      if (!kind.equals(tree.path("kind").asText(null))) {
        header.add("kind: must be " + kind + ", got " + tree.path("kind").asText(null));
      }
      if (!header.isEmpty()) {
        throw new DeploymentValidationException(file.toString(), header);
      }
      return YAML.treeToValue(tree, type);
    } catch (IOException e) {
      throw new DeploymentValidationException(file.toString(), List.of(describe(e)));
    }
  }

  /** Turns a Jackson error into "field.path: problem". */
  private static String describe(IOException e) {
    if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
      String path = jme.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[");
      if (e instanceof UnrecognizedPropertyException) {
        return path + ": unknown field";
      }
      return path + ": " + jme.getOriginalMessage().lines().findFirst().orElse("invalid value");
    }
    return e.getMessage().lines().findFirst().orElse("unreadable YAML");
  }

  public static ObjectMapper yamlMapper() {
    return YAML;
  }
}
