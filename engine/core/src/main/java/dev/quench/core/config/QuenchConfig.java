package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine configuration: {@code quench.yaml} with command-line overrides applied. Immutable.
 *
 * @param port            HTTP port for webhooks and API (0 picks a free one)
 * @param host            address the HTTP server binds
 * @param storeUrl        JDBC URL of the store; H2 file under the data directory by default
 * @param storeUser       database user
 * @param storePassword   database password (from a file or the environment, never logged)
 * @param runbooks        directory of runbook files
 * @param dataDirectory   where the embedded store and engine state live
 * @param inventory       the inventory file, if any
 * @param pluginsDirectory a directory of extra plugin jars, if any
 * @param apiTokenFile    the file holding the API token (created when absent)
 * @param sources         per-webhook-source settings, by source name
 * @param maxConcurrentRuns how many runs execute at once
 * @param outputLimitBytes how much of each step's stdout/stderr is kept
 * @param runbookParams   site values for runbook params, by runbook name
 * @param sections        the remaining top-level sections ({@code ssh:}, {@code http:}) for plugins
 */
public record QuenchConfig(int port, String host, String storeUrl, String storeUser, String storePassword,
                           Path runbooks, Path dataDirectory, Path inventory, Path pluginsDirectory,
                           Path apiTokenFile, Map<String, SourceSettings> sources, int maxConcurrentRuns,
                           int outputLimitBytes, Map<String, Map<String, String>> runbookParams,
                           Map<String, JsonNode> sections) {

    /** The port {@code quench serve} listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 9095;

    public QuenchConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storeUrl, "storeUrl");
        Objects.requireNonNull(runbooks, "runbooks");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(apiTokenFile, "apiTokenFile");
        sources = Map.copyOf(sources);
        runbookParams = Map.copyOf(runbookParams);
        sections = Map.copyOf(sections);
        if (maxConcurrentRuns < 1) {
            throw new IllegalArgumentException("executor.maxConcurrentRuns must be at least 1, was " + maxConcurrentRuns);
        }
    }

    /** Settings of one webhook source, or the defaults (token auth with the API token). */
    public SourceSettings source(String name) {
        return sources.getOrDefault(name, SourceSettings.DEFAULT);
    }

    public Optional<Path> inventoryIfSet() {
        return Optional.ofNullable(inventory);
    }

    public Optional<Path> pluginsDirectoryIfSet() {
        return Optional.ofNullable(pluginsDirectory);
    }

    /** Site values for the params of {@code runbook}. */
    public Map<String, String> paramsFor(String runbook) {
        return runbookParams.getOrDefault(runbook, Map.of());
    }

    /** The defaults for a data directory: H2 file store, ./runbooks, port 9095. */
    public static QuenchConfig defaults(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        return new QuenchConfig(DEFAULT_PORT, "0.0.0.0", h2Url(data), "sa", "", Path.of("runbooks"), data,
                null, null, data.resolve("quench.token"), Map.of(), 16, 64 * 1024, Map.of(), Map.of());
    }

    static String h2Url(Path dataDirectory) {
        // No AUTO_SERVER: nothing listens but the HTTP port. The CLI reads a running engine through its API.
        return "jdbc:h2:file:" + dataDirectory.resolve("quench");
    }

    /**
     * The same config with its data directory at {@code newDataDirectory} ({@code --data}, which beats the
     * file): an embedded H2 store and a token file that lived in the old data directory move with it; a
     * PostgreSQL store and a token file configured elsewhere stay.
     */
    public QuenchConfig withDataDirectory(Path newDataDirectory) {
        Path data = newDataDirectory.toAbsolutePath().normalize();
        String newStoreUrl = storeUrl.startsWith("jdbc:h2:") && !storeUrl.startsWith("jdbc:h2:mem:")
                && !storeUrl.startsWith("jdbc:h2:tcp:") && !storeUrl.startsWith("jdbc:h2:ssl:")
                ? h2Url(data) : storeUrl;
        Path newTokenFile = apiTokenFile.toAbsolutePath().normalize()
                .equals(dataDirectory.toAbsolutePath().normalize().resolve("quench.token"))
                ? data.resolve("quench.token") : apiTokenFile;
        return new QuenchConfig(port, host, newStoreUrl, storeUser, storePassword, runbooks, data, inventory,
                pluginsDirectory, newTokenFile, sources, maxConcurrentRuns, outputLimitBytes, runbookParams, sections);
    }

    public QuenchConfig withPort(int newPort) {
        return new QuenchConfig(newPort, host, storeUrl, storeUser, storePassword, runbooks, dataDirectory, inventory,
                pluginsDirectory, apiTokenFile, sources, maxConcurrentRuns, outputLimitBytes, runbookParams, sections);
    }

    public QuenchConfig withRunbooks(Path newRunbooks) {
        return new QuenchConfig(port, host, storeUrl, storeUser, storePassword, newRunbooks, dataDirectory, inventory,
                pluginsDirectory, apiTokenFile, sources, maxConcurrentRuns, outputLimitBytes, runbookParams, sections);
    }

    public QuenchConfig withInventory(Path newInventory) {
        return new QuenchConfig(port, host, storeUrl, storeUser, storePassword, runbooks, dataDirectory, newInventory,
                pluginsDirectory, apiTokenFile, sources, maxConcurrentRuns, outputLimitBytes, runbookParams, sections);
    }

    public QuenchConfig withHost(String newHost) {
        return new QuenchConfig(port, newHost, storeUrl, storeUser, storePassword, runbooks, dataDirectory, inventory,
                pluginsDirectory, apiTokenFile, sources, maxConcurrentRuns, outputLimitBytes, runbookParams, sections);
    }

    public QuenchConfig withSections(Map<String, JsonNode> newSections) {
        return new QuenchConfig(port, host, storeUrl, storeUser, storePassword, runbooks, dataDirectory, inventory,
                pluginsDirectory, apiTokenFile, sources, maxConcurrentRuns, outputLimitBytes, runbookParams, newSections);
    }

    public QuenchConfig withRunbookParams(Map<String, Map<String, String>> newParams) {
        return new QuenchConfig(port, host, storeUrl, storeUser, storePassword, runbooks, dataDirectory, inventory,
                pluginsDirectory, apiTokenFile, sources, maxConcurrentRuns, outputLimitBytes, newParams, sections);
    }
}
