package dev.quench.plugin.ssh;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;

/**
 * The {@code ssh.exec} step: runs a shell command on a host over SSH and returns its exit code and
 * output. Host keys are always verified (known_hosts, or pinned on first use with
 * {@code hostKeyPolicy: tofu}); the steps of one run share one SSH session per host and user.
 * With {@code hosts:} or {@code selector:} one step fans out over a fleet ({@link SshFanOut});
 * with {@code jump:} it goes through a jump host. Thread-safe.
 */
public final class SshExecStep implements StepPlugin<SshExecConfig> {

    /** Where pinned host keys live, under the plugin's data directory. */
    static final String PINNED_HOSTS_FILE = SshSessions.PINNED_HOSTS_FILE;

    private final SshSessions sessions = new SshSessions();

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
        sessions.start(environment);
    }

    @Override
    public StepResult execute(StepContext context, SshExecConfig config) throws Exception {
        String command = config.remoteCommand();
        SshSessions.Work work = SshSessions.Work.command(command);
        return sessions.execute(context, config, () -> work, command);
    }

    /** Closes the sessions of runs that are still going; the engine stops. */
    @Override
    public void close() {
        sessions.close();
    }
}
