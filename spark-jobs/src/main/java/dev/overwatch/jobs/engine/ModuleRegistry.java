package dev.overwatch.jobs.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The modules of the pipeline, in canonical execution order (scope order, then module order). */
public record ModuleRegistry(List<Module> modules) {

  public ModuleRegistry {
    modules = List.copyOf(modules);
  }

  /**
   * The layer's modules in canonical order, except that a module runs after the modules of the same layer it
   * declares as dependencies (e.g. 2019 reads 2011's job runs although clusterEvents precede jobs): otherwise its
   * window would be capped at the dependency's state of the previous run.
   */
  public List<Module> forLayer(Layer layer) {
    List<Module> inLayer = modules.stream().filter(m -> m.spec().layer() == layer).toList();
    Set<Module> ordered = new LinkedHashSet<>();
    for (Module m : inLayer) {
      addAfterDependencies(m, inLayer, ordered, new ArrayList<>());
    }
    return List.copyOf(ordered);
  }

  private static void addAfterDependencies(Module m, List<Module> inLayer, Set<Module> ordered, List<Integer> path) {
    if (ordered.contains(m)) {
      return;
    }
    if (path.contains(m.spec().id())) {
      throw new IllegalStateException("modules depend on each other in a cycle: " + path + " -> " + m.spec().id());
    }
    path.add(m.spec().id());
    for (Integer dep : m.spec().dependencies()) {
      inLayer.stream().filter(d -> d.spec().id() == dep).findFirst()
          .ifPresent(d -> addAfterDependencies(d, inLayer, ordered, path));
    }
    path.remove(path.size() - 1);
    ordered.add(m);
  }

  public Optional<Module> byId(int id) {
    return modules.stream().filter(m -> m.spec().id() == id).findFirst();
  }
}
