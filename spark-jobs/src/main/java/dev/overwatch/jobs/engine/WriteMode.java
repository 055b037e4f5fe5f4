package dev.overwatch.jobs.engine;

/** How a module's output reaches its target. */
public enum WriteMode {
  /** Delta append, idempotent per run and module attempt. */
  APPEND,
  /** Key-based MERGE: update matched rows, insert the others. */
  MERGE,
  /** Key-based MERGE that only inserts rows whose keys are new. */
  MERGE_INSERT
}
