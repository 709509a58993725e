package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code quench.yaml}. Relative paths in the file are relative to the file's directory, so
 * a config works wherever the engine is started from. Thread-safe (stateless).
 */
public final class ConfigLoader {

    private static final Set<String> ENGINE_SECTIONS =
            Set.of("server", "store", "runbooks", "data", "inventory", "plugins", "auth", "sources", "params");

    private ConfigLoader() {
    }

    /**
     * Loads {@code file}, or returns the defaults for {@code defaultDataDirectory} when file is null.
     *
     * @throws ConfigException naming the file, the key and what is wrong
     */
    public static QuenchConfig load(Path file, Path defaultDataDirectory) {
        if (file == null) {
            return QuenchConfig.defaults(defaultDataDirectory);
        }
        JsonNode root = YamlFiles.readTree(file, "config file");
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = Json.yaml().createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": the config must be a mapping of sections (server:, store:, ...)");
        }
        return fromTree((ObjectNode) root, file.toAbsolutePath().getParent(), file);
    }

    static QuenchConfig fromTree(ObjectNode root, Path baseDirectory, Path file) {
        Path data = path(root.path("data"), baseDirectory, "data");
        QuenchConfig defaults = QuenchConfig.defaults(data);
        JsonNode server = root.path("server");
        JsonNode store = root.path("store");
        JsonNode executor = root.path("executor");
        Map<String, SourceSettings> sources = SourceSettingsReader.read(root.path("sources"),
                node -> path(node, baseDirectory, null), file);
        Map<String, Map<String, String>> params = new LinkedHashMap<>();
        root.path("params").properties().forEach(entry -> {
            Map<String, String> values = new LinkedHashMap<>();
            entry.getValue().properties().forEach(param -> values.put(param.getKey(), param.getValue().asText()));
            params.put(entry.getKey(), values);
        });
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!ENGINE_SECTIONS.contains(field.getKey())) {
                sections.put(field.getKey(), field.getKey().equals("secrets")
                        ? withAbsoluteFiles(field.getValue(), baseDirectory) : field.getValue());
            }
        }
        String password = store.path("password").asText("");
        if (store.hasNonNull("passwordFile")) {
            Path passwordFile = path(store.get("passwordFile"), baseDirectory, null);
            try {
                password = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                throw new ConfigException(file + ": store.passwordFile " + passwordFile + " cannot be read: " + e.getMessage(), e);
            }
        }
        int port = server.path("port").asInt(defaults.port());
        if (port < 0 || port > 65535) {
            throw new ConfigException(file + ": server.port must be 0-65535, was " + port);
        }
        return new QuenchConfig(
                port,
                server.path("host").asText(defaults.host()),
                store.path("url").asText(defaults.storeUrl()),
                store.path("user").asText(defaults.storeUser()),
                password,
                root.hasNonNull("runbooks") ? path(root.get("runbooks"), baseDirectory, null) : defaults.runbooks(),
                data,
                root.hasNonNull("inventory") ? path(root.get("inventory"), baseDirectory, null) : null,
                root.hasNonNull("plugins") ? path(root.get("plugins"), baseDirectory, null) : null,
                root.path("auth").hasNonNull("tokenFile")
                        ? path(root.path("auth").get("tokenFile"), baseDirectory, null) : defaults.apiTokenFile(),
                sources,
                executor.path("maxConcurrentRuns").asInt(defaults.maxConcurrentRuns()),
                executor.path("outputLimitBytes").asInt(defaults.outputLimitBytes()),
                params,
                sections);
    }

    /** {@code secrets: {name: {file: relative}}} is relative to the config file, like every other path in it. */
    private static JsonNode withAbsoluteFiles(JsonNode secrets, Path baseDirectory) {
        if (!secrets.isObject()) {
            return secrets;
        }
        ObjectNode copy = secrets.deepCopy();
        copy.properties().forEach(entry -> {
            if (entry.getValue() instanceof ObjectNode secret && secret.hasNonNull("file")) {
                secret.put("file", path(secret.get("file"), baseDirectory, null).toString());
            }
        });
        return copy;
    }

    private static Path path(JsonNode node, Path baseDirectory, String fallback) {
        String text = node.isMissingNode() || node.isNull() ? fallback : node.asText();
        if (text.startsWith("~/")) {
            text = System.getProperty("user.home") + text.substring(1);
        }
        Path path = Path.of(text);
        return path.isAbsolute() || baseDirectory == null ? path : baseDirectory.resolve(path).normalize();
    }
}
