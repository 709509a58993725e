package dev.quench.plugin.ssh;

import dev.quench.api.Required;
import dev.quench.api.ShellCommand;
import dev.quench.api.ShellQuote;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code with:} block of an {@code ssh.exec} step. Unset optional parts fall back to the
 * inventory host, then to the {@code ssh:} settings, then to defaults (see {@link SshTarget}).
 *
 * <p>A step runs on one host ({@code host}) or fans out over a fleet ({@code hosts} or {@code selector},
 * see {@link FleetRollout}); exactly one of the three is given.
 *
 * @param host           an inventory name ({@code web-7}) or an address
 * @param port           SSH port, or null
 * @param user           login user, or null
 * @param identity       private key file, or null
 * @param command        the command the remote login shell runs; required
 * @param sudo           run the command through {@code sudo -n -- sh -c '...'}; null means false
 * @param connectTimeout how long connecting (TCP, key exchange, login) may take, or null
 * @param hosts          fan out: inventory names or addresses, in rollout order
 * @param selector       fan out: the inventory hosts whose labels match ({@code role=web,env!=staging})
 * @param concurrency    fan out: how many targets run at once; null means {@value #DEFAULT_CONCURRENCY}
 * @param maxErrors      fan out: failures tolerated before no new target starts, a count ({@code 3}) or a
 *                       percentage of the targets ({@code 10%}); null means 0, stop at the first failure
 * @param canary         fan out: how many first targets run alone before the rest; null means none
 * @param jump           a jump host (bastion) to connect through: an inventory name or {@code [user@]host[:port]};
 *                       one connection to it serves every target behind it in a run; null means direct
 * @param env            environment variables for the command, exported before it runs (inside sudo's shell
 *                       with sudo); values are shell-quoted, names must be shell names; null means none
 * @param passphrase     the passphrase of the target's private key, from a secret
 *                       ({@code ${{ secrets.deploy_key_passphrase }}}); null for a key without one. Never shown.
 * @param privateKey     the private key itself (OpenSSH or PEM text), from a secret
 *                       ({@code ${{ secrets.deploy_key }}}), instead of a key file; kept in memory only, never
 *                       written to disk or shown. Null: the key file ({@code identity}, inventory, settings).
 */
@StepDoc(summary = """
        A command on one host (`host`) or a fleet (`hosts` or `selector`): exactly one of the three. Where a field \
        is absent, the inventory host's value is used, then the `ssh:` section of `quench.yaml`, then the default \
        ([ssh.md](ssh.md#hosts-and-the-inventory-inventory)). Host keys are always checked.""",
        example = """
                - id: restart
                  uses: ssh.exec
                  with:
                    host: ${{ alert.labels.instance }}
                    command: systemctl restart nginx
                    sudo: true
                """)
public record SshExecConfig(@Required(or = {"hosts", "selector"}, example = "host: web-7")
                            @StepField(description = SshFieldDocs.HOST) String host,
                            @StepField(description = SshFieldDocs.PORT, whenAbsent = SshFieldDocs.PORT_ABSENT)
                            Integer port,
                            @StepField(description = SshFieldDocs.USER, whenAbsent = SshFieldDocs.USER_ABSENT)
                            String user,
                            @StepField(description = SshFieldDocs.IDENTITY, whenAbsent = SshFieldDocs.IDENTITY_ABSENT)
                            String identity,
                            @Required(example = "command: systemctl restart nginx")
                            @StepField(description = "the command the remote login shell runs; `${{ }}` values "
                                    + "inserted into it are shell-quoted as one word")
                            @ShellCommand String command,
                            @StepField(description = SshFieldDocs.SUDO, defaultValue = "false") Boolean sudo,
                            @StepField(description = SshFieldDocs.CONNECT_TIMEOUT,
                                    whenAbsent = SshFieldDocs.CONNECT_TIMEOUT_ABSENT) Duration connectTimeout,
                            @StepField(description = SshFieldDocs.HOSTS) List<String> hosts,
                            @StepField(description = SshFieldDocs.SELECTOR) String selector,
                            @StepField(description = SshFieldDocs.CONCURRENCY, defaultValue = "10") Integer concurrency,
                            @StepField(description = SshFieldDocs.MAX_ERRORS, defaultValue = "0") String maxErrors,
                            @StepField(description = SshFieldDocs.CANARY, whenAbsent = SshFieldDocs.NONE) Integer canary,
                            @StepField(description = SshFieldDocs.JUMP, whenAbsent = SshFieldDocs.JUMP_ABSENT) String jump,
                            @StepField(description = SshFieldDocs.ENV, whenAbsent = SshFieldDocs.NONE)
                            Map<String, String> env,
                            @StepField(description = SshFieldDocs.PASSPHRASE) String passphrase,
                            @StepField(description = SshFieldDocs.PRIVATE_KEY) String privateKey) {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Targets at once when a fan-out step does not say. */
    public static final int DEFAULT_CONCURRENCY = 10;

    public SshExecConfig {
        host = host == null || host.isBlank() ? null : host.strip();
        selector = selector == null || selector.isBlank() ? null : selector.strip();
        hosts = hosts == null ? null : checkedHosts(hosts);
        int given = (host != null ? 1 : 0) + (hosts != null ? 1 : 0) + (selector != null ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException(given == 0
                    ? "host is required: an inventory name or an address (or hosts: a list, or selector: role=web)"
                    : "give only one of host, hosts and selector");
        }
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command is required: the shell command to run on the host");
        }
        if (selector != null) {
            HostSelector.parse(selector);
        }
        if (concurrency != null && concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (maxErrors != null) {
            maxErrors = maxErrors.strip();
            ErrorBudget.parse(maxErrors);
        }
        if (canary != null && canary < 0) {
            throw new IllegalArgumentException("canary must be 0 or more targets, got " + canary);
        }
        if (host != null && (concurrency != null || maxErrors != null || canary != null)) {
            throw new IllegalArgumentException("concurrency, maxErrors and canary apply to a fleet: use hosts or "
                    + "selector instead of host");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
        if (user != null && user.isBlank()) {
            user = null;
        }
        if (identity != null && identity.isBlank()) {
            identity = null;
        }
        if (connectTimeout != null && (connectTimeout.isNegative() || connectTimeout.isZero())) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        if (jump != null && jump.isBlank()) {
            jump = null;
        }
        if (jump != null) {
            jump = jump.strip();
            JumpSpec.parse(jump);
        }
        env = env == null ? Map.of() : checkedEnv(env);
        if (passphrase != null && passphrase.isEmpty()) {
            throw new IllegalArgumentException("passphrase is empty: check the secret it comes from, or leave it out "
                    + "for a key without passphrase");
        }
        if (privateKey != null) {
            PrivateKeyText.check(privateKey);
            if (identity != null) {
                throw new IllegalArgumentException("give only one of identity (a private key file) and privateKey "
                        + "(the private key itself, from a secret)");
            }
        }
    }

    /** Like the record's, but the passphrase is never shown (run records and logs print configurations). */
    @Override
    public String toString() {
        return "SshExecConfig[host=" + host + ", port=" + port + ", user=" + user + ", identity=" + identity
                + ", command=" + command + ", sudo=" + sudo + ", connectTimeout=" + connectTimeout + ", hosts=" + hosts
                + ", selector=" + selector + ", concurrency=" + concurrency + ", maxErrors=" + maxErrors + ", canary="
                + canary + ", jump=" + jump + ", env=" + env + ", passphrase=" + (passphrase == null ? null : "***")
                + ", privateKey=" + (privateKey == null ? null : "***") + "]";
    }

    /** This step with the passphrase of its key. */
    public SshExecConfig withPassphrase(String keyPassphrase) {
        return toBuilder().passphrase(keyPassphrase).build();
    }

    /** This step logging in with {@code key}, the private key's text (from a secret), instead of a key file. */
    public SshExecConfig withPrivateKey(String key) {
        return toBuilder().identity(null).privateKey(key).build();
    }

    /** This step through a jump host. */
    public SshExecConfig viaJump(String jumpHost) {
        return toBuilder().jump(jumpHost).build();
    }

    /** This step running {@code otherCommand} instead, everything else (targets, sudo, env, jump) the same. */
    SshExecConfig withCommand(String otherCommand) {
        return toBuilder().command(otherCommand).build();
    }

    /** A step with only the required parts, the rest taken from the inventory and settings. */
    public static SshExecConfig of(String host, String command) {
        return builder().host(host).command(command).build();
    }

    /** A builder with every part unset; {@link Builder#build()} checks them as the record does. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this step's parts, to change some of them. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).user(user).identity(identity).command(command).sudo(sudo)
                .connectTimeout(connectTimeout).hosts(hosts).selector(selector).concurrency(concurrency)
                .maxErrors(maxErrors).canary(canary).jump(jump).env(env).passphrase(passphrase).privateKey(privateKey);
    }

    /** True when the step runs on a fleet ({@code hosts} or {@code selector}) rather than on one host. */
    public boolean fansOut() {
        return host == null;
    }

    /** The parsed {@code selector}, when the step has one. */
    public Optional<HostSelector> hostSelector() {
        return Optional.ofNullable(selector).map(HostSelector::parse);
    }

    /** The parsed {@code maxErrors}; 0 when unset. */
    public ErrorBudget errorBudget() {
        return maxErrors == null ? ErrorBudget.count(0) : ErrorBudget.parse(maxErrors);
    }

    public int concurrencyOrDefault() {
        return concurrency == null ? DEFAULT_CONCURRENCY : concurrency;
    }

    public int canaryOrNone() {
        return canary == null ? 0 : canary;
    }

    /** This step aimed at one of its fleet's hosts. */
    SshExecConfig forHost(String target) {
        return toBuilder().host(target).hosts(null).selector(null).concurrency(null).maxErrors(null).canary(null)
                .build();
    }

    private static List<String> checkedHosts(List<String> hosts) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts is empty: list at least one inventory name or address");
        }
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < hosts.size(); index++) {
            String entry = hosts.get(index);
            if (entry == null || entry.isBlank()) {
                throw new IllegalArgumentException("hosts[" + index + "] is empty");
            }
            if (!seen.add(entry.strip())) {
                throw new IllegalArgumentException("hosts lists " + entry.strip() + " twice: each target runs once");
            }
        }
        return hosts.stream().map(String::strip).toList();
    }

    /** True when the command must run through sudo. */
    public boolean useSudo() {
        return Boolean.TRUE.equals(sudo);
    }

    /**
     * The command line sent to the server. With sudo the whole command becomes one
     * single-quoted argument of {@code sh -c}, so pipes and redirections run as root too;
     * {@code -n} makes sudo fail at once instead of waiting for a password nobody will type.
     */
    public String remoteCommand() {
        String withEnv = env.isEmpty() ? command : new TreeMap<>(env).entrySet().stream()
                .map(entry -> entry.getKey() + "=" + ShellQuote.quote(entry.getValue()))
                .collect(Collectors.joining(" ", "export ", "; ")) + command;
        return useSudo() ? "sudo -n -- sh -c " + ShellQuote.quote(withEnv) : withEnv;
    }

    private static Map<String, String> checkedEnv(Map<String, String> env) {
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (entry.getKey() == null || !ENV_NAME.matcher(entry.getKey()).matches()) {
                throw new IllegalArgumentException("env name '" + entry.getKey() + "' is not a shell variable name: "
                        + "use letters, digits and _, not starting with a digit");
            }
            if (entry.getValue() == null) {
                throw new IllegalArgumentException("env " + entry.getKey() + " has no value: give one, or \"\" for empty");
            }
        }
        return Map.copyOf(env);
    }

    /**
     * Collects the parts of an {@link SshExecConfig}, each named, instead of a constructor call with a
     * run of nulls. Every part starts unset (null), which means what the record's parameter says. Not
     * thread-safe.
     */
    public static final class Builder {
        private String host;
        private Integer port;
        private String user;
        private String identity;
        private String command;
        private Boolean sudo;
        private Duration connectTimeout;
        private List<String> hosts;
        private String selector;
        private Integer concurrency;
        private String maxErrors;
        private Integer canary;
        private String jump;
        private Map<String, String> env;
        private String passphrase;
        private String privateKey;

        private Builder() {
        }

        public Builder host(String newHost) {
            host = newHost;
            return this;
        }

        public Builder port(Integer newPort) {
            port = newPort;
            return this;
        }

        public Builder user(String newUser) {
            user = newUser;
            return this;
        }

        public Builder identity(String newIdentity) {
            identity = newIdentity;
            return this;
        }

        public Builder command(String newCommand) {
            command = newCommand;
            return this;
        }

        public Builder sudo(Boolean newSudo) {
            sudo = newSudo;
            return this;
        }

        public Builder connectTimeout(Duration newConnectTimeout) {
            connectTimeout = newConnectTimeout;
            return this;
        }

        public Builder hosts(List<String> newHosts) {
            hosts = newHosts;
            return this;
        }

        public Builder selector(String newSelector) {
            selector = newSelector;
            return this;
        }

        public Builder concurrency(Integer newConcurrency) {
            concurrency = newConcurrency;
            return this;
        }

        public Builder maxErrors(String newMaxErrors) {
            maxErrors = newMaxErrors;
            return this;
        }

        public Builder canary(Integer newCanary) {
            canary = newCanary;
            return this;
        }

        public Builder jump(String newJump) {
            jump = newJump;
            return this;
        }

        public Builder env(Map<String, String> newEnv) {
            env = newEnv;
            return this;
        }

        public Builder passphrase(String newPassphrase) {
            passphrase = newPassphrase;
            return this;
        }

        public Builder privateKey(String newPrivateKey) {
            privateKey = newPrivateKey;
            return this;
        }

        /**
         * The step's configuration.
         *
         * @throws IllegalArgumentException what the record refuses (no target, two targets, no command ...)
         */
        public SshExecConfig build() {
            return new SshExecConfig(host, port, user, identity, command, sudo, connectTimeout, hosts, selector,
                    concurrency, maxErrors, canary, jump, env, passphrase, privateKey);
        }
    }
}
