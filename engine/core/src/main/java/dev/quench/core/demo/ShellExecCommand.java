package dev.quench.core.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An SSH exec request of {@link LoopbackSshServer}: the command line runs as given by
 * {@code /bin/sh -c}, like OpenSSH runs it with the user's shell.
 */
final class ShellExecCommand implements Command {

    private final String commandLine;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Process process;

    ShellExecCommand(String commandLine) {
        this.commandLine = commandLine;
    }

    @Override
    public void setInputStream(InputStream in) {
        // Commands run with no input, like a remediation step.
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) throws IOException {
        process = new ProcessBuilder("/bin/sh", "-c", commandLine).start();
        process.getOutputStream().close();
        Thread.ofVirtual().start(() -> {
            int code = 255;
            try {
                Thread copyErr = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
                copy(process.getInputStream(), out);
                copyErr.join();
                code = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exit.onExit(code);
            }
        });
    }

    private static void copy(InputStream from, OutputStream to) {
        try (from) {
            from.transferTo(to);
            to.flush();
        } catch (IOException ignored) {
            // The channel closed under us: the client went away, nothing left to deliver.
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
