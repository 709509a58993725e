package dev.quench.plugin.ssh;

import dev.quench.api.Inventory;
import dev.quench.api.InventoryHost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom one step connects, after applying the precedence step → inventory host →
 * {@code ssh:} settings → defaults. Immutable.
 *
 * @param name           the host as the runbook names it ({@code web-7})
 * @param address        what Quench connects to (the inventory address, else the name itself)
 * @param port           SSH port
 * @param user           login user
 * @param identities     private key files to offer, in order
 * @param identitySource where the identities came from, for error messages ("the step's identity")
 * @param connectTimeout how long connecting may take
 * @param jump           the jump host (bastion) the connection goes through, if any
 * @param passphrase     the passphrase of the identities, if they have one
 * @param privateKey     the private key's text from a secret, used instead of the identities; never shown
 */
record SshTarget(String name, String address, int port, String user, List<Path> identities,
                 String identitySource, Duration connectTimeout, Optional<SshTarget> jump,
                 Optional<String> passphrase, Optional<String> privateKey) {

    static final int DEFAULT_PORT = 22;

    /** OpenSSH's own order of default keys; DSA is gone from modern OpenSSH. */
    static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    SshTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        identities = List.copyOf(identities);
        Objects.requireNonNull(identitySource, "identitySource");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(jump, "jump");
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "SshTarget[" + display() + " as " + user + ", keys "
                + (privateKey.isPresent() ? "privateKey ***" : identities.toString()) + "]";
    }

    /** Resolves a step's target. Never fails: missing key files are reported when connecting. */
    static SshTarget resolve(SshExecConfig config, Inventory inventory, SshSettings settings) {
        Optional<SshTarget> jump = Optional.ofNullable(config.jump())
                .map(spec -> resolveJump(spec, config.connectTimeout(), inventory, settings));
        return resolve(config.host(), config.port(), config.user(), config.identity(), config.connectTimeout(), jump,
                Optional.ofNullable(config.passphrase()), Optional.ofNullable(config.privateKey()), inventory,
                settings);
    }

    /**
     * Resolves a jump host given as an inventory name ({@code bastion}) or {@code [user@]host[:port]}
     * ({@code ops@10.0.0.1:2222}, {@code [fd00::1]:22}); parts given in the spec win over the inventory's.
     * The jump host is a target like any other: its key is verified the same way, its login uses the
     * inventory's, then the {@code ssh:} settings', then the default identity.
     */
    static SshTarget resolveJump(String spec, Duration connectTimeout, Inventory inventory, SshSettings settings) {
        JumpSpec parsed = JumpSpec.parse(spec);
        return resolve(parsed.host(), parsed.port(), parsed.user(), null, connectTimeout, Optional.empty(),
                Optional.empty(), Optional.empty(), inventory, settings);
    }

    private static SshTarget resolve(String name, Integer stepPort, String stepUser, String stepIdentity,
                                     Duration stepConnectTimeout, Optional<SshTarget> jump,
                                     Optional<String> passphrase, Optional<String> privateKey,
                                     Inventory inventory, SshSettings settings) {
        Optional<InventoryHost> host = inventory.find(name);
        String address = host.map(InventoryHost::address).orElse(name);
        int port = firstNonNull(stepPort, host.flatMap(InventoryHost::portIfSet).orElse(null),
                settings.port(), DEFAULT_PORT);
        String user = firstNonNull(stepUser, host.flatMap(InventoryHost::userIfSet).orElse(null),
                settings.user(), System.getProperty("user.name"));
        Duration connectTimeout = stepConnectTimeout != null ? stepConnectTimeout : settings.connectTimeout();

        List<Path> identities;
        String identitySource;
        if (privateKey.isPresent()) {
            identities = List.of();
            identitySource = "the step's privateKey";
        } else if (stepIdentity != null) {
            identities = List.of(HomePaths.expand(stepIdentity));
            identitySource = "the step's identity";
        } else if (host.flatMap(InventoryHost::identityIfSet).isPresent()) {
            identities = List.of(HomePaths.expand(host.get().identity()));
            identitySource = "the inventory's identity for " + host.get().name();
        } else if (settings.identity() != null) {
            identities = List.of(HomePaths.expand(settings.identity()));
            identitySource = "ssh.identity in quench.yaml";
        } else {
            Path sshDirectory = HomePaths.home().resolve(".ssh");
            identities = DEFAULT_IDENTITIES.stream().map(sshDirectory::resolve).filter(Files::exists).toList();
            identitySource = "the default keys (" + sshDirectory + "/" + String.join(", ", DEFAULT_IDENTITIES) + ")";
        }
        return new SshTarget(name, address, port, user, identities, identitySource, connectTimeout, jump, passphrase,
                privateKey);
    }

    /** {@code web-7 (10.0.0.7:22)}, or {@code web-7 (10.0.0.7:22 via bastion)}: how every message names the host. */
    String display() {
        return name + " (" + hostAndPort() + jump.map(hop -> " via " + hop.name()).orElse("") + ")";
    }

    /** {@code 10.0.0.7:22}, or {@code [::1]:22} for an IPv6 address. */
    String hostAndPort() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** The host as known_hosts names it: the address, or {@code [address]:port} when the port is not 22. */
    String knownHostsName() {
        return port == DEFAULT_PORT ? address : "[" + address + "]:" + port;
    }

    /** Key of the shared connection in the run's resources: same endpoint, user and keys share one session. */
    String connectionKey() {
        return "ssh.exec:" + user + "@" + hostAndPort() + " "
                + privateKey.map(key -> "privateKey " + PrivateKeyText.digest(key)).orElse(identities.toString())
                + jump.map(hop -> " via " + hop.connectionKey()).orElse("");
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        throw new IllegalStateException("no default value");
    }
}
