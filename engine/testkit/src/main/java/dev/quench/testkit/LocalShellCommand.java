package dev.quench.testkit;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An exec request run as {@code /bin/sh -c command} on this machine, behaving like OpenSSH's:
 * a signal request stops the command and everything it started (OpenSSH uses killpg), and a
 * command that dies by a signal reports no exit status. MINA's own ProcessShellFactory ignores signals.
 */
final class LocalShellCommand implements Command {

    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exitCallback;
    private volatile Process process;
    private volatile boolean signalled;

    LocalShellCommand(String command) {
        this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
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
        this.exitCallback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        process = new ProcessBuilder("/bin/sh", "-c", command).start();
        env.addSignalListener((ignoredChannel, signal) -> {
            signalled = true;
            stopAll();
        });
        Thread.ofVirtual().start(() -> pump(in, process.getOutputStream()));
        Thread errPump = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), err));
        Thread.ofVirtual().start(() -> {
            pump(process.getInputStream(), out);
            try {
                errPump.join();
                int exitCode = process.waitFor();
                if (signalled) {
                    exitCallback.onExit(-1, "killed by signal", false);
                } else {
                    exitCallback.onExit(exitCode);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void stopAll() {
        Process current = process;
        if (current != null) {
            current.descendants().forEach(ProcessHandle::destroy);
            current.destroy();
        }
    }

    private static void pump(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try (from; to) {
            for (int read = from.read(buffer); read >= 0; read = from.read(buffer)) {
                to.write(buffer, 0, read);
                to.flush();
            }
        } catch (IOException ignored) {
            // The channel or the process went away; the exit callback reports the rest.
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        // sshd leaves a command running when its channel closes; here it is stopped anyway, so that a
        // failing test leaves no processes behind. Tests that check stopping look at the signal outcome.
        stopAll();
    }
}
