package dev.quench.core.step;

import dev.quench.api.ShellCommand;
import java.util.Map;

/**
 * Configuration of {@code shell.exec}: a command run locally by {@code /bin/sh -c}.
 *
 * @param command   the command (expression values inserted into it are shell-quoted)
 * @param directory working directory, else the engine's
 * @param env       extra environment variables
 */
public record ShellExecConfig(@ShellCommand String command, String directory, Map<String, String> env) {

    public ShellExecConfig {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command is required: the shell command to run locally");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
