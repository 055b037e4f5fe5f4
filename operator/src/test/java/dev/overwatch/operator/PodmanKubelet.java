package dev.overwatch.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test kubelet that runs the pods of one namespace of the mock API server as podman containers,
 * from each pod's own spec: image, command and args (with {@code $(VAR)} expansion), env (values,
 * {@code secretKeyRef}, {@code configMapKeyRef}, {@code fieldRef}), volumes (ConfigMap, Secret and
 * emptyDir as host folders, a PVC as the host folder the test maps its claim to), the security
 * context (user, read-only root, dropped capabilities, no privilege escalation) and the termination
 * message file. Containers share the host network, so the pod IP is 127.0.0.1. It writes status and
 * termination message back, removes a container when its pod is deleted, and deletes pods whose
 * owner pod is gone (the garbage collector's part, which the mock server lacks).
 * <p>Cluster DNS is the one translation: {@code https://kubernetes.default.svc} in a command names
 * the mock API server's own URL.
 */
final class PodmanKubelet implements AutoCloseable {
  static final String IN_CLUSTER_API = "https://kubernetes.default.svc";
  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private final KubernetesClient client;
  private final String namespace;
  private final Path work;
  private final Map<String, Path> claims;
  private final Map<String, String> containers = new ConcurrentHashMap<>();
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private volatile boolean running = true;

  PodmanKubelet(KubernetesClient client, String namespace, Path work, Map<String, Path> claims) {
    this.client = client;
    this.namespace = namespace;
    this.work = work;
    this.claims = claims;
  }

  /** The podman command with the settings these machines need (runc, lower ulimits). */
  static List<String> podman(String... args) {
    List<String> cmd = new ArrayList<>(List.of("podman"));
    if (Files.isExecutable(Path.of("/usr/sbin/runc"))) {
      cmd.addAll(List.of("--runtime", "/usr/sbin/runc"));
    }
    cmd.addAll(List.of(args));
    return cmd;
  }

  static boolean podmanAvailable() {
    try {
      return new ProcessBuilder("podman", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static boolean imageExists(String image) {
    try {
      return new ProcessBuilder(podman("image", "exists", image)).inheritIO().start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  void start() {
    threads.submit(() -> {
      while (running) {
        try {
          syncOnce();
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          events.add(Instant.now() + " sync error: " + e);
        }
      }
    });
  }

  /** What the kubelet did, in order: started, ended and removed pods. */
  List<String> events() {
    return List.copyOf(events);
  }

  private void syncOnce() {
    List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
    Set<String> uids = ConcurrentHashMap.newKeySet();
    pods.forEach(p -> uids.add(p.getMetadata().getUid()));
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      boolean orphan = pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
          .filter(o -> "Pod".equals(o.getKind())).map(OwnerReference::getUid).anyMatch(u -> !uids.contains(u));
      if (orphan) {
        events.add(Instant.now() + " gc " + name);
        client.pods().inNamespace(namespace).withName(name).delete();
      } else if (!containers.containsKey(name) && !finished.contains(name) && pod.getMetadata().getDeletionTimestamp() == null) {
        containers.put(name, containerName(name));
        if (pod.getStatus() == null || pod.getStatus().getPhase() == null) {
          updateStatus(name, pending(pod));
        }
        threads.submit(() -> runPod(pod));
      }
    }
    Set<String> live = ConcurrentHashMap.newKeySet();
    pods.forEach(p -> live.add(p.getMetadata().getName()));
    for (String name : List.copyOf(containers.keySet())) {
      if (!live.contains(name)) {
        String c = containers.remove(name);
        finished.add(name);
        events.add(Instant.now() + " deleted " + name);
        // Kept for the figures and for debugging: a deleted pod's container goes with it.
        exec(podman("logs", "--timestamps", c), work.resolve(name).resolve("container.log"));
        exec(podman("rm", "-f", "-t", "2", c));
      }
    }
  }

  private String containerName(String pod) {
    return "owk-" + namespace + "-" + pod;
  }

  private void runPod(Pod pod) {
    String name = pod.getMetadata().getName();
    String cname = containerName(name);
    Path dir = work.resolve(name);
    try {
      List<String> cmd = runCommand(pod, cname, dir);
      Files.writeString(dir.resolve("podman-run.txt"), String.join("\n", cmd));
      Files.writeString(dir.resolve("started-at"), Instant.now().toString());
      events.add(Instant.now() + " start " + name);
      int rc = exec(cmd);
      if (rc != 0) {
        writeStatus(name, rc, "podman run failed with exit code " + rc + ", see " + dir.resolve("podman.log"));
        return;
      }
      String now = Instant.now().toString();
      updateStatus(name, new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").withHostIP("127.0.0.1")
          .withStartTime(now)
          .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewContainerStatus().withName(pod.getSpec().getContainers().get(0).getName()).withReady(true)
            .withImage(pod.getSpec().getContainers().get(0).getImage())
            .withRestartCount(0).withNewState().withNewRunning().withStartedAt(now).endRunning().endState()
          .endContainerStatus().build());
      Process wait = new ProcessBuilder(podman("wait", cname)).redirectErrorStream(true).start();
      String out = new String(wait.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      wait.waitFor();
      // Timestamped lines: the test derives pod start to first module from them.
      exec(podman("logs", "--timestamps", cname), dir.resolve("container.log"));
      int exit = out.matches("-?\\d+") ? Integer.parseInt(out) : 137;
      Path termination = dir.resolve("termination-log");
      String message = Files.exists(termination) ? Files.readString(termination) : "";
      events.add(Instant.now() + " exit " + name + " " + exit);
      if (containers.containsKey(name)) {
        writeStatus(name, exit, message.length() > 4096 ? message.substring(0, 4096) : message);
      }
    } catch (IOException e) {
      events.add(Instant.now() + " failed " + name + ": " + e);
      writeStatus(name, 128, "kubelet: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What a kubelet reports once it has the pod and is creating its container. */
  static io.fabric8.kubernetes.api.model.PodStatus pending(Pod pod) {
    String now = Instant.now().toString();
    Container c = pod.getSpec().getContainers().get(0);
    return new PodStatusBuilder().withPhase("Pending").withHostIP("127.0.0.1")
        .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus("False").withReason("ContainersNotReady").withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady").withLastTransitionTime(now).endCondition()
        .addNewContainerStatus().withName(c.getName()).withImage(c.getImage()).withReady(false).withRestartCount(0)
          .withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState()
        .endContainerStatus().build();
  }

  private void writeStatus(String name, int exit, String message) {
    updateStatus(name, new PodStatusBuilder().withPhase(exit == 0 ? "Succeeded" : "Failed").withPodIP("127.0.0.1")
        .addNewContainerStatus().withName(client.pods().inNamespace(namespace).withName(name).get() == null ? "c"
            : client.pods().inNamespace(namespace).withName(name).get().getSpec().getContainers().get(0).getName())
          .withNewState().withNewTerminated().withExitCode(exit).withReason(exit == 0 ? "Completed" : "Error")
            .withMessage(message).withFinishedAt(Instant.now().toString()).endTerminated().endState()
        .endContainerStatus().build());
  }

  private void updateStatus(String name, io.fabric8.kubernetes.api.model.PodStatus status) {
    Pod live = client.pods().inNamespace(namespace).withName(name).get();
    if (live != null) {
      live.setStatus(status);
      client.pods().inNamespace(namespace).resource(live).updateStatus();
    }
  }

  /** Translates the pod spec into one {@code podman run} command line. */
  List<String> runCommand(Pod pod, String cname, Path dir) throws IOException {
    Container c = pod.getSpec().getContainers().get(0);
    Files.createDirectories(dir);
    Map<String, String> env = env(pod, c);
    List<String> cmd = podman("run", "-d", "--name", cname, "--network=host",
        "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096", "--pull=never");
    PodSecurityContext psc = pod.getSpec().getSecurityContext();
    SecurityContext sc = c.getSecurityContext();
    Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
    Long group = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup() : psc == null ? null : psc.getRunAsGroup();
    if (user != null) {
      cmd.addAll(List.of("--user", user + ":" + (group == null ? user : group)));
    }
    if (sc != null && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
      cmd.add("--read-only");
    }
    if (sc != null && Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      cmd.add("--security-opt=no-new-privileges");
    }
    if (sc != null && sc.getCapabilities() != null && sc.getCapabilities().getDrop() != null) {
      sc.getCapabilities().getDrop().forEach(cap -> cmd.add("--cap-drop=" + cap.toLowerCase()));
    }
    Map<String, Path> volumes = volumes(pod, dir);
    for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
      Path host = volumes.get(m.getName());
      if (host == null) {
        throw new IOException("pod " + pod.getMetadata().getName() + " mounts volume " + m.getName() + " that the kubelet cannot provide");
      }
      if (m.getSubPath() != null) {
        host = host.resolve(m.getSubPath());
      }
      cmd.add("--volume=" + host + ":" + m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : ""));
    }
    if (c.getTerminationMessagePath() != null) {
      Path termination = dir.resolve("termination-log");
      Files.writeString(termination, "");
      Files.setPosixFilePermissions(termination, PosixFilePermissions.fromString("rw-rw-rw-"));
      cmd.add("--volume=" + termination + ":" + c.getTerminationMessagePath());
    }
    // An env file keeps secret values out of the process list.
    Path envFile = dir.resolve("env");
    StringBuilder lines = new StringBuilder();
    env.forEach((k, v) -> lines.append(k).append('=').append(v.replace("\n", "\\n")).append('\n'));
    Files.writeString(envFile, lines);
    Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
    cmd.add("--env-file=" + envFile);
    String api = client.getMasterUrl().toString().replaceAll("/$", "");
    List<String> commandAndArgs = new ArrayList<>();
    (c.getCommand() == null ? List.<String>of() : c.getCommand()).forEach(a -> commandAndArgs.add(expand(a, env).replace(IN_CLUSTER_API, api)));
    List<String> args = new ArrayList<>();
    (c.getArgs() == null ? List.<String>of() : c.getArgs()).forEach(a -> args.add(expand(a, env).replace(IN_CLUSTER_API, api)));
    if (!commandAndArgs.isEmpty()) {
      cmd.add("--entrypoint=" + commandAndArgs.get(0));
    }
    cmd.add(c.getImage());
    if (!commandAndArgs.isEmpty()) {
      cmd.addAll(commandAndArgs.subList(1, commandAndArgs.size()));
    }
    cmd.addAll(args);
    return cmd;
  }

  private Map<String, String> env(Pod pod, Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    String api = client.getMasterUrl().toString().replaceAll("/$", "");
    env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(client.getMasterUrl().getPort()));
    for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
      if (e.getValueFrom() == null) {
        env.put(e.getName(), expand(e.getValue() == null ? "" : e.getValue(), env));
      } else if (e.getValueFrom().getSecretKeyRef() != null) {
        var ref = e.getValueFrom().getSecretKeyRef();
        Secret s = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (s == null || s.getData() == null || !s.getData().containsKey(ref.getKey())) {
          throw new IllegalStateException("secret " + ref.getName() + "/" + ref.getKey() + " not found for pod " + pod.getMetadata().getName());
        }
        env.put(e.getName(), new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8));
      } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
        var ref = e.getValueFrom().getConfigMapKeyRef();
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
        env.put(e.getName(), cm.getData().get(ref.getKey()));
      } else if (e.getValueFrom().getFieldRef() != null) {
        String path = e.getValueFrom().getFieldRef().getFieldPath();
        env.put(e.getName(), switch (path) {
          case "status.podIP", "status.hostIP" -> "127.0.0.1";
          case "metadata.name" -> pod.getMetadata().getName();
          case "metadata.namespace" -> namespace;
          case "metadata.uid" -> pod.getMetadata().getUid();
          case "spec.nodeName" -> "podman";
          case "spec.serviceAccountName" -> String.valueOf(pod.getSpec().getServiceAccountName());
          default -> throw new IllegalStateException("kubelet: unsupported fieldRef " + path);
        });
      }
    }
    // Cluster DNS stand-in: the in-cluster API address is the mock server.
    env.replaceAll((k, v) -> v.replace(IN_CLUSTER_API, api));
    return env;
  }

  /** Host folders for the pod's volumes: ConfigMap and Secret files, emptyDirs, and the test's PVC folders. */
  private Map<String, Path> volumes(Pod pod, Path dir) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    for (Volume v : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
      Path host = dir.resolve("volumes").resolve(v.getName());
      if (v.getConfigMap() != null) {
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(v.getConfigMap().getName()).get();
        if (cm == null) {
          throw new IOException("ConfigMap " + v.getConfigMap().getName() + " of pod " + pod.getMetadata().getName() + " not found");
        }
        Files.createDirectories(host);
        for (Map.Entry<String, String> e : cm.getData().entrySet()) {
          Files.writeString(host.resolve(e.getKey()), e.getValue());
        }
      } else if (v.getSecret() != null) {
        Secret s = client.secrets().inNamespace(namespace).withName(v.getSecret().getSecretName()).get();
        Files.createDirectories(host);
        for (Map.Entry<String, String> e : s.getData().entrySet()) {
          Files.write(host.resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
        }
      } else if (v.getEmptyDir() != null) {
        Files.createDirectories(host);
      } else if (v.getPersistentVolumeClaim() != null) {
        host = claims.get(v.getPersistentVolumeClaim().getClaimName());
        if (host == null) {
          throw new IOException("PVC " + v.getPersistentVolumeClaim().getClaimName() + " is not bound in this test");
        }
        out.put(v.getName(), host);
        continue;
      } else {
        throw new IOException("kubelet: unsupported volume " + v.getName() + " of pod " + pod.getMetadata().getName());
      }
      // fsGroup stand-in: the pod's user (uid 185) writes there.
      try (var walk = Files.walk(host)) {
        walk.forEach(p -> {
          try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      out.put(v.getName(), host);
    }
    return out;
  }

  static String expand(String value, Map<String, String> env) {
    Matcher m = VAR_REF.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private int exec(List<String> cmd) {
    return exec(cmd, work.resolve("podman.log"));
  }

  private int exec(List<String> cmd, Path log) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      return p.waitFor(5, TimeUnit.MINUTES) ? p.exitValue() : -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Names of the containers this kubelet still runs (for the "no pod left behind" check). */
  List<String> liveContainers() {
    return List.copyOf(containers.values());
  }

  /** Running containers of this kubelet's namespace, one name per line, as podman reports them. */
  String runningContainers() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(podman("ps", "--filter", "name=^" + containerName(""), "--format", "{{.Names}}")).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return out;
  }

  @Override
  public void close() {
    running = false;
    threads.shutdownNow();
    for (String c : containers.values()) {
      exec(podman("rm", "-f", "-t", "2", c));
    }
    containers.clear();
  }
}
