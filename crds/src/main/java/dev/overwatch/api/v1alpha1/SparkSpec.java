package dev.overwatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** How each layer's Spark application runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SparkSpec {
  @JsonPropertyDescription("Container image holding Spark and the overwatch-spark-jobs jar.")
  public String image;

  @Default("0")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription("Number of executor pods; 0 runs Spark in local mode inside the driver pod.")
  public Integer executors = 0;

  @JsonPropertyDescription("Driver pod resources.")
  public ResourcesSpec driver = new ResourcesSpec();

  @JsonPropertyDescription("Executor pod resources.")
  public ResourcesSpec executor = new ResourcesSpec();

  @ValidationRule(value = "!('spark.master' in self) && !('spark.submit.deployMode' in self) && !('spark.kubernetes.driver.pod.name' in self)",
      message = "spark.master, spark.submit.deployMode and spark.kubernetes.driver.pod.name are set by the operator")
  @JsonPropertyDescription("Extra Spark configuration passed to every layer's application.")
  public Map<String, String> sparkConf = new LinkedHashMap<>();

  @JsonPropertyDescription("Pod template merged into driver and executor pods (node selectors, tolerations, volumes, env).")
  public PodTemplateSpec podTemplate;

  /** CPU and memory of one pod. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ResourcesSpec {
    @Default("1")
    @Pattern("^([0-9]+(\\.[0-9]+)?|[0-9]+m)$")
    @JsonPropertyDescription("CPU cores (Kubernetes quantity).")
    public String cpu = "1";

    @Default("2g")
    @Pattern("^[0-9]+[kmgtKMGT]$")
    @JsonPropertyDescription("Memory as a Spark size (e.g. 2g); the pod limit adds Spark's overhead.")
    public String memory = "2g";
  }
}
