package dev.overwatch.jobs.engine;

import java.util.List;
import java.util.Optional;

/** The modules of the pipeline, in canonical execution order (scope order, then module order). */
public record ModuleRegistry(List<Module> modules) {

  public ModuleRegistry {
    modules = List.copyOf(modules);
  }

  public List<Module> forLayer(Layer layer) {
    return modules.stream().filter(m -> m.spec().layer() == layer).toList();
  }

  public Optional<Module> byId(int id) {
    return modules.stream().filter(m -> m.spec().id() == id).findFirst();
  }
}
