package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.quench.core.util.DidYouMean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code quench.yaml} strictly (see {@link ConfigSection}). Relative paths in the file are
 * relative to the file's directory, so a config works wherever the engine is started from.
 * Thread-safe (stateless).
 */
public final class ConfigLoader {

    /** Top-level keys bound here; every other one is kept as a section for its owner. */
    private static final Set<String> BOUND_HERE =
            Set.of("server", "store", "runbooks", "data", "inventory", "plugins", "auth", "sources", "params");

    private ConfigLoader() {
    }

    /**
     * Loads {@code file}, or returns the defaults for {@code defaultDataDirectory} when file is null.
     *
     * @throws ConfigException naming the file, the position, the key and what is wrong
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
        ConfigPositions positions;
        try {
            positions = ConfigPositions.index(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return fromTree((ObjectNode) root, file.toAbsolutePath().getParent(), file, positions);
    }

    static QuenchConfig fromTree(ObjectNode root, Path baseDirectory, Path file, ConfigPositions positions) {
        // Keys the engine does not read are plugin sections (checked against the plugins once they are found).
        ObjectNode engineKeys = root.deepCopy();
        engineKeys.retain(QuenchFile.KEYS);
        QuenchFile top = new ConfigSection("", engineKeys, positions).bind(QuenchFile.class).orElseThrow();
        Path data = path(top.data(), baseDirectory, "data");
        QuenchConfig defaults = QuenchConfig.defaults(data);
        ConfigSection serverSection = new ConfigSection("server", top.server(), positions);
        QuenchFile.Server server = serverSection.bind(QuenchFile.Server.class).orElse(new QuenchFile.Server(null, null, null));
        ConfigSection storeSection = new ConfigSection("store", top.store(), positions);
        QuenchFile.Store store = storeSection.bind(QuenchFile.Store.class)
                .orElse(new QuenchFile.Store(null, null, null, null));
        QuenchFile.Auth auth = new ConfigSection("auth", top.auth(), positions).bind(QuenchFile.Auth.class)
                .orElse(new QuenchFile.Auth(null));
        Map<String, SourceSettings> sources = SourceSettingsReader.read(new ConfigSection("sources", top.sources(), positions), root.path("sources"),
                node -> path(node.asText(), baseDirectory, null), file);
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        root.properties().forEach(field -> {
            if (!BOUND_HERE.contains(field.getKey())) {
                sections.put(field.getKey(), switch (field.getKey()) {
                    case "secrets" -> withAbsoluteFiles(field.getValue(), baseDirectory);
                    case "metrics" -> withAbsoluteFile(field.getValue(), "scrapeTokenFile", baseDirectory);
                    default -> field.getValue();
                });
            }
        });
        String password = store.password() == null ? "" : store.password();
        if (store.passwordFile() != null) {
            Path passwordFile = path(store.passwordFile(), baseDirectory, null);
            try {
                password = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                throw storeSection.invalid("passwordFile", passwordFile + " cannot be read: " + e.getMessage());
            }
        }
        int port = serverSection.atLeast("port", server.port(), 0, defaults.port());
        if (port > 65535) {
            throw serverSection.invalid("port", "must be 0-65535, got " + port);
        }
        int eventLoops = serverSection.atLeast("eventLoops", server.eventLoops(), 1, QuenchConfig.DEFAULT_EVENT_LOOPS);
        if (eventLoops > QuenchConfig.MAX_EVENT_LOOPS) {
            throw serverSection.invalid("eventLoops", "must be at most " + QuenchConfig.MAX_EVENT_LOOPS + ", got "
                    + eventLoops);
        }
        return defaults.toBuilder()
                .port(port)
                .eventLoops(eventLoops)
                .host(server.host() != null ? server.host() : defaults.host())
                .store(store.url() != null ? store.url() : defaults.storeUrl(),
                        store.user() != null ? store.user() : defaults.storeUser(), password)
                .runbooks(top.runbooks() != null ? path(top.runbooks(), baseDirectory, null) : defaults.runbooks())
                .inventory(top.inventory() != null ? path(top.inventory(), baseDirectory, null) : null)
                .pluginsDirectory(top.plugins() != null ? path(top.plugins(), baseDirectory, null) : null)
                .apiTokenFile(auth.tokenFile() != null ? path(auth.tokenFile(), baseDirectory, null)
                        : defaults.apiTokenFile())
                .sources(sources)
                .runbookParams(SiteParamsReader.read(new ConfigSection("params", root.path("params"), positions),
                        root.path("params")))
                .sections(sections, positions)
                .build();
    }

    /**
     * Refuses a top-level key that is neither the engine's nor a loaded plugin's section, naming its
     * position and the key meant.
     *
     * @param stepTypes the loaded plugins' step types ({@code ssh.exec}); each one's prefix names a section
     * @throws ConfigException for the first unknown key
     */
    public static void requireKnownSections(QuenchConfig config, Collection<String> stepTypes) {
        Set<String> pluginSections = new TreeSet<>();
        stepTypes.forEach(type -> pluginSections.add(type.contains(".") ? type.substring(0, type.indexOf('.')) : type));
        for (String key : config.sections().keySet()) {
            if (!QuenchFile.KEYS.contains(key) && !pluginSections.contains(key)) {
                List<String> known = new ArrayList<>(QuenchFile.KEYS);
                known.addAll(pluginSections);
                throw new ConfigException(config.positions().atKey("/" + key) + key + ": unknown key"
                        + DidYouMean.hint(key, known) + " (quench.yaml takes "
                        + String.join(", ", QuenchFile.KEYS.stream().sorted().toList())
                        + ", and the sections of the loaded plugins: " + String.join(", ", pluginSections) + ")");
            }
        }
    }

    /** {@code secrets: {name: {file: relative}}} is relative to the config file, like every other path in it. */
    private static JsonNode withAbsoluteFiles(JsonNode secrets, Path baseDirectory) {
        if (!secrets.isObject()) {
            return secrets;
        }
        ObjectNode copy = secrets.deepCopy();
        copy.properties().forEach(entry -> {
            if (entry.getValue() instanceof ObjectNode secret && secret.hasNonNull("file")) {
                secret.set("file", TextNode.valueOf(path(secret.get("file").asText(), baseDirectory, null).toString()));
            }
        });
        return copy;
    }

    /** {@code section.key}, a file name, made absolute against the config file's directory like every other path. */
    private static JsonNode withAbsoluteFile(JsonNode section, String key, Path baseDirectory) {
        if (!(section instanceof ObjectNode object) || !object.path(key).isTextual() || object.path(key).asText().isBlank()) {
            return section;
        }
        ObjectNode copy = object.deepCopy();
        copy.set(key, TextNode.valueOf(path(object.path(key).asText(), baseDirectory, null).toString()));
        return copy;
    }

    private static Path path(String value, Path baseDirectory, String fallback) {
        String text = value == null ? fallback : value;
        if (text.startsWith("~/")) {
            text = System.getProperty("user.home") + text.substring(1);
        }
        Path path = Path.of(text);
        return path.isAbsolute() || baseDirectory == null ? path : baseDirectory.resolve(path).normalize();
    }
}
