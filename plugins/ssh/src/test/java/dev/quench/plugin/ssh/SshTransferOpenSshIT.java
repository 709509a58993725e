package dev.quench.plugin.ssh;

import dev.quench.testkit.OpenSshServer;

import dev.quench.api.StepFailedException;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ssh.upload} and {@code ssh.download} against Debian's OpenSSH with its SFTP subsystem. */
class SshTransferOpenSshIT {

    @TempDir
    Path directory;

    @Test
    void uploadReplacesAnExistingFileAtomicallyAndDownloadBringsItBack() throws Exception {
        Assumptions.assumeTrue(OpenSshServer.available(), "install openssh-server to run this test");
        Path serverDirectory = Files.createDirectories(directory.resolve("sshd"));
        try (OpenSshServer server = OpenSshServer.start(serverDirectory, false, List.of("Subsystem sftp internal-sftp"));
             SshUploadStep upload = new SshUploadStep();
             SshDownloadStep download = new SshDownloadStep();
             TestRunResources run = new TestRunResources()) {
            Path knownHosts = Files.writeString(directory.resolve("known_hosts"), server.knownHostsLine() + "\n");
            SshSettings settings = new SshSettings(knownHosts.toString(), null, server.clientKey().toString(), null,
                    server.port(), null);
            upload.start(TestPluginEnvironment.builder().settings("ssh", settings).dataDirectory(directory.resolve("d")).build());
            download.start(TestPluginEnvironment.builder().settings("ssh", settings).dataDirectory(directory.resolve("d")).build());
            Path target = Files.createDirectories(directory.resolve("srv")).resolve("app.conf");
            Files.writeString(target, "old\n");

            upload.execute(StepTestContext.of(run), new SshUploadConfig("127.0.0.1", null, null, null, null, null, null,
                    null, null, null, null, null, null, null, "new\n", target.toString(), "0600"));

            assertThat(Files.readString(target)).isEqualTo("new\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
            try (Stream<Path> files = Files.list(target.getParent())) {
                assertThat(files.map(path -> path.getFileName().toString())).containsExactly("app.conf");
            }
            Path local = directory.resolve("fetched.conf");
            download.execute(StepTestContext.of(run), new SshDownloadConfig("127.0.0.1", null, null, null, null, null,
                    null, null, target.toString(), local.toString(), null));
            assertThat(Files.readString(local)).isEqualTo("new\n");

            String missing = directory.resolve("no/such/dir/app.conf").toString();
            assertThatThrownBy(() -> upload.execute(StepTestContext.of(run), new SshUploadConfig("127.0.0.1", null,
                    null, null, null, null, null, null, null, null, null, null, null, null, "x", missing, null)))
                    .isInstanceOf(StepFailedException.class)
                    .hasMessage("127.0.0.1 (127.0.0.1:" + server.port() + "): upload to " + missing + " failed: no such "
                            + "file or directory: " + missing + ". The destination was not changed.");
        }
    }
}
