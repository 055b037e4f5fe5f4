package dev.overwatch.jobs.sources;

/** A REST call that failed for good (after backoff), with its HTTP status and the endpoint. */
public class ApiException extends RuntimeException {
  private final int statusCode;
  private final String endpoint;

  public ApiException(String endpoint, int statusCode, String message, Throwable cause) {
    super(endpoint + " answered " + statusCode + ": " + message, cause);
    this.statusCode = statusCode;
    this.endpoint = endpoint;
  }

  public int statusCode() {
    return statusCode;
  }

  public String endpoint() {
    return endpoint;
  }
}
