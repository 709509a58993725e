package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The top level of {@code quench.yaml}: the keys it may have, so an unknown or misspelt one stops the
 * start. Sections kept as trees are bound by their owners through {@link ConfigSection} (server, store,
 * auth here; ingest, executor, schedule by their packages; sources, env, secrets by their readers).
 * {@code ssh} and {@code http} belong to the bundled plugins, which check them; a plugin loaded from the
 * plugins directory has no section of its own yet.
 */
record QuenchFile(JsonNode server, JsonNode store, String runbooks, String data, String inventory, String plugins,
                  JsonNode auth, JsonNode sources, Map<String, Map<String, String>> params, JsonNode env,
                  JsonNode secrets, JsonNode ingest, JsonNode executor, JsonNode schedule, JsonNode ssh,
                  JsonNode http) {

    /** Sections the plugins read, as today: the bundled plugins' own. */
    static final java.util.Set<String> PLUGIN_SECTIONS = java.util.Set.of("ssh", "http");

    record Server(Integer port, String host) {
    }

    record Store(String url, String user, String password, String passwordFile) {
    }

    record Auth(String tokenFile) {
    }
}
