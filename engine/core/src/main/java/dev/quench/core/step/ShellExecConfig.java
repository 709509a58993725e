package dev.quench.core.step;

import dev.quench.api.Required;
import dev.quench.api.ShellCommand;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import java.util.Map;

/**
 * Configuration of {@code shell.exec}: a command run locally by {@code /bin/sh -c}.
 *
 * @param command   the command (expression values inserted into it are shell-quoted)
 * @param directory working directory, else the engine's
 * @param env       extra environment variables
 */
@StepDoc(summary = "A command run on the Quench host by `/bin/sh -c`, as the user Quench runs as. On timeout or "
        + "cancellation the command and every process it started are killed.",
        example = """
                - id: rotate
                  uses: shell.exec
                  with:
                    command: logrotate --force /etc/logrotate.d/app
                    directory: /var/log/app
                    env: {LANG: C}
                """)
public record ShellExecConfig(
        @Required(example = "command: systemctl restart nginx")
        @StepField(description = "the command; `${{ }}` values inserted into it are shell-quoted as one word")
        @ShellCommand String command,
        @StepField(description = "working directory", whenAbsent = "the engine's working directory") String directory,
        @StepField(description = "extra environment variables, `{NAME: value}`", whenAbsent = "none")
        Map<String, String> env) {

    public ShellExecConfig {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command is required: the shell command to run locally");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
