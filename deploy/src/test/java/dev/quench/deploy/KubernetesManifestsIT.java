package dev.quench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quench.core.boot.EngineSettings;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes: the files parse, refer to each other correctly, match the container image and load as a
 * strict quench.yaml; and {@code kubectl kustomize} renders them when kubectl is installed (skipped otherwise,
 * failed under CI=true).
 */
class KubernetesManifestsIT {

    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final Path DOCKERFILE = Path.of("container/Dockerfile");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path temp;

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (values.hasNext()) {
                JsonNode document = values.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    private static JsonNode deployment() throws IOException {
        return documents(KUBERNETES.resolve("deployment.yaml")).get(0);
    }

    @Test
    void theKustomizationNamesFilesThatExist() throws IOException {
        JsonNode kustomization = documents(KUBERNETES.resolve("kustomization.yaml")).get(0);

        for (JsonNode resource : kustomization.path("resources")) {
            assertThat(KUBERNETES.resolve(resource.asText())).isRegularFile();
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            for (JsonNode file : generator.path("files")) {
                assertThat(KUBERNETES.resolve(file.asText())).isRegularFile();
            }
        }
    }

    @Test
    void threeReplicasProbedOnTheHealthEndpointsOfTheServedPort() throws IOException {
        JsonNode deployment = deployment();
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        Set<String> portNames = new HashSet<>();
        container.path("ports").forEach(port -> portNames.add(port.path("name").asText()));

        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(portNames).contains(container.at("/readinessProbe/httpGet/port").asText(),
                container.at("/livenessProbe/httpGet/port").asText());
        JsonNode service = documents(KUBERNETES.resolve("service.yaml")).get(0);
        assertThat(portNames).contains(service.at("/spec/ports/0/targetPort").asText());
        // the port the container declares is the one quench.yaml serves on, and the image exposes
        int served = documents(KUBERNETES.resolve("quench.yaml")).get(0).at("/server/port").asInt();
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(served);
        assertThat(Files.readString(DOCKERFILE)).containsPattern("(?m)^EXPOSE " + served + "$");
    }

    @Test
    void everyMountHasAVolumeAndEverySecretAndConfigMapIsDefined() throws IOException {
        JsonNode spec = deployment().at("/spec/template/spec");
        Set<String> volumes = new HashSet<>();
        Set<String> secretsUsed = new HashSet<>();
        Set<String> configMapsUsed = new HashSet<>();
        for (JsonNode volume : spec.path("volumes")) {
            volumes.add(volume.path("name").asText());
            if (volume.has("secret")) {
                secretsUsed.add(volume.at("/secret/secretName").asText());
            }
            if (volume.has("configMap")) {
                configMapsUsed.add(volume.at("/configMap/name").asText());
            }
        }
        Set<String> secretsDefined = new HashSet<>();
        documents(KUBERNETES.resolve("secret.yaml")).forEach(secret -> secretsDefined.add(secret.at("/metadata/name").asText()));
        Set<String> configMapsGenerated = new HashSet<>();
        documents(KUBERNETES.resolve("kustomization.yaml")).get(0).path("configMapGenerator")
                .forEach(generator -> configMapsGenerated.add(generator.path("name").asText()));

        for (JsonNode mount : spec.at("/containers/0/volumeMounts")) {
            assertThat(volumes).as("volumeMounts name volumes").contains(mount.path("name").asText());
        }
        assertThat(secretsDefined).containsAll(secretsUsed);
        assertThat(configMapsGenerated).containsAll(configMapsUsed);
        // the image runs as the user the pod's security context names
        assertThat(Files.readString(DOCKERFILE)).containsPattern("(?m)^USER " + spec.at("/securityContext/runAsUser")
                .asInt() + ":");
    }

    @Test
    void theClusterConfigLoadsStrictlyAndReadsItsSecretsFromTheMountedSecrets() throws IOException {
        JsonNode container = deployment().at("/spec/template/spec/containers/0");
        JsonNode config = documents(KUBERNETES.resolve("quench.yaml")).get(0);
        List<String> mounts = new ArrayList<>();
        container.path("volumeMounts").forEach(mount -> mounts.add(mount.path("mountPath").asText()));
        String passwordFile = config.at("/store/passwordFile").asText();
        String tokenFile = config.at("/auth/tokenFile").asText();

        assertThat(mounts).anyMatch(mount -> passwordFile.startsWith(mount + "/"));
        assertThat(mounts).anyMatch(mount -> tokenFile.startsWith(mount + "/"));
        assertThat(config.at("/store/url").asText()).startsWith("jdbc:postgresql://");
        assertThat(container.path("args").toString()).contains("/etc/quench/config/quench.yaml");
        assertThat(mounts).contains("/etc/quench/config");
        assertThat(config.path("runbooks").asText()).startsWith("/opt/quench/");
        assertThat(Files.readString(DOCKERFILE)).contains("/opt/quench/");

        // Loads as `quench serve` loads it (the password file it names exists only in the pod: one stands in here).
        Path password = Files.writeString(temp.resolve("password"), "secret\n");
        Path copy = Files.writeString(temp.resolve("quench.yaml"),
                Files.readString(KUBERNETES.resolve("quench.yaml")).replace(passwordFile, password.toString()));
        QuenchConfig loaded = ConfigLoader.load(copy, temp);
        EngineSettings.bind(loaded);
        assertThat(loaded.storePassword()).isEqualTo("secret");
    }

    @Test
    void theDockerfileBuildsFromTheDistributionAndRunsUnprivileged() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);

        assertThat(dockerfile).containsPattern("(?m)^FROM \\S+:\\S+$").doesNotContainPattern("(?m)^FROM \\S+:latest");
        assertThat(dockerfile).containsPattern("(?m)^USER 10001:10001$");
        assertThat(dockerfile).contains("ENTRYPOINT [\"/opt/quench/bin/quench\"]");
        // the build context is the assembled distribution: the launcher the ENTRYPOINT names is in it
        assertThat(Path.of("target/quench/bin/quench")).isExecutable();
        assertThat(Path.of("target/quench/runbooks")).isDirectory();
    }

    @Test
    void kubectlRendersTheKustomization() throws Exception {
        Path kubectl = findOnPath("kubectl");
        if (kubectl == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("kubectl is not installed: CI must render deploy/kubernetes (install kubectl)");
            }
            Assumptions.abort("kubectl is not installed: install it to render deploy/kubernetes with kubectl kustomize");
        }
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", KUBERNETES.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        Path rendered = Files.writeString(temp.resolve("rendered.yaml"), output);
        List<String> kinds = new ArrayList<>();
        String generatedConfigMap = null;
        JsonNode deployment = null;
        for (JsonNode document : documents(rendered)) {
            kinds.add(document.path("kind").asText());
            if (document.path("kind").asText().equals("ConfigMap")) {
                generatedConfigMap = document.at("/metadata/name").asText();
            }
            if (document.path("kind").asText().equals("Deployment")) {
                deployment = document;
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("ConfigMap", "Secret", "Secret", "Service", "Deployment");
        assertThat(generatedConfigMap).startsWith("quench-config-");
        assertThat(deployment.at("/spec/template/spec/volumes").toString()).contains(generatedConfigMap);
        assertThat(deployment.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("quench");
        assertThat(deployment.at("/spec/template/metadata/labels/app.kubernetes.io~1name").asText()).isEqualTo("quench");
    }

    private static Path findOnPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
