package dev.quench.plugin.ssh;

import java.nio.file.Path;

/** Expands {@code ~} in configured paths the way a shell would, since YAML values are not shell-expanded. */
final class HomePaths {

    private HomePaths() {
    }

    /** {@code path} with a leading {@code ~} or {@code ~/} replaced by the user's home directory. */
    static Path expand(String path) {
        if (path.equals("~")) {
            return home();
        }
        if (path.startsWith("~/")) {
            return home().resolve(path.substring(2));
        }
        return Path.of(path);
    }

    static Path home() {
        return Path.of(System.getProperty("user.home"));
    }
}
