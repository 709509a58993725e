package dev.quench.core.local;

import dev.quench.api.Inventory;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.InventoryFile;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.plugin.EnginePluginEnvironment;
import dev.quench.core.plugin.PluginRegistry;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * The step plugins of a command that runs without a server, started as the engine starts them
 * (config sections, inventory, a Vert.x instance for the HTTP client). Close it when done.
 */
public final class LocalPlugins implements AutoCloseable {

    private final Vertx vertx;
    private final PluginRegistry plugins;

    private LocalPlugins(Vertx vertx, PluginRegistry plugins) {
        this.vertx = vertx;
        this.plugins = plugins;
    }

    public static LocalPlugins start(QuenchConfig config) {
        Vertx vertx = Vertx.vertx();
        PluginRegistry plugins = null;
        try {
            Inventory inventory = config.inventoryIfSet().<Inventory>map(InventoryFile::load).orElse(Inventory.empty());
            plugins = PluginRegistry.discover(config.pluginsDirectoryIfSet().orElse(null));
            ConfigLoader.requireKnownSections(config, plugins.types());
            plugins.start(new EnginePluginEnvironment(config.sections(), inventory, Map.of(Vertx.class, vertx),
                    config.dataDirectory()));
            return new LocalPlugins(vertx, plugins);
        } catch (RuntimeException e) {
            if (plugins != null) {
                plugins.close();
            }
            vertx.close();
            throw e;
        }
    }

    public PluginRegistry registry() {
        return plugins;
    }

    @Override
    public void close() {
        plugins.close();
        vertx.close();
    }
}
