package dev.overwatch.jobs.engine;

import java.util.Optional;

/** A gold module: its wiring and the consumer view published over its target (presentation.md). */
public abstract class GoldModule implements Module {
  private final ModuleSpec spec;
  private final ConsumerView view;

  protected GoldModule(ModuleSpec spec, ConsumerView view) {
    this.spec = spec;
    this.view = view;
  }

  @Override
  public final ModuleSpec spec() {
    return spec;
  }

  @Override
  public final Optional<ConsumerView> view() {
    return Optional.of(view);
  }
}
