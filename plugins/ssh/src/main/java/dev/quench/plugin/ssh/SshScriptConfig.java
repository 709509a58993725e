package dev.quench.plugin.ssh;

import dev.quench.api.Required;
import dev.quench.api.ShellCommand;
import dev.quench.api.ShellQuote;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code with:} block of an {@code ssh.script} step: a script ({@code script:} text or a local
 * {@code file:}) uploaded to the host and run by {@code interpreter} with {@code args}. Where it runs
 * (host, fleet, jump host), as whom, with sudo and env, is given exactly as for {@code ssh.exec}
 * ({@link SshExecConfig}).
 *
 * @param script      the script text; {@code ${{ }}} values in it are shell-quoted as in ssh.exec commands
 * @param file        a script file on the Quench host instead (absolute, or relative to Quench's working directory)
 * @param args        arguments, each passed as one word exactly as given (Quench quotes them); null means none
 * @param interpreter the program that runs the script, with its options ({@code /bin/bash -e},
 *                    {@code /usr/bin/env python3}); null means {@value #DEFAULT_INTERPRETER}
 * @param passphrase  the passphrase of the private key, as in ssh.exec; never shown
 * @param privateKey  the private key itself, from a secret, as in ssh.exec; never shown
 */
@StepDoc(summary = """
        A script uploaded to the host(s) and run there by `interpreter` with `args`; `script` or `file`, exactly \
        one. Where it runs and as whom (`host`, `hosts`, `selector`, `sudo`, `env`, `jump`, the login fields) is \
        given as for `ssh.exec`. The temporary file and its cleanup: \
        [ssh.md](ssh.md#sshscript-upload-a-script-and-run-it).""",
        example = """
                - id: collect
                  uses: ssh.script
                  with:
                    host: ${{ alert.labels.instance }}
                    interpreter: /bin/bash -e
                    args: ["${{ alert.labels.mountpoint }}"]
                    script: |
                      du -sh "$1"/* | sort -h | tail -5
                """)
public record SshScriptConfig(
        @Required(or = {"hosts", "selector"}, example = "host: web-7")
        @StepField(description = SshFieldDocs.HOST) String host,
        @StepField(description = SshFieldDocs.PORT, whenAbsent = SshFieldDocs.PORT_ABSENT) Integer port,
        @StepField(description = SshFieldDocs.USER, whenAbsent = SshFieldDocs.USER_ABSENT) String user,
        @StepField(description = SshFieldDocs.IDENTITY, whenAbsent = SshFieldDocs.IDENTITY_ABSENT) String identity,
        @Required(or = "file", example = "script: |")
        @StepField(description = "the script text; `${{ }}` values in it are shell-quoted as in `ssh.exec` commands")
        @ShellCommand String script,
        @StepField(description = "a script file on the Quench host instead (absolute, or relative to Quench's "
                + "working directory)") String file,
        @StepField(description = "arguments, each passed as one word exactly as given", whenAbsent = SshFieldDocs.NONE)
        List<String> args,
        @StepField(description = "the program that runs the script, with its options (`/bin/bash -e`, "
                + "`/usr/bin/env python3`)", defaultValue = SshScriptConfig.DEFAULT_INTERPRETER) String interpreter,
        @StepField(description = SshFieldDocs.SUDO, defaultValue = "false") Boolean sudo,
        @StepField(description = SshFieldDocs.ENV, whenAbsent = SshFieldDocs.NONE) Map<String, String> env,
        @StepField(description = SshFieldDocs.CONNECT_TIMEOUT, whenAbsent = SshFieldDocs.CONNECT_TIMEOUT_ABSENT)
        Duration connectTimeout,
        @StepField(description = SshFieldDocs.HOSTS) List<String> hosts,
        @StepField(description = SshFieldDocs.SELECTOR) String selector,
        @StepField(description = SshFieldDocs.CONCURRENCY, defaultValue = "10") Integer concurrency,
        @StepField(description = SshFieldDocs.MAX_ERRORS, defaultValue = "0") String maxErrors,
        @StepField(description = SshFieldDocs.CANARY, whenAbsent = SshFieldDocs.NONE) Integer canary,
        @StepField(description = SshFieldDocs.JUMP, whenAbsent = SshFieldDocs.JUMP_ABSENT) String jump,
        @StepField(description = SshFieldDocs.PASSPHRASE) String passphrase,
        @StepField(description = SshFieldDocs.PRIVATE_KEY) String privateKey) {

    /** The interpreter when the step does not name one. */
    public static final String DEFAULT_INTERPRETER = "/bin/sh";

    public SshScriptConfig {
        boolean hasScript = script != null && !script.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasScript == hasFile) {
            throw new IllegalArgumentException(hasScript
                    ? "give only one of script and file"
                    : "script is required: the script text (or file: a script file on the Quench host)");
        }
        file = hasFile ? file.strip() : null;
        script = hasScript ? script : null;
        args = args == null ? List.of() : List.copyOf(args.stream().map(arg -> {
            if (arg == null) {
                throw new IllegalArgumentException("args has an empty entry: write \"\" for an empty argument");
            }
            return arg;
        }).toList());
        interpreter = interpreter == null || interpreter.isBlank() ? DEFAULT_INTERPRETER : interpreter.strip();
        // Checks the placement fields (host, hosts, selector, fan-out limits, jump, env) the way ssh.exec does.
        // (The parameters, not the fields: a compact constructor assigns the fields only after its body.)
        new SshExecConfig(host, port, user, identity, "true", sudo, connectTimeout, hosts, selector, concurrency,
                maxErrors, canary, jump, env, passphrase, privateKey);
    }

    /** A script step whose key comes from a file (or the inventory, or the settings). */
    public SshScriptConfig(String host, Integer port, String user, String identity, String script, String file,
                           List<String> args, String interpreter, Boolean sudo, Map<String, String> env,
                           Duration connectTimeout, List<String> hosts, String selector, Integer concurrency,
                           String maxErrors, Integer canary, String jump, String passphrase) {
        this(host, port, user, identity, script, file, args, interpreter, sudo, env, connectTimeout, hosts, selector,
                concurrency, maxErrors, canary, jump, passphrase, null);
    }

    /** A script on one host, the rest taken from the inventory and settings. */
    public static SshScriptConfig of(String host, String script, List<String> args) {
        return new SshScriptConfig(host, null, null, null, script, null, args, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** Like the record's, but the passphrase is never shown. */
    @Override
    public String toString() {
        return "SshScriptConfig[" + execConfig(script == null ? "file " + file : "script").toString()
                .replaceFirst("^SshExecConfig\\[", "") .replaceFirst("]$", "") + ", args=" + args + ", interpreter="
                + interpreter + "]";
    }

    /** The same placement as an {@code ssh.exec} step running {@code command}. */
    SshExecConfig execConfig(String command) {
        return new SshExecConfig(host, port, user, identity, command, sudo, connectTimeout, hosts, selector,
                concurrency, maxErrors, canary, jump, env, passphrase, privateKey);
    }

    /** The interpreter and the arguments after the script's path, each word shell-quoted. */
    String invocation(String scriptPath) {
        String program = Arrays.stream(interpreter.split("\\s+")).map(ShellQuote::quote)
                .collect(Collectors.joining(" "));
        String quotedArgs = args.stream().map(ShellQuote::quote).map(arg -> " " + arg)
                .collect(Collectors.joining());
        return program + " " + scriptPath + quotedArgs;
    }
}
