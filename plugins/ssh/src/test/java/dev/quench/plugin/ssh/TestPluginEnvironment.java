package dev.quench.plugin.ssh;

import dev.quench.api.Inventory;
import dev.quench.api.InventoryHost;
import dev.quench.api.PluginEnvironment;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The engine's environment for one plugin: its ssh settings, an inventory and a data directory. */
record TestPluginEnvironment(SshSettings ssh, List<InventoryHost> hosts, Path dataDirectory)
        implements PluginEnvironment {

    @Override
    public <T> Optional<T> settings(String section, Class<T> type) {
        return section.equals("ssh") && ssh != null ? Optional.of(type.cast(ssh)) : Optional.empty();
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
        return Optional.empty();
    }
}
