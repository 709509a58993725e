package dev.quench.core.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.Inventory;
import dev.quench.api.PluginEnvironment;
import dev.quench.core.util.Json;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What the engine hands plugins at start: config sections, inventory, shared services. */
public final class EnginePluginEnvironment implements PluginEnvironment {

    private final Map<String, JsonNode> sections;
    private final Inventory inventory;
    private final Map<Class<?>, Object> services;
    private final Path dataDirectory;

    public EnginePluginEnvironment(Map<String, JsonNode> sections, Inventory inventory,
                                   Map<Class<?>, Object> services, Path dataDirectory) {
        this.sections = Map.copyOf(sections);
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.services = Map.copyOf(services);
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    @Override
    public <T> Optional<T> settings(String section, Class<T> type) {
        JsonNode node = sections.get(section);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.yaml().treeToValue(node, type));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config section '" + section + "': " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config section '" + section + "': " + e.getMessage(), e);
        }
    }

    @Override
    public Inventory inventory() {
        return inventory;
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }
}
