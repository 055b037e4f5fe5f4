package dev.overwatch.operator.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fabric8's CRUD dispatcher with one index: stored objects by (plural, namespace, name). The stock
 * {@link KubernetesCrudDispatcher} answers every request by matching the request's attributes against
 * every stored object (a copy of the store for each GET), so each request costs O(objects stored); a
 * burst of 500 launches stores ~5,000 objects. Here, requests that name one object in a namespace
 * (GET by name; the existence check of POST, PUT and PATCH) look at the index's candidates only, and
 * match them with the same {@link AttributeSet#matches} as the stock dispatcher, so the answers are
 * the same. Everything else (lists, label selectors, watches, deletes, status subresources, resource
 * versions, CRDs) is the stock code. Benchmark only: see docs/operator-benchmark.md.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private record Id(String plural, String namespace, String name) {}

  private final Map<Id, Set<AttributeSet>> index = new ConcurrentHashMap<>();

  IndexedCrudDispatcher() {
    super(List.of());
  }

  private static String value(AttributeSet a, String key) {
    Attribute attr = a.getAttribute(key);
    return attr == null || attr.getValues().size() != 1 ? null : attr.getValues().get(0).toString();
  }

  /** The index entry a query or stored key belongs to; empty when it does not name one namespaced object. */
  private static Optional<Id> id(AttributeSet a) {
    String plural = value(a, KubernetesAttributesExtractor.PLURAL);
    String ns = value(a, KubernetesAttributesExtractor.NAMESPACE);
    String name = value(a, KubernetesAttributesExtractor.NAME);
    boolean usable = plural != null && ns != null && name != null && !"*".equals(plural) && !"*".equals(ns) && !"*".equals(name);
    return usable ? Optional.of(new Id(plural, ns, name)) : Optional.empty(); // "*" matches anything: the stock scan
  }

  /** Exactly the stock scan's matches, found through the index; empty when the query cannot use it. */
  private Optional<List<Map.Entry<AttributeSet, String>>> lookup(AttributeSet query) {
    return id(query).map(i -> index.getOrDefault(i, Set.of()).stream()
        .filter(k -> k.matches(query))
        .map(k -> Map.entry(k, Optional.ofNullable(map.get(k)).orElse("")))
        .filter(e -> !e.getValue().isEmpty())
        .toList());
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    Optional<List<Map.Entry<AttributeSet, String>>> found = lookup(attributes);
    if (found.isEmpty()) {
      return super.findResource(attributes);
    }
    return found.get().isEmpty() ? null : found.get().get(0);
  }

  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("watch=true")) {
      return super.handleGet(path);
    }
    AttributeSet query = getKey(path);
    if (!query.containsKey(KubernetesAttributesExtractor.NAME)) {
      return super.handleGet(path);
    }
    // As the stock handle(): a named GET answers the first match or 404. The stock GET holds the
    // store's read lock (private); holding the index's monitor, which writes hold while they change
    // the store, gives the same guarantee: never a half-applied update.
    Optional<List<Map.Entry<AttributeSet, String>>> found;
    synchronized (index) {
      found = lookup(query);
    }
    return found.map(l -> l.isEmpty() ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
        : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(l.get(0).getValue()))
        .orElseGet(() -> super.handleGet(path));
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes, GenericKubernetesResource resource,
      String newState) {
    synchronized (index) {
      super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
      reindex(pathAttributes, oldAttributes, resource, newState);
    }
  }

  private void reindex(AttributeSet pathAttributes, AttributeSet oldAttributes, GenericKubernetesResource resource, String newState) {
    if (oldAttributes != null) {
      id(oldAttributes).ifPresent(i -> index.computeIfPresent(i, (k, s) -> {
        s.remove(oldAttributes);
        return s.isEmpty() ? null : s;
      }));
    }
    if (newState != null) {
      // The key the stock code stored the new state under (same computation: AttributeSet is a value).
      KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
      AttributeSet key = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
      if (!key.containsKey(KubernetesAttributesExtractor.PLURAL)) {
        key = AttributeSet.merge(pathAttributes, key);
      }
      AttributeSet stored = key;
      id(stored).ifPresent(i -> index.computeIfAbsent(i, k -> ConcurrentHashMap.newKeySet()).add(stored));
    }
  }

  @Override
  public void reset() {
    super.reset();
    index.clear();
  }
}
