package dev.quench.plugin.ssh;

import dev.quench.api.ShellCommand;

import java.time.Duration;

/**
 * The {@code with:} block of an {@code ssh.exec} step. Unset optional parts fall back to the
 * inventory host, then to the {@code ssh:} settings, then to defaults (see {@link SshTarget}).
 *
 * @param host           an inventory name ({@code web-7}) or an address; required
 * @param port           SSH port, or null
 * @param user           login user, or null
 * @param identity       private key file, or null
 * @param command        the command the remote login shell runs; required
 * @param sudo           run the command through {@code sudo -n -- sh -c '...'}; null means false
 * @param connectTimeout how long connecting (TCP, key exchange, login) may take, or null
 */
public record SshExecConfig(String host, Integer port, String user, String identity,
                            @ShellCommand String command, Boolean sudo, Duration connectTimeout) {

    public SshExecConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required: an inventory name or an address");
        }
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command is required: the shell command to run on the host");
        }
        host = host.strip();
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
    }

    /** A step with only the required parts, the rest taken from the inventory and settings. */
    public static SshExecConfig of(String host, String command) {
        return new SshExecConfig(host, null, null, null, command, null, null);
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
        return useSudo() ? "sudo -n -- sh -c " + singleQuoted(command) : command;
    }

    /** {@code value} as one POSIX shell word: single quotes, each {@code '} written as {@code '\''}. */
    static String singleQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
