package dev.overwatch.operator;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Quarkus without its managed operator: the test starts and kills operator instances itself. */
public class ManualOperatorProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("quarkus.operator-sdk.start-operator", "false");
  }
}
