package dev.quench.plugin.ssh;

import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code with:} block of an {@code ssh.upload} step: a local file or a text to a path on one host or a
 * fleet, over SFTP. Placement fields (host, hosts, selector, concurrency, jump, keys) as in {@link SshExecConfig}.
 *
 * @param source      a file on the Quench host to upload (absolute, or relative to Quench's working directory)
 * @param content     text to upload instead of a file
 * @param destination the path on the host (relative: to the login user's home directory); replaced atomically
 * @param mode        octal permissions for the uploaded file ({@code "0644"}); null: the server's default
 */
@StepDoc(summary = """
        A local file or a text to a path on one host or a fleet, over SFTP, replaced atomically; `source` or \
        `content`, exactly one ([ssh.md](ssh.md#sshupload-and-sshdownload-files-over-sftp)). Where it goes and \
        the login fields are given as for `ssh.exec`.""",
        example = """
                - id: config
                  uses: ssh.upload
                  with:
                    hosts: [web-7, web-8]
                    source: /etc/quench/files/app.conf
                    destination: /etc/app/app.conf
                    mode: "0644"
                """)
public record SshUploadConfig(
        @Required(or = {"hosts", "selector"}, example = "host: web-7")
        @StepField(description = SshFieldDocs.HOST) String host,
        @StepField(description = SshFieldDocs.PORT, whenAbsent = SshFieldDocs.PORT_ABSENT) Integer port,
        @StepField(description = SshFieldDocs.USER, whenAbsent = SshFieldDocs.USER_ABSENT) String user,
        @StepField(description = SshFieldDocs.IDENTITY, whenAbsent = SshFieldDocs.IDENTITY_ABSENT) String identity,
        @StepField(description = SshFieldDocs.HOSTS) List<String> hosts,
        @StepField(description = SshFieldDocs.SELECTOR) String selector,
        @StepField(description = SshFieldDocs.CONCURRENCY, defaultValue = "10") Integer concurrency,
        @StepField(description = SshFieldDocs.MAX_ERRORS, defaultValue = "0") String maxErrors,
        @StepField(description = SshFieldDocs.CANARY, whenAbsent = SshFieldDocs.NONE) Integer canary,
        @StepField(description = SshFieldDocs.JUMP, whenAbsent = SshFieldDocs.JUMP_ABSENT) String jump,
        @StepField(description = SshFieldDocs.PASSPHRASE) String passphrase,
        @StepField(description = SshFieldDocs.PRIVATE_KEY) String privateKey,
        @StepField(description = SshFieldDocs.CONNECT_TIMEOUT, whenAbsent = SshFieldDocs.CONNECT_TIMEOUT_ABSENT)
        Duration connectTimeout,
        @Required(or = "content", example = "source: /etc/quench/files/app.conf")
        @StepField(description = "a file on the Quench host (absolute, or relative to Quench's working directory)")
        String source,
        @StepField(description = "text to upload instead, at most 1 MiB") String content,
        @Required(example = "destination: /etc/app/app.conf")
        @StepField(description = "the path on the host (relative: to the login user's home); must not end with `/`")
        String destination,
        @StepField(description = "octal permissions with a leading 0, like `\"0644\"` (quote it)",
                whenAbsent = "the server's default") String mode) {

    /** The largest {@code content} text; bigger files belong in {@code source}. */
    static final int MAX_CONTENT_BYTES = 1024 * 1024;

    private static final Pattern MODE = Pattern.compile("0[0-7]{3}");

    public SshUploadConfig {
        boolean hasSource = source != null && !source.isBlank();
        if (hasSource == (content != null)) {
            throw new IllegalArgumentException(hasSource
                    ? "give only one of source (a file on the Quench host) and content (the text to upload)"
                    : "source is required: a file on the Quench host to upload (or content: the text itself)");
        }
        source = hasSource ? source.strip() : null;
        if (destination == null || destination.isBlank()) {
            throw new IllegalArgumentException("destination is required: the path of the file on the host");
        }
        destination = destination.strip();
        if (destination.endsWith("/")) {
            throw new IllegalArgumentException("destination '" + destination + "' ends with '/': give the file's "
                    + "full path, directory and name");
        }
        if (mode != null && !MODE.matcher(mode.strip()).matches()) {
            throw new IllegalArgumentException("mode '" + mode + "' is not octal permissions with a leading 0, such as "
                    + "\"0644\" or \"0755\" (quote it in YAML, or it is read as a number)");
        }
        mode = mode == null ? null : mode.strip();
        if (content != null && content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES) {
            throw new IllegalArgumentException("content has more than " + MAX_CONTENT_BYTES + " bytes: put it in a "
                    + "file and give source instead");
        }
        // The parameters, not the fields: a compact constructor assigns the fields only after its body.
        SshExecConfig.builder().host(host).port(port).user(user).identity(identity).command("true")
                .connectTimeout(connectTimeout).hosts(hosts).selector(selector).concurrency(concurrency)
                .maxErrors(maxErrors).canary(canary).jump(jump).passphrase(passphrase).privateKey(privateKey).build();
    }

    /** The placement as an {@code ssh.exec} step (checks it too). */
    SshExecConfig placement() {
        return SshExecConfig.builder().host(host).port(port).user(user).identity(identity).command("true")
                .connectTimeout(connectTimeout).hosts(hosts).selector(selector).concurrency(concurrency)
                .maxErrors(maxErrors).canary(canary).jump(jump).passphrase(passphrase).privateKey(privateKey).build();
    }

    /** The mode as a number, or null. */
    Integer modeBits() {
        return mode == null ? null : Integer.parseInt(mode, 8);
    }

    /** Like the record's, but the passphrase, the key and the content are never shown. */
    @Override
    public String toString() {
        return "SshUploadConfig[" + placement().toString().replaceFirst("^SshExecConfig\\[", "")
                .replaceFirst("]$", "") + ", source=" + source + ", content="
                + (content == null ? null : content.length() + " chars") + ", destination=" + destination
                + ", mode=" + mode + "]";
    }
}
