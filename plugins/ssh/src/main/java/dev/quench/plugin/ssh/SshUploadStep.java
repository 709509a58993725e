package dev.quench.plugin.ssh;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * The {@code ssh.upload} step: a file (or text) to a path on a host or a fleet, over SFTP on the run's SSH
 * connection, replacing the destination atomically ({@link SftpFiles}). Thread-safe.
 */
public final class SshUploadStep implements StepPlugin<SshUploadConfig> {

    private final SshSessions sessions = new SshSessions();

    @Override
    public String type() {
        return "ssh.upload";
    }

    @Override
    public Class<SshUploadConfig> configType() {
        return SshUploadConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) {
        sessions.start(environment);
    }

    @Override
    public StepResult execute(StepContext context, SshUploadConfig config) throws Exception {
        SftpFiles.Source source = config.source() == null
                ? () -> new ByteArrayInputStream(config.content().getBytes(StandardCharsets.UTF_8))
                : () -> Files.newInputStream(HomePaths.expand(config.source()));
        String plan = "upload " + (config.source() == null ? "the step's content" : config.source()) + " to "
                + config.destination() + (config.mode() == null ? "" : " (mode " + config.mode() + ")");
        return sessions.execute(context, config.placement(), plan, (connection, target, targetContext) -> {
            long bytes = SftpFiles.upload(connection.session(targetContext), target, source, config.destination(),
                    config.modeBits(), targetContext);
            return StepResult.succeeded("").withOutputs(Map.of("bytes", bytes));
        });
    }

    /** Closes the sessions of runs that are still going; the engine stops. */
    @Override
    public void close() {
        sessions.close();
    }
}
