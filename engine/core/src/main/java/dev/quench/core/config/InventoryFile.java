package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.Inventory;
import dev.quench.api.InventoryHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory file: {@code hosts: {web-7: {address, port, user, identity, labels}}}. Immutable.
 */
public final class InventoryFile implements Inventory {

    private final Map<String, InventoryHost> hosts;

    private InventoryFile(Map<String, InventoryHost> hosts) {
        this.hosts = hosts;
    }

    /**
     * Reads {@code file}.
     *
     * @throws ConfigException naming the file, the host and the problem
     */
    public static InventoryFile load(Path file) {
        JsonNode root = YamlFiles.readTree(file, "inventory");
        Map<String, InventoryHost> hosts = new LinkedHashMap<>();
        if (root == null || !root.path("hosts").isObject()) {
            throw new ConfigException(file + ": an inventory needs a 'hosts:' mapping of host name to {address, port, user, identity, labels}");
        }
        for (Map.Entry<String, JsonNode> entry : root.get("hosts").properties()) {
            JsonNode host = entry.getValue();
            Map<String, String> labels = new LinkedHashMap<>();
            host.path("labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
            Integer port = null;
            if (host.hasNonNull("port")) {
                if (!host.get("port").canConvertToInt() || host.get("port").asInt() < 1 || host.get("port").asInt() > 65535) {
                    throw new ConfigException(file + ": host '" + entry.getKey() + "': port must be 1-65535, was " + host.get("port"));
                }
                port = host.get("port").asInt();
            }
            hosts.put(entry.getKey(), new InventoryHost(entry.getKey(), text(host, "address"), port,
                    text(host, "user"), text(host, "identity"), labels));
        }
        return new InventoryFile(hosts);
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    @Override
    public Optional<InventoryHost> find(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    @Override
    public List<InventoryHost> hosts() {
        return List.copyOf(hosts.values());
    }
}
