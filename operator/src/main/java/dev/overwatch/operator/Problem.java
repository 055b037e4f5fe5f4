package dev.overwatch.operator;

/** Why a resource cannot be acted on: a condition reason (CamelCase) and a message for humans. */
public record Problem(String reason, String message) {
  @Override
  public String toString() {
    return reason + ": " + message;
  }
}
