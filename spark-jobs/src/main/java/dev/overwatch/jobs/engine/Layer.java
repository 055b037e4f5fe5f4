package dev.overwatch.jobs.engine;

import java.util.Locale;

/** Pipeline layers in execution order. */
public enum Layer {
  BRONZE, SILVER, GOLD, PRESENTATION;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
