package dev.quench.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One host of the inventory. Optional parts fall back to the engine's defaults (the {@code ssh:}
 * settings, then port 22).
 *
 * @param name     the name runbooks use ({@code web-7})
 * @param address  where to connect (host name or IP address)
 * @param port     SSH port, or null for the default
 * @param user     SSH user, or null for the default
 * @param identity private key file, or null for the default
 * @param labels   free-form labels for selecting hosts
 */
public record InventoryHost(String name, String address, Integer port, String user, String identity,
                            Map<String, String> labels) {

    public InventoryHost {
        Objects.requireNonNull(name, "name");
        address = address == null || address.isBlank() ? name : address;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public Optional<Integer> portIfSet() {
        return Optional.ofNullable(port);
    }

    public Optional<String> userIfSet() {
        return Optional.ofNullable(user);
    }

    public Optional<String> identityIfSet() {
        return Optional.ofNullable(identity);
    }
}
