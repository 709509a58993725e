package dev.quench.plugin.ssh;

import dev.quench.api.Inventory;
import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the SSH step types share: the {@code ssh:} settings, the inventory, host key pinning, and the run's
 * connections (one per host and user, a jump host's too, kept in the run's resources so that
 * {@code ssh.exec} and {@code ssh.script} steps of one run use the same ones). Runs one prepared remote
 * command on one host or a fleet. Thread-safe.
 */
final class SshSessions implements AutoCloseable {

    /** Where pinned host keys live, under the plugin's data directory. */
    static final String PINNED_HOSTS_FILE = "ssh/pinned_known_hosts";

    /** What to run on each target: the command line, its standard input, and what to run if it was stopped. */
    record Work(String command, byte[] stdin, Optional<String> cleanupCommand) {
        static Work command(String command) {
            return new Work(command, new byte[0], Optional.empty());
        }
    }

    private final Set<SshConnection> openConnections = ConcurrentHashMap.newKeySet();
    private volatile SshSettings settings;
    private volatile Inventory inventory;
    private volatile Optional<Path> pinnedHosts = Optional.empty();

    void start(PluginEnvironment environment) {
        SshSettings loaded = environment.settings("ssh", SshSettings.class).orElseGet(SshSettings::defaults);
        inventory = environment.inventory();
        pinnedHosts = loaded.policy() == SshSettings.HostKeyPolicy.TOFU
                ? Optional.of(environment.dataDirectory().resolve(PINNED_HOSTS_FILE))
                : Optional.empty();
        settings = loaded;
    }

    /**
     * Runs the work where {@code config} says (its command is only used for the plan), or plans it on a dry
     * run; {@code plan} describes the work for dry runs. {@code work} is asked once per target, so that each
     * target can get its own file names.
     */
    StepResult execute(StepContext context, SshExecConfig config, Supplier<Work> work, String plan) throws Exception {
        return execute(context, config, plan, (connection, target, targetContext) ->
                runOn(connection, target, work.get(), targetContext));
    }

    /** What to do on one target over the run's connection to it, holding one of its channel slots. */
    interface TargetAction {
        StepResult run(SshConnection connection, SshTarget target, StepContext context) throws StepFailedException;
    }

    /** Runs {@code action} where {@code config} says (one host or a fleet), or plans it on a dry run. */
    StepResult execute(StepContext context, SshExecConfig config, String plan, TargetAction action) throws Exception {
        SshSettings currentSettings = settings;
        if (currentSettings == null) {
            throw new IllegalStateException("SSH step used before start(PluginEnvironment)");
        }
        if (config.fansOut()) {
            return SshFanOut.run(context, config, inventory, currentSettings, plan,
                    (target, targetContext) -> runAction(target, action, targetContext, currentSettings));
        }
        SshTarget target = SshTarget.resolve(config, inventory, currentSettings);
        if (context.dryRun()) {
            // A dry run must change nothing, and connecting is already visible to the host: plan only.
            context.output().info("dry run: would run on " + target.display() + " as " + target.user() + ": " + plan);
            return StepResult.succeeded("");
        }
        return runAction(target, action, context, currentSettings);
    }

    private StepResult runAction(SshTarget target, TargetAction action, StepContext context,
                                 SshSettings currentSettings) throws StepFailedException {
        SshConnection connection = connection(target, context, currentSettings);
        // One slot covers the command and its cleanup: the cleanup's channel opens after the command's closed.
        try (ChannelLimit.Permit ignored = connection.channelPermit(context)) {
            return action.run(connection, target, context);
        }
    }

    /** Runs the work on one target over the run's shared connection to it. */
    private static StepResult runOn(SshConnection connection, SshTarget target, Work work, StepContext context)
            throws StepFailedException {
        StepResult result = RemoteCommand.run(connection.session(context), target, work.command(), work.stdin(),
                context);
        if (result.exitCode() == null) {
            Optional<java.time.Duration> silence = connection.silentDrop();
            if (silence.isPresent()) {
                result = result.withMessage(SshErrors.noAnswer(target, silence.get(), connection.keepalives()));
            }
        }
        if (result.exitCode() == null && work.cleanupCommand().isPresent()) {
            // Stopped (timeout, cancel) or lost: the command's own cleanup may not have run.
            RemoteCleanup.run(connection, target, work.cleanupCommand().get(), context);
        }
        return result;
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
                (jump, context) -> connection(jump, context, currentSettings).session(context),
                currentSettings.maxChannelsPerHost(), currentSettings.serverAliveInterval(),
                currentSettings.serverAliveCountMax());
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
