package dev.quench.api;

import java.util.List;
import java.util.Optional;

/** The hosts Quench knows by name ({@code inventory.yaml}). Thread-safe and immutable. */
public interface Inventory {

    /** The host called {@code name}, if the inventory has it. */
    Optional<InventoryHost> find(String name);

    /** Every host, in the order of the inventory file. */
    List<InventoryHost> hosts();

    /** An inventory with no hosts. */
    static Inventory empty() {
        return new Inventory() {
            @Override
            public Optional<InventoryHost> find(String name) {
                return Optional.empty();
            }

            @Override
            public List<InventoryHost> hosts() {
                return List.of();
            }
        };
    }
}
