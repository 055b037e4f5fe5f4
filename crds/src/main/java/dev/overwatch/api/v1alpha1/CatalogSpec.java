package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The metastore in which tables and views are registered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CatalogSpec {
  @Default("embedded")
  @JsonPropertyDescription("embedded (Derby under the storage prefix; one writer at a time), jdbc (PostgreSQL) or thrift (external Hive metastore).")
  public CatalogType type = CatalogType.embedded;

  @JsonPropertyDescription("PostgreSQL metastore settings (type jdbc).")
  public JdbcCatalogSpec jdbc;

  @JsonPropertyDescription("External Hive metastore URI, thrift://host:port (type thrift).")
  public String thriftUri;

  public enum CatalogType { embedded, jdbc, thrift }

  /** JDBC metastore connection; the password comes from a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class JdbcCatalogSpec {
    @JsonPropertyDescription("JDBC URL, jdbc:postgresql://host:port/database.")
    public String url;

    @JsonPropertyDescription("Database user.")
    public String user;

    @JsonPropertyDescription("Secret holding the database password.")
    public SecretKeyRef passwordSecretRef;
  }
}
