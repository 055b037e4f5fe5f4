package dev.overwatch.jobs.sources;

import java.util.List;
import java.util.Map;

/**
 * REST access to one workspace (live through the Databricks SDK, or its recorded responses).
 * Paging and backoff on 429/5xx happen inside; failures surface as {@link ApiException}.
 */
public interface DatabricksApi extends AutoCloseable {

  /**
   * How an endpoint pages (inputs.md 2.1). HAS_NEXT_PAGE (SQL query history): the next request is the same
   * query minus every {@code filter_by.*} parameter plus {@code page_token}, while has_next_page is true.
   */
  enum Paging { NONE, HAS_MORE, HAS_NEXT_PAGE, NEXT_PAGE_BODY }

  /** GET an endpoint, following its pages; the elements of {@code resultField} as JSON strings. */
  List<String> getAll(String path, Map<String, String> query, String resultField, Paging paging);

  /** GET one raw JSON body. */
  String get(String path, Map<String, String> query);

  /** POST a JSON body, following next_page bodies; the elements of {@code resultField} as JSON strings. */
  List<String> postAll(String path, String jsonBody, String resultField);

  @Override
  void close();
}
