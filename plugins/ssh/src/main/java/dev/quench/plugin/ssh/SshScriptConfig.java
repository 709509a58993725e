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
        SshExecConfig.builder().host(host).port(port).user(user).identity(identity).command("true").sudo(sudo)
                .connectTimeout(connectTimeout).hosts(hosts).selector(selector).concurrency(concurrency)
                .maxErrors(maxErrors).canary(canary).jump(jump).env(env).passphrase(passphrase).privateKey(privateKey)
                .build();
    }

    /** A script on one host, the rest taken from the inventory and settings. */
    public static SshScriptConfig of(String host, String script, List<String> args) {
        return builder().host(host).script(script).args(args).build();
    }

    /** A builder with every part unset; {@link Builder#build()} checks them as the record does. */
    public static Builder builder() {
        return new Builder();
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
        return SshExecConfig.builder().host(host).port(port).user(user).identity(identity).command(command).sudo(sudo)
                .connectTimeout(connectTimeout).hosts(hosts).selector(selector).concurrency(concurrency)
                .maxErrors(maxErrors).canary(canary).jump(jump).env(env).passphrase(passphrase).privateKey(privateKey)
                .build();
    }

    /** The interpreter and the arguments after the script's path, each word shell-quoted. */
    String invocation(String scriptPath) {
        String program = Arrays.stream(interpreter.split("\\s+")).map(ShellQuote::quote)
                .collect(Collectors.joining(" "));
        String quotedArgs = args.stream().map(ShellQuote::quote).map(arg -> " " + arg)
                .collect(Collectors.joining());
        return program + " " + scriptPath + quotedArgs;
    }

    /**
     * Collects the parts of an {@link SshScriptConfig}, each named, instead of a constructor call with a
     * run of nulls. Every part starts unset (null), which means what the record's parameter says. Not
     * thread-safe.
     */
    public static final class Builder {
        private String host;
        private Integer port;
        private String user;
        private String identity;
        private String script;
        private String file;
        private List<String> args;
        private String interpreter;
        private Boolean sudo;
        private Map<String, String> env;
        private Duration connectTimeout;
        private List<String> hosts;
        private String selector;
        private Integer concurrency;
        private String maxErrors;
        private Integer canary;
        private String jump;
        private String passphrase;
        private String privateKey;

        private Builder() {
        }

        public Builder host(String newHost) {
            host = newHost;
            return this;
        }

        public Builder port(Integer newPort) {
            port = newPort;
            return this;
        }

        public Builder user(String newUser) {
            user = newUser;
            return this;
        }

        public Builder identity(String newIdentity) {
            identity = newIdentity;
            return this;
        }

        public Builder script(String newScript) {
            script = newScript;
            return this;
        }

        public Builder file(String newFile) {
            file = newFile;
            return this;
        }

        public Builder args(List<String> newArgs) {
            args = newArgs;
            return this;
        }

        public Builder interpreter(String newInterpreter) {
            interpreter = newInterpreter;
            return this;
        }

        public Builder sudo(Boolean newSudo) {
            sudo = newSudo;
            return this;
        }

        public Builder env(Map<String, String> newEnv) {
            env = newEnv;
            return this;
        }

        public Builder connectTimeout(Duration newConnectTimeout) {
            connectTimeout = newConnectTimeout;
            return this;
        }

        public Builder hosts(List<String> newHosts) {
            hosts = newHosts;
            return this;
        }

        public Builder selector(String newSelector) {
            selector = newSelector;
            return this;
        }

        public Builder concurrency(Integer newConcurrency) {
            concurrency = newConcurrency;
            return this;
        }

        public Builder maxErrors(String newMaxErrors) {
            maxErrors = newMaxErrors;
            return this;
        }

        public Builder canary(Integer newCanary) {
            canary = newCanary;
            return this;
        }

        public Builder jump(String newJump) {
            jump = newJump;
            return this;
        }

        public Builder passphrase(String newPassphrase) {
            passphrase = newPassphrase;
            return this;
        }

        public Builder privateKey(String newPrivateKey) {
            privateKey = newPrivateKey;
            return this;
        }

        /**
         * The step's configuration.
         *
         * @throws IllegalArgumentException what the record refuses (no script or file, both, a bad placement ...)
         */
        public SshScriptConfig build() {
            return new SshScriptConfig(host, port, user, identity, script, file, args, interpreter, sudo, env,
                    connectTimeout, hosts, selector, concurrency, maxErrors, canary, jump, passphrase, privateKey);
        }
    }
}
