package dev.overwatch.jobs.sources;

/** A REST call that failed for good (after backoff), with its HTTP status and the endpoint. */
public class ApiException extends RuntimeException {
  private final int statusCode;
  private final String endpoint;
  private final String detail;

  public ApiException(String endpoint, int statusCode, String message, Throwable cause) {
    this(endpoint, statusCode, message, endpoint + " answered " + statusCode + ": " + message, cause);
  }

  private ApiException(String endpoint, int statusCode, String detail, String fullMessage, Throwable cause) {
    super(fullMessage, cause);
    this.statusCode = statusCode;
    this.endpoint = endpoint;
    this.detail = detail;
  }

  /** REST access cannot even be set up (no url, no token): no call was made. */
  public static ApiException configuration(String message) {
    return new ApiException("(none)", 0, message, message, null);
  }

  public int statusCode() {
    return statusCode;
  }

  public String endpoint() {
    return endpoint;
  }

  /** What the server said ({@code <error_code> <message>} for Databricks errors), without the endpoint prefix. */
  public String detail() {
    return detail;
  }
}
