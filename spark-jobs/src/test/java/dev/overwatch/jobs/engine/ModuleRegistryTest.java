package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.overwatch.jobs.Modules;
import dev.overwatch.jobs.config.Scope;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Execution order within a layer: canonical, but a module after the same-layer modules it depends on. */
class ModuleRegistryTest {

  @Test
  void dependenciesOfTheSameLayerRunFirstAndTheRestKeepsCanonicalOrder() {
    List<Integer> silver = ids(Modules.all().forLayer(Layer.SILVER));
    assertTrue(silver.indexOf(2011) < silver.indexOf(2019), silver.toString());
    assertTrue(silver.indexOf(2010) < silver.indexOf(2011), silver.toString());
    assertTrue(silver.indexOf(2011) < silver.indexOf(2022), "SQL job runs end audit warehouse states: " + silver);
    assertEquals(Modules.all().modules().stream().filter(m -> m.spec().layer() == Layer.SILVER).count(), silver.size());

    ModuleRegistry registry = new ModuleRegistry(List.of(module(1, 3), module(2), module(3, 2), module(4)));
    assertEquals(List.of(2, 3, 1, 4), ids(registry.forLayer(Layer.SILVER)));
    ModuleRegistry cycle = new ModuleRegistry(List.of(module(1, 2), module(2, 1)));
    assertThrows(IllegalStateException.class, () -> cycle.forLayer(Layer.SILVER));
  }

  private static List<Integer> ids(List<Module> modules) {
    return modules.stream().map(m -> m.spec().id()).toList();
  }

  private static Module module(int id, Integer... deps) {
    ModuleSpec spec = ModuleSpec.of(id, "m" + id, Layer.SILVER, Scope.CLUSTERS,
        TargetTable.append("t" + id, List.of(TargetTable.ORG), List.of(), List.of(TargetTable.ORG)), deps);
    return new Module() {
      @Override
      public ModuleSpec spec() {
        return spec;
      }

      @Override
      public Dataset<Row> transform(ModuleContext ctx) {
        throw new UnsupportedOperationException("ordering only");
      }
    };
  }
}
