package dev.overwatch.jobs.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A Delta table owned by Overwatch (pipeline.md section 4.1).
 *
 * @param name table name as registered in the ETL database (case kept; the storage folder is lower-cased)
 * @param keys business keys
 * @param incrementalColumns columns driving incremental reads and part of the merge condition
 * @param partitionBy partition columns, organization_id first
 * @param mode write mode
 * @param maxMergeScanDays days before the window a merge may touch (date-partitioned targets)
 * @param dedup de-duplicate the batch by key before writing (always done for merges)
 */
public record TargetTable(String name, List<String> keys, List<String> incrementalColumns, List<String> partitionBy,
    WriteMode mode, int maxMergeScanDays, boolean dedup) {

  public static final String ORG = "organization_id";
  public static final String NOISE = "__overwatch_ctrl_noise";

  public TargetTable {
    keys = List.copyOf(keys);
    incrementalColumns = List.copyOf(incrementalColumns);
    partitionBy = List.copyOf(partitionBy);
  }

  public static TargetTable append(String name, List<String> keys, List<String> incremental, List<String> partitionBy) {
    return new TargetTable(name, keys, incremental, partitionBy, WriteMode.APPEND, 33, false);
  }

  public static TargetTable merge(String name, WriteMode mode, List<String> keys, List<String> incremental,
      List<String> partitionBy, int maxMergeScanDays) {
    return new TargetTable(name, keys, incremental, partitionBy, mode, maxMergeScanDays, true);
  }

  public TargetTable withDedup() {
    return new TargetTable(name, keys, incrementalColumns, partitionBy, mode, maxMergeScanDays, true);
  }

  /** keys ∪ partition columns ∪ organization_id, minus the noise salt (pipeline.md 4.1). */
  public List<String> effectiveKeys() {
    LinkedHashSet<String> all = new LinkedHashSet<>(keys);
    all.addAll(partitionBy);
    all.add(ORG);
    all.remove(NOISE);
    return new ArrayList<>(all);
  }

  public String folderName() {
    return name.toLowerCase(Locale.ROOT);
  }
}
