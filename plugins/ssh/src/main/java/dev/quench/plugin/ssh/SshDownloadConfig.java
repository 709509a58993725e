package dev.quench.plugin.ssh;

import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import java.time.Duration;

/**
 * The {@code with:} block of an {@code ssh.download} step: one file from one host to the Quench host, over SFTP.
 *
 * @param source      the path on the host (relative: to the login user's home directory)
 * @param destination the local path on the Quench host; replaced atomically
 * @param maxBytes    the largest file accepted; null means {@value #DEFAULT_MAX_BYTES}
 */
@StepDoc(summary = """
        One file from one host to the Quench host, over SFTP, replaced atomically \
        ([ssh.md](ssh.md#sshupload-and-sshdownload-files-over-sftp)). The login fields are given as for `ssh.exec`.""",
        example = """
                - id: fetch_log
                  uses: ssh.download
                  with:
                    host: ${{ alert.labels.instance }}
                    source: /var/log/app/app.log
                    destination: /var/lib/quench/evidence/app.log
                """)
public record SshDownloadConfig(
        @Required(example = "host: web-7")
        @StepField(description = "an inventory name (`web-7`) or an address; one host, no fan-out") String host,
        @StepField(description = SshFieldDocs.PORT, whenAbsent = SshFieldDocs.PORT_ABSENT) Integer port,
        @StepField(description = SshFieldDocs.USER, whenAbsent = SshFieldDocs.USER_ABSENT) String user,
        @StepField(description = SshFieldDocs.IDENTITY, whenAbsent = SshFieldDocs.IDENTITY_ABSENT) String identity,
        @StepField(description = SshFieldDocs.JUMP, whenAbsent = SshFieldDocs.JUMP_ABSENT) String jump,
        @StepField(description = SshFieldDocs.PASSPHRASE) String passphrase,
        @StepField(description = SshFieldDocs.PRIVATE_KEY) String privateKey,
        @StepField(description = SshFieldDocs.CONNECT_TIMEOUT, whenAbsent = SshFieldDocs.CONNECT_TIMEOUT_ABSENT)
        Duration connectTimeout,
        @Required(example = "source: /var/log/app/app.log")
        @StepField(description = "the path on the host (relative: to the login user's home)") String source,
        @Required(example = "destination: /var/lib/quench/app.log")
        @StepField(description = "the local path on the Quench host") String destination,
        @StepField(description = "the largest file accepted, in bytes", defaultValue = "67108864") Long maxBytes) {

    /** 64 MiB: logs and configs fit; disk images do not belong in a runbook step. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    public SshDownloadConfig {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("source is required: the path of the file on the host");
        }
        if (destination == null || destination.isBlank()) {
            throw new IllegalArgumentException("destination is required: where to write the file on the Quench host");
        }
        source = source.strip();
        destination = destination.strip();
        if (maxBytes == null) {
            maxBytes = DEFAULT_MAX_BYTES;
        } else if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be 0 or more, got " + maxBytes);
        }
        // The parameters, not the fields: a compact constructor assigns the fields only after its body.
        SshExecConfig.builder().host(host).port(port).user(user).identity(identity).command("true")
                .connectTimeout(connectTimeout).jump(jump).passphrase(passphrase).privateKey(privateKey).build();
    }

    /** The placement as a single-host {@code ssh.exec} step (checks it too). */
    SshExecConfig placement() {
        return SshExecConfig.builder().host(host).port(port).user(user).identity(identity).command("true")
                .connectTimeout(connectTimeout).jump(jump).passphrase(passphrase).privateKey(privateKey).build();
    }

    /** Like the record's, but the passphrase and the key are never shown. */
    @Override
    public String toString() {
        return "SshDownloadConfig[" + placement().toString().replaceFirst("^SshExecConfig\\[", "")
                .replaceFirst("]$", "") + ", source=" + source + ", destination=" + destination + ", maxBytes="
                + maxBytes + "]";
    }
}
