package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The metastore in which tables and views are registered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type != 'jdbc' || has(self.jdbc)", message = "catalog type jdbc needs catalog.jdbc")
@ValidationRule(value = "self.type != 'thrift' || has(self.thriftUri)", message = "catalog type thrift needs catalog.thriftUri")
public class CatalogSpec {
  @Default("embedded")
  @JsonPropertyDescription("embedded (Derby under the storage prefix; one writer at a time), jdbc (PostgreSQL) or thrift (external Hive metastore).")
  public CatalogType type = CatalogType.embedded;

  @JsonPropertyDescription("PostgreSQL metastore settings (type jdbc).")
  public JdbcCatalogSpec jdbc;

  @Pattern("^thrift://[^\\s/]+:[0-9]+$")
  @JsonPropertyDescription("External Hive metastore URI, thrift://host:port (type thrift).")
  public String thriftUri;

  public enum CatalogType { embedded, jdbc, thrift }

  /** JDBC metastore connection; the password comes from a Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class JdbcCatalogSpec {
    @Required
    @Pattern("^jdbc:postgresql://.+$")
    @JsonPropertyDescription("JDBC URL, jdbc:postgresql://host:port/database.")
    public String url;

    @Required
    @JsonPropertyDescription("Database user.")
    public String user;

    @Required
    @JsonPropertyDescription("Secret holding the database password (reaches the driver pod as env OVERWATCH_CATALOG_PASSWORD).")
    public SecretKeyRef passwordSecretRef;
  }
}
