package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine configuration: {@code quench.yaml} with command-line overrides applied. Immutable; change
 * a copy with {@link #toBuilder()} or the {@code with...} shortcuts.
 *
 * @param port            HTTP port for webhooks and API (0 picks a free one)
 * @param host            address the HTTP server binds
 * @param eventLoops      event loops the HTTP server runs on (each accepts its share of the connections)
 * @param storeUrl        JDBC URL of the store; H2 file under the data directory by default
 * @param storeUser       database user
 * @param storePassword   database password (from a file or the environment, never logged)
 * @param runbooks        directory of runbook files
 * @param dataDirectory   where the embedded store and engine state live
 * @param inventory       the inventory file, if any
 * @param pluginsDirectory a directory of extra plugin jars, if any
 * @param apiTokenFile    the file holding the API token (created when absent)
 * @param sources         per-webhook-source settings, by source name
 * @param runbookParams   site values for runbook params, by runbook name
 * @param sections        the sections bound by their owners ({@code executor:}, {@code ingest:},
 *                        {@code schedule:}, {@code env:}, {@code secrets:}) and the plugins' ({@code ssh:},
 *                        {@code http:}); read them with {@link #section(String)}
 * @param positions       where each key of the file is, for error messages
 */
public record QuenchConfig(int port, String host, int eventLoops, String storeUrl, String storeUser, String storePassword,
                           Path runbooks, Path dataDirectory, Path inventory, Path pluginsDirectory,
                           Path apiTokenFile, Map<String, SourceSettings> sources,
                           Map<String, Map<String, String>> runbookParams, Map<String, JsonNode> sections,
                           ConfigPositions positions) {

    /** The port {@code quench serve} listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 9095;

    /** Event loops of the HTTP server unless told otherwise: one per core, at most 8. */
    public static final int DEFAULT_EVENT_LOOPS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

    /** The most event loops {@code server.eventLoops} may ask for. */
    public static final int MAX_EVENT_LOOPS = 64;

    public QuenchConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storeUrl, "storeUrl");
        Objects.requireNonNull(runbooks, "runbooks");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(apiTokenFile, "apiTokenFile");
        Objects.requireNonNull(positions, "positions");
        if (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("eventLoops must be 1-" + MAX_EVENT_LOOPS + ", was " + eventLoops);
        }
        sources = Map.copyOf(sources);
        runbookParams = Map.copyOf(runbookParams);
        sections = Map.copyOf(sections);
    }

    /** The section {@code name} of the file (possibly absent), for its owner to bind strictly. */
    public ConfigSection section(String name) {
        return new ConfigSection(name, sections.get(name), positions);
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
        return new QuenchConfig(DEFAULT_PORT, "0.0.0.0", DEFAULT_EVENT_LOOPS, h2Url(data), "sa", "", Path.of("runbooks"), data,
                null, null, data.resolve("quench.token"), Map.of(), Map.of(), Map.of(), ConfigPositions.NONE);
    }

    static String h2Url(Path dataDirectory) {
        // No AUTO_SERVER: nothing listens but the HTTP port. The CLI reads a running engine through its API.
        return "jdbc:h2:file:" + dataDirectory.resolve("quench");
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
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
        return toBuilder().dataDirectory(data).store(newStoreUrl, storeUser, storePassword)
                .apiTokenFile(newTokenFile).build();
    }

    public QuenchConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public QuenchConfig withRunbooks(Path newRunbooks) {
        return toBuilder().runbooks(newRunbooks).build();
    }

    public QuenchConfig withInventory(Path newInventory) {
        return toBuilder().inventory(newInventory).build();
    }

    public QuenchConfig withHost(String newHost) {
        return toBuilder().host(newHost).build();
    }

    /** The same config with these sections, built in code (their errors carry no file position). */
    public QuenchConfig withSections(Map<String, JsonNode> newSections) {
        return toBuilder().sections(newSections, ConfigPositions.NONE).build();
    }

    public QuenchConfig withRunbookParams(Map<String, Map<String, String>> newParams) {
        return toBuilder().runbookParams(newParams).build();
    }

    /** Builds a {@link QuenchConfig} from another's values. Not thread-safe; use it on one thread. */
    public static final class Builder {
        private int port;
        private String host;
        private int eventLoops;
        private String storeUrl;
        private String storeUser;
        private String storePassword;
        private Path runbooks;
        private Path dataDirectory;
        private Path inventory;
        private Path pluginsDirectory;
        private Path apiTokenFile;
        private Map<String, SourceSettings> sources;
        private Map<String, Map<String, String>> runbookParams;
        private Map<String, JsonNode> sections;
        private ConfigPositions positions;

        private Builder(QuenchConfig from) {
            port = from.port;
            host = from.host;
            eventLoops = from.eventLoops;
            storeUrl = from.storeUrl;
            storeUser = from.storeUser;
            storePassword = from.storePassword;
            runbooks = from.runbooks;
            dataDirectory = from.dataDirectory;
            inventory = from.inventory;
            pluginsDirectory = from.pluginsDirectory;
            apiTokenFile = from.apiTokenFile;
            sources = from.sources;
            runbookParams = from.runbookParams;
            sections = from.sections;
            positions = from.positions;
        }

        public Builder port(int newPort) {
            port = newPort;
            return this;
        }

        public Builder host(String newHost) {
            host = newHost;
            return this;
        }

        public Builder eventLoops(int newEventLoops) {
            eventLoops = newEventLoops;
            return this;
        }

        /** The store's JDBC URL, user and password together: they describe one database. */
        public Builder store(String url, String user, String password) {
            storeUrl = url;
            storeUser = user;
            storePassword = password;
            return this;
        }

        public Builder runbooks(Path newRunbooks) {
            runbooks = newRunbooks;
            return this;
        }

        /** Only the directory; {@link QuenchConfig#withDataDirectory} also moves what lived in the old one. */
        public Builder dataDirectory(Path newDataDirectory) {
            dataDirectory = newDataDirectory;
            return this;
        }

        public Builder inventory(Path newInventory) {
            inventory = newInventory;
            return this;
        }

        public Builder pluginsDirectory(Path newPluginsDirectory) {
            pluginsDirectory = newPluginsDirectory;
            return this;
        }

        public Builder apiTokenFile(Path newApiTokenFile) {
            apiTokenFile = newApiTokenFile;
            return this;
        }

        public Builder sources(Map<String, SourceSettings> newSources) {
            sources = newSources;
            return this;
        }

        public Builder runbookParams(Map<String, Map<String, String>> newParams) {
            runbookParams = newParams;
            return this;
        }

        Builder sections(Map<String, JsonNode> newSections, ConfigPositions newPositions) {
            sections = newSections;
            positions = newPositions;
            return this;
        }

        public QuenchConfig build() {
            return new QuenchConfig(port, host, eventLoops, storeUrl, storeUser, storePassword, runbooks, dataDirectory, inventory,
                    pluginsDirectory, apiTokenFile, sources, runbookParams, sections, positions);
        }
    }
}
