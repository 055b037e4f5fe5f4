package dev.overwatch.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The view registry entry: consumer column -> gold expression, and "latest column" repointing (presentation.md 6). */
class ConsumerViewTest {
  private static final TargetTable GOLD = TargetTable.append("x_gold", List.of("id"), List.of("t"), List.of("organization_id"));

  @Test
  void sameNamedColumnsRepointAndFallBackWithoutChangingTheConsumerContract() {
    ConsumerView v = ConsumerView.of("x", GOLD, "organization_id", "total_cost", "date");
    assertEquals(List.of("`organization_id`", "`total_cost`", "`date`"), v.selectList());
    assertEquals(Set.of("organization_id", "total_cost", "date"), v.goldColumns());

    ConsumerView moved = v.repoint("total_cost", "total_cost_v0900", false);
    assertEquals(List.of("`organization_id`", "`total_cost_v0900` AS `total_cost`", "`date`"), moved.selectList());
    assertEquals(List.of("organization_id", "total_cost", "date"), moved.columns().stream()
        .map(ConsumerView.ViewColumn::name).toList(), "names and order are the public API");

    ConsumerView backfilled = v.repoint("total_cost", "total_cost_v0900", true);
    assertEquals("coalesce(`total_cost_v0900`, `total_cost`) AS `total_cost`", backfilled.selectList().get(1));
    assertEquals(Set.of("organization_id", "total_cost_v0900", "total_cost", "date"), backfilled.goldColumns());
    // A second redefinition keeps every older column in the fallback chain.
    assertEquals("coalesce(`total_cost_v1000`, `total_cost_v0900`, `total_cost`) AS `total_cost`",
        backfilled.repoint("total_cost", "total_cost_v1000", true).selectList().get(1));

    assertThrows(IllegalArgumentException.class, () -> v.repoint("nope", "nope_v1", false));
    assertThrows(IllegalArgumentException.class, () -> ConsumerView.of("y", GOLD, "a", "A"));
  }
}
