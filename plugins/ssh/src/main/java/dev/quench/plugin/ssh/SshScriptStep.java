package dev.quench.plugin.ssh;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code ssh.script} step: uploads a script and runs it with arguments on a host or a fleet, then
 * removes it, even when it fails or is stopped.
 *
 * <p>Upload: the script travels as the standard input of the same exec channel that runs it
 * ({@code cat > file}), not over SFTP. That works on every server that runs commands (MINA SSHD and
 * OpenSSH alike, with no {@code Subsystem sftp} needed), works with {@code sudo} (SFTP cannot write
 * as root), and costs no extra round trip. The file gets a random name in {@code $TMPDIR} (or /tmp),
 * is created mode 600 and refused if the name exists ({@code set -C}); a shell trap removes it when
 * the script ends, fails or is signalled, and if Quench had to stop the command it runs
 * {@code rm -f} on it itself. Thread-safe.
 */
public final class SshScriptStep implements StepPlugin<SshScriptConfig> {

    /** The largest script Quench uploads; a bigger one belongs in a package, not a runbook. */
    static final int MAX_SCRIPT_BYTES = 1024 * 1024;

    private final SshSessions sessions = new SshSessions();

    @Override
    public String type() {
        return "ssh.script";
    }

    @Override
    public Class<SshScriptConfig> configType() {
        return SshScriptConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) {
        sessions.start(environment);
    }

    @Override
    public StepResult execute(StepContext context, SshScriptConfig config) throws Exception {
        byte[] script = scriptBytes(config);
        SshExecConfig placement = config.execConfig("true");
        String plan = "upload a script of " + script.length + " bytes"
                + (config.file() == null ? "" : " from " + config.file()) + " and run " + config.invocation("<script>");
        return sessions.execute(context, placement, () -> work(config, script), plan);
    }

    /** One target's work: its own file name, so two targets on one machine never collide. */
    private static SshSessions.Work work(SshScriptConfig config, byte[] script) {
        // Random: unguessable, so nobody can plant a file or symlink under that name first.
        String path = "\"${TMPDIR:-/tmp}/quench-script-" + UUID.randomUUID() + "\"";
        String command = "umask 077; set -C; trap 'rm -f -- " + path + "' EXIT; "
                + "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; "
                + "cat > " + path + " && " + config.invocation(path);
        String cleanup = config.execConfig("rm -f -- " + path).remoteCommand();
        return new SshSessions.Work(config.execConfig(command).remoteCommand(), script, Optional.of(cleanup));
    }

    private static byte[] scriptBytes(SshScriptConfig config) throws StepFailedException {
        if (config.script() != null) {
            byte[] bytes = config.script().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_SCRIPT_BYTES) {
                throw tooLarge("the script text", bytes.length);
            }
            return bytes;
        }
        Path file = HomePaths.expand(config.file());
        try {
            long size = Files.size(file);
            if (size > MAX_SCRIPT_BYTES) {
                throw tooLarge("script file " + file, size);
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StepFailedException("cannot read script file " + file.toAbsolutePath() + " on the Quench host ("
                    + e + "). Check the path (relative paths start in " + Path.of("").toAbsolutePath()
                    + ") and that the Quench user may read it. Nothing was run.", e);
        }
    }

    private static StepFailedException tooLarge(String what, long size) {
        return new StepFailedException(what + " has " + size + " bytes; ssh.script uploads at most " + MAX_SCRIPT_BYTES
                + " bytes. Install larger programs on the hosts and run them with ssh.exec. Nothing was run.");
    }

    /** Closes the sessions of runs that are still going; the engine stops. */
    @Override
    public void close() {
        sessions.close();
    }
}
