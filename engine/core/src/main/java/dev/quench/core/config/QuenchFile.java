package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The top level of {@code quench.yaml}: the keys it may have, so an unknown or misspelt one stops the
 * start. Sections kept as trees are bound by their owners through {@link ConfigSection} (server, store,
 * auth here; ingest, executor, schedule, approval, oidc, events, retention, metrics, logging, cluster, console, incidents, toil by
 * their packages;
 * sources, params, env, secrets by their readers).
 * Any other top-level key must be the name of a loaded plugin (the part of its step types before the
 * dot: {@code ssh}, {@code http}, ...), which reads and checks its own section; that is checked once the
 * plugins are discovered ({@link ConfigLoader#requireKnownSections}).
 */
record QuenchFile(JsonNode server, JsonNode store, String runbooks, String data, String inventory, String plugins,
                  JsonNode auth, JsonNode sources, JsonNode params, JsonNode env,
                  JsonNode secrets, JsonNode ingest, JsonNode executor, JsonNode schedule, JsonNode approval, JsonNode oidc,
                  JsonNode events, JsonNode retention, JsonNode metrics, JsonNode logging, JsonNode cluster,
                  JsonNode console, JsonNode incidents, JsonNode toil) {

    /** The top-level keys the engine itself reads, in file order of the example. */
    static final java.util.List<String> KEYS = java.util.Arrays.stream(QuenchFile.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).toList();

    record Server(Integer port, String host, Integer eventLoops) {
    }

    record Store(String url, String user, String password, String passwordFile) {
    }

    record Auth(String tokenFile) {
    }
}
