package dev.quench.plugin.ssh;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;

import java.util.Map;

/**
 * The {@code ssh.download} step: one file from one host to the Quench host, over SFTP on the run's SSH
 * connection, size-capped, replacing the local destination atomically ({@link SftpFiles}). Thread-safe.
 */
public final class SshDownloadStep implements StepPlugin<SshDownloadConfig> {

    private final SshSessions sessions = new SshSessions();

    @Override
    public String type() {
        return "ssh.download";
    }

    @Override
    public Class<SshDownloadConfig> configType() {
        return SshDownloadConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) {
        sessions.start(environment);
    }

    @Override
    public StepResult execute(StepContext context, SshDownloadConfig config) throws Exception {
        String plan = "download " + config.source() + " to " + config.destination() + " (at most " + config.maxBytes()
                + " bytes)";
        return sessions.execute(context, config.placement(), plan, (connection, target, targetContext) -> {
            long bytes = SftpFiles.download(connection.session(targetContext), target, config.source(),
                    HomePaths.expand(config.destination()), config.maxBytes(), targetContext);
            return StepResult.succeeded("").withOutputs(Map.of("bytes", bytes, "path",
                    HomePaths.expand(config.destination()).toAbsolutePath().toString()));
        });
    }

    /** Closes the sessions of runs that are still going; the engine stops. */
    @Override
    public void close() {
        sessions.close();
    }
}
