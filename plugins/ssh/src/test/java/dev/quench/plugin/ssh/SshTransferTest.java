package dev.quench.plugin.ssh;

import dev.quench.api.InventoryHost;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestKeys;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ssh.upload} and {@code ssh.download} against MINA SSHD's SFTP subsystem, rooted in a temp directory. */
class SshTransferTest {

    @TempDir
    Path directory;
    private Path remote;
    private SshServer server;
    private SshUploadStep upload;
    private SshDownloadStep download;
    private TestRunResources run;

    @BeforeEach
    void setUp() throws Exception {
        KeyPair hostKey = TestKeys.ecdsa();
        KeyPair clientKey = TestKeys.ecdsa();
        remote = Files.createDirectories(directory.resolve("remote"));
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> key.equals(clientKey.getPublic()));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(remote));
        server.start();
        Path knownHosts = Files.writeString(directory.resolve("known_hosts"), "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
        Path identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
        SshSettings settings = new SshSettings(knownHosts.toString(), "strict", identity.toString(), "quench",
                server.getPort(), null);
        upload = new SshUploadStep();
        // Two inventory names for the same server: a fleet of two targets.
        upload.start(TestPluginEnvironment.builder().settings("ssh", settings).hosts(List.of(
                        new InventoryHost("web-1", "127.0.0.1", server.getPort(), null, null, Map.of("role", "web")),
                        new InventoryHost("web-2", "127.0.0.1", server.getPort(), null, null, Map.of("role", "web"))))
                .dataDirectory(directory.resolve("d")).build());
        download = new SshDownloadStep();
        download.start(TestPluginEnvironment.builder().settings("ssh", settings).dataDirectory(directory.resolve("d")).build());
        run = new TestRunResources();
    }

    @AfterEach
    void tearDown() throws Exception {
        run.close();
        upload.close();
        download.close();
        server.stop(true);
    }

    @Test
    void uploadReplacesTheDestinationAtomicallyWithTheModeAndLeavesNoTemporaryFile() throws Exception {
        Path config = Files.createDirectories(remote.resolve("etc")).resolve("app.conf");
        Files.writeString(config, "old\n");

        StepResult result = upload.execute(StepTestContext.of(run), uploadConfig(null, "port = 8080\n", "etc/app.conf",
                "0640"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.outputs()).containsEntry("bytes", 12L);
        assertThat(Files.readString(config)).isEqualTo("port = 8080\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-r-----");
        try (Stream<Path> files = Files.list(config.getParent())) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("app.conf");
        }
    }

    @Test
    void uploadOfALocalFileAndItsFailuresNameHostAndPath() throws Exception {
        Path local = Files.writeString(directory.resolve("release.txt"), "v2\n");
        upload.execute(StepTestContext.of(run), uploadConfig(local.toString(), null, "release.txt", null));
        assertThat(Files.readString(remote.resolve("release.txt"))).isEqualTo("v2\n");

        String display = "127.0.0.1 (127.0.0.1:" + server.getPort() + ")";
        assertThatThrownBy(() -> upload.execute(StepTestContext.of(run),
                uploadConfig(local.toString(), null, "missing/dir/release.txt", null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display + ": upload to missing/dir/release.txt failed: no such file or "
                        + "directory: missing/dir/release.txt. The destination was not changed.");
        assertThatThrownBy(() -> upload.execute(StepTestContext.of(run),
                uploadConfig(directory.resolve("nope").toString(), null, "x", null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display + ": cannot read what to upload to x (")
                .hasMessageEndingWith("Nothing was changed on the host.");
        assertThat(remote.resolve("x")).doesNotExist();
        assertThatThrownBy(() -> uploadConfig(null, "x", "dir/", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends with '/'");
        assertThatThrownBy(() -> uploadConfig(null, "x", "f", "rw-r--r--"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("mode 'rw-r--r--' is not octal");
    }

    @Test
    void uploadFansOutOverAFleetWithOneResultPerTarget() throws Exception {
        StepResult result = upload.execute(StepTestContext.of(run), new SshUploadConfig(null, null, null, null, null,
                "role=web", 2, null, null, null, null, null, null, null, "fleet\n", "motd", null));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.outputs()).containsEntry("succeeded", 2L).containsEntry("failed", 0L);
        assertThat(Files.readString(remote.resolve("motd"))).isEqualTo("fleet\n");
    }

    @Test
    void downloadWritesTheLocalFileAndRefusesMissingAndOversizedFiles() throws Exception {
        Files.writeString(remote.resolve("app.log"), "line 1\nline 2\n");
        Path local = directory.resolve("app.log");

        StepResult result = download.execute(StepTestContext.of(run), downloadConfig("app.log", local, null));

        assertThat(Files.readString(local)).isEqualTo("line 1\nline 2\n");
        assertThat(result.outputs()).containsEntry("bytes", 14L).containsEntry("path", local.toString());
        String display = "127.0.0.1 (127.0.0.1:" + server.getPort() + ")";
        assertThatThrownBy(() -> download.execute(StepTestContext.of(run), downloadConfig("app.log", local, 5L)))
                .isInstanceOf(StepFailedException.class)
                .hasMessage(display + ": app.log has 14 bytes, more than maxBytes (5). Raise maxBytes if that is "
                        + "expected. Nothing was downloaded.");
        assertThatThrownBy(() -> download.execute(StepTestContext.of(run), downloadConfig("gone.log", local, null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display + ": download of gone.log failed: no such file or directory: gone.log");
        assertThat(Files.readString(local)).as("the earlier download is untouched").isEqualTo("line 1\nline 2\n");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    private SshUploadConfig uploadConfig(String source, String content, String destination, String mode) {
        return new SshUploadConfig("127.0.0.1", null, null, null, null, null, null, null, null, null, null, null, null,
                source, content, destination, mode);
    }

    private SshDownloadConfig downloadConfig(String source, Path destination, Long maxBytes) {
        return new SshDownloadConfig("127.0.0.1", null, null, null, null, null, null, null, source,
                destination.toString(), maxBytes);
    }
}
