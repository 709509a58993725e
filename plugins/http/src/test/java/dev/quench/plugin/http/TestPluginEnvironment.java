package dev.quench.plugin.http;

import dev.quench.api.Inventory;
import dev.quench.api.PluginEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A plugin environment for tests: given services and settings sections, no inventory. */
record TestPluginEnvironment(Map<Class<?>, Object> services, Map<String, Object> sections)
        implements PluginEnvironment {

    @Override
    public <T> Optional<T> settings(String section, Class<T> type) {
        return Optional.ofNullable(sections.get(section)).map(type::cast);
    }

    @Override
    public Inventory inventory() {
        return Inventory.empty();
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }

    @Override
    public Path dataDirectory() {
        return Path.of("target", "plugin-data");
    }
}
