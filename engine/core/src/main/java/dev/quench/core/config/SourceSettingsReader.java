package dev.quench.core.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.alert.GenericMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the {@code sources:} section of {@code quench.yaml}: per source its {@code auth} and, for
 * generic sources, its {@code mapping}. Each source is bound strictly onto {@link SourceKeys} first
 * (unknown keys and wrong types are errors with their position), so a typo never silently leaves a
 * source unauthenticated. Thread-safe (stateless).
 */
final class SourceSettingsReader {

    private SourceSettingsReader() {
    }

    /** The keys a source may have, so a misspelt one is an error with its position, not a silent default. */
    record SourceKeys(AuthKeys auth, MappingKeys mapping) {
    }

    record AuthKeys(Boolean open, String bearerTokenFile, String bearerTokenEnv, BasicKeys basic, HmacKeys hmac) {
    }

    record BasicKeys(String user, String passwordFile, String passwordEnv) {
    }

    record HmacKeys(String secretFile, String secretEnv, String header, String timestampHeader) {
    }

    record MappingKeys(String alerts, String name, String status, List<String> resolvedValues, String fingerprint,
                       String startsAt, Map<String, String> labels, String labelsFrom, Map<String, String> annotations) {
    }

    static Map<String, SourceSettings> read(ConfigSection section, JsonNode sources, Function<JsonNode, Path> paths,
                                            Path file) {
        section.bind(JsonNode.class);
        Map<String, SourceSettings> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : sources.properties()) {
            String name = entry.getKey();
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                throw new ConfigException(file + ": sources." + name + ": a source name is 1-64 of [a-z0-9_-]");
            }
            section.child(name).bind(SourceKeys.class);
            settings.put(name, source(name, entry.getValue(), paths, file));
        }
        return settings;
    }

    private static SourceSettings source(String name, JsonNode node, Function<JsonNode, Path> paths, Path file) {
        String where = file + ": sources." + name + ".auth";
        JsonNode auth = node.path("auth");
        Secret bearer = secret(auth, "bearerToken", where, paths);
        SourceSettings.BasicAuth basic = null;
        if (auth.has("basic")) {
            JsonNode basicNode = auth.get("basic");
            if (!basicNode.hasNonNull("user")) {
                throw new ConfigException(where + ".basic.user is missing");
            }
            Secret password = secret(basicNode, "password", where + ".basic", paths);
            if (password == null) {
                throw new ConfigException(where + ".basic needs passwordFile or passwordEnv");
            }
            basic = new SourceSettings.BasicAuth(basicNode.get("user").asText(), password);
        }
        SourceSettings.HmacAuth hmac = null;
        if (auth.has("hmac")) {
            JsonNode hmacNode = auth.get("hmac");
            Secret secret = secret(hmacNode, "secret", where + ".hmac", paths);
            if (secret == null) {
                throw new ConfigException(where + ".hmac needs secretFile or secretEnv");
            }
            hmac = new SourceSettings.HmacAuth(secret, hmacNode.path("header").asText(defaultHmacHeader(name)),
                    hmacNode.hasNonNull("timestampHeader") ? hmacNode.get("timestampHeader").asText() : null);
        }
        GenericMapping mapping = node.has("mapping")
                ? mapping(node.get("mapping"), file + ": sources." + name + ".mapping") : null;
        return new SourceSettings(bearer, basic, hmac, auth.path("open").asBoolean(false), mapping);
    }

    /** The header each known sender signs into. */
    static String defaultHmacHeader(String source) {
        return switch (source) {
            case "grafana" -> "X-Grafana-Alerting-Signature";
            case "pagerduty" -> "X-PagerDuty-Signature";
            default -> "X-Quench-Signature";
        };
    }

    private static Secret secret(JsonNode node, String name, String where, Function<JsonNode, Path> paths) {
        boolean hasFile = node.hasNonNull(name + "File");
        boolean hasEnv = node.hasNonNull(name + "Env");
        if (!hasFile && !hasEnv) {
            return null;
        }
        if (hasFile && hasEnv) {
            throw new ConfigException(where + ": give " + name + "File or " + name + "Env, not both");
        }
        return hasFile ? new Secret(where + "." + name + "File", paths.apply(node.get(name + "File")), null)
                : new Secret(where + "." + name + "Env", null, node.get(name + "Env").asText());
    }

    private static GenericMapping mapping(JsonNode node, String where) {
        if (!node.hasNonNull("name")) {
            throw new ConfigException(where + ".name is missing: say where the alert's name is, e.g. name: /check/name");
        }
        List<String> resolved = null;
        if (node.has("resolvedValues")) {
            resolved = new ArrayList<>();
            for (JsonNode value : node.get("resolvedValues")) {
                resolved.add(value.asText());
            }
        }
        return new GenericMapping(pointer(node, "alerts", where), pointer(node, "name", where),
                pointer(node, "status", where), resolved, pointer(node, "fingerprint", where),
                pointer(node, "startsAt", where), pointers(node.path("labels"), where + ".labels"),
                pointer(node, "labelsFrom", where), pointers(node.path("annotations"), where + ".annotations"));
    }

    private static Map<String, JsonPointer> pointers(JsonNode node, String where) {
        Map<String, JsonPointer> pointers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            pointers.put(entry.getKey(), compile(entry.getValue().asText(), where + "." + entry.getKey()));
        }
        return pointers;
    }

    private static JsonPointer pointer(JsonNode node, String key, String where) {
        return node.hasNonNull(key) ? compile(node.get(key).asText(), where + "." + key) : null;
    }

    private static JsonPointer compile(String text, String where) {
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": '" + text + "' is not a JSON pointer (write /a/b/0): " + e.getMessage(), e);
        }
    }
}
