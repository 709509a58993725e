package dev.quench.testkit;

import dev.quench.api.Inventory;
import dev.quench.api.InventoryHost;
import dev.quench.api.PluginEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's environment for one plugin, for tests: settings sections given as the objects the plugin
 * asks for, an inventory, shared services and a data directory. Immutable once built; thread-safe.
 *
 * <pre>{@code
 * plugin.start(TestPluginEnvironment.builder().settings("ssh", sshSettings).host(web7).dataDirectory(dir).build());
 * }</pre>
 */
public final class TestPluginEnvironment implements PluginEnvironment {

    private final Map<String, Object> sections;
    private final Map<Class<?>, Object> services;
    private final List<InventoryHost> hosts;
    private final Path dataDirectory;

    private TestPluginEnvironment(Builder builder) {
        this.sections = Map.copyOf(builder.sections);
        this.services = Map.copyOf(builder.services);
        this.hosts = List.copyOf(builder.hosts);
        this.dataDirectory = builder.dataDirectory;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public <T> Optional<T> settings(String section, Class<T> type) {
        Object value = sections.get(section);
        if (value != null && !type.isInstance(value)) {
            throw new IllegalArgumentException("settings section " + section + " is a " + value.getClass().getName()
                    + " in this test, the plugin asked for " + type.getName());
        }
        return Optional.ofNullable(value).map(type::cast);
    }

    @Override
    public Inventory inventory() {
        return new Inventory() {
            @Override
            public Optional<InventoryHost> find(String name) {
                return hosts.stream().filter(host -> host.name().equals(name)).findFirst();
            }

            @Override
            public List<InventoryHost> hosts() {
                return hosts;
            }
        };
    }

    @Override
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Builds a {@link TestPluginEnvironment}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> sections = new LinkedHashMap<>();
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private final List<InventoryHost> hosts = new ArrayList<>();
        private Path dataDirectory = Path.of("target", "plugin-data");

        private Builder() {
        }

        /** The {@code section} of quench.yaml, already mapped onto the type the plugin asks for. */
        public Builder settings(String section, Object value) {
            sections.put(Objects.requireNonNull(section, "section"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public <T> Builder service(Class<T> type, T value) {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder host(InventoryHost host) {
            hosts.add(Objects.requireNonNull(host, "host"));
            return this;
        }

        public Builder hosts(List<InventoryHost> values) {
            values.forEach(this::host);
            return this;
        }

        /** Where the plugin may keep state. Default {@code target/plugin-data}. */
        public Builder dataDirectory(Path value) {
            this.dataDirectory = Objects.requireNonNull(value, "dataDirectory");
            return this;
        }

        public TestPluginEnvironment build() {
            return new TestPluginEnvironment(this);
        }
    }
}
