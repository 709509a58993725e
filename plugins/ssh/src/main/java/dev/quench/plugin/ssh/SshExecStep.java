package dev.quench.plugin.ssh;

import dev.quench.api.Inventory;
import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code ssh.exec} step: runs a shell command on a host over SSH and returns its exit code and
 * output. Host keys are always verified (known_hosts, or pinned on first use with
 * {@code hostKeyPolicy: tofu}); the steps of one run share one SSH session per host and user.
 * With {@code hosts:} or {@code selector:} one step fans out over a fleet ({@link SshFanOut}).
 * Thread-safe.
 */
public final class SshExecStep implements StepPlugin<SshExecConfig> {

    /** Where pinned host keys live, under the plugin's data directory. */
    static final String PINNED_HOSTS_FILE = "ssh/pinned_known_hosts";

    private final Set<SshConnection> openConnections = ConcurrentHashMap.newKeySet();
    private volatile SshSettings settings;
    private volatile Inventory inventory;
    private volatile Optional<Path> pinnedHosts = Optional.empty();

    @Override
    public String type() {
        return "ssh.exec";
    }

    @Override
    public Class<SshExecConfig> configType() {
        return SshExecConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) {
        SshSettings loaded = environment.settings("ssh", SshSettings.class).orElseGet(SshSettings::defaults);
        inventory = environment.inventory();
        pinnedHosts = loaded.policy() == SshSettings.HostKeyPolicy.TOFU
                ? Optional.of(environment.dataDirectory().resolve(PINNED_HOSTS_FILE))
                : Optional.empty();
        settings = loaded;
    }

    @Override
    public StepResult execute(StepContext context, SshExecConfig config) throws Exception {
        SshSettings currentSettings = settings;
        if (currentSettings == null) {
            throw new IllegalStateException("ssh.exec used before start(PluginEnvironment)");
        }
        if (config.fansOut()) {
            return SshFanOut.run(context, config, inventory, currentSettings,
                    (target, targetContext) -> runOn(target, config.remoteCommand(), targetContext, currentSettings));
        }
        SshTarget target = SshTarget.resolve(config, inventory, currentSettings);
        String command = config.remoteCommand();
        if (context.dryRun()) {
            // A dry run must change nothing, and connecting is already visible to the host: plan only.
            context.output().info("dry run: would run on " + target.display() + " as " + target.user() + ": " + command);
            return StepResult.succeeded("");
        }
        return runOn(target, command, context, currentSettings);
    }

    /** Runs {@code command} on one target over the run's shared connection to it. */
    private StepResult runOn(SshTarget target, String command, StepContext context, SshSettings currentSettings)
            throws StepFailedException {
        return RemoteCommand.run(connection(target, context, currentSettings).session(context), target, command,
                context);
    }

    /** The run's shared connection to {@code target} (a jump host's too), created on first use. */
    private SshConnection connection(SshTarget target, StepContext context, SshSettings currentSettings)
            throws StepFailedException {
        try {
            return context.resources().computeIfAbsent(target.connectionKey(), SshConnection.class,
                    () -> open(target, currentSettings));
        } catch (StepFailedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StepFailedException(target.display() + ": could not set up the SSH connection: " + e, e);
        }
    }

    private SshConnection open(SshTarget target, SshSettings currentSettings) {
        SshConnection connection = new SshConnection(target, currentSettings.knownHostsFile(), pinnedHosts,
                openConnections::remove,
                (jump, context) -> connection(jump, context, currentSettings).session(context));
        openConnections.add(connection);
        return connection;
    }

    /** Closes the sessions of runs that are still going; the engine stops. */
    @Override
    public void close() {
        for (SshConnection connection : List.copyOf(openConnections)) {
            connection.close();
        }
    }
}
