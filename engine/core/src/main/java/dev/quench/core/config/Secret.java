package dev.quench.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a secret comes from: a file (its content, trailing whitespace stripped) or an environment
 * variable. The value itself never sits in the config, so the config can be shared and logged.
 *
 * @param where a description for errors: {@code sources.grafana.auth.hmac.secretFile}
 * @param file  the file holding the secret, or null
 * @param env   the environment variable holding the secret, or null
 */
public record Secret(String where, Path file, String env) {

    public Secret {
        Objects.requireNonNull(where, "where");
        if ((file == null) == (env == null)) {
            throw new ConfigException(where + ": give exactly one of a file or an environment variable for the secret");
        }
    }

    /**
     * Reads the secret now.
     *
     * @throws ConfigException when the file cannot be read, the variable is unset, or the secret is empty
     */
    public String read(Map<String, String> environment) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(file).strip();
            } catch (IOException e) {
                throw new ConfigException(where + " " + file + " cannot be read: " + e.getMessage()
                        + "; create it (mode 600) or point the config at the right file", e);
            }
        } else {
            value = environment.get(env);
            if (value == null) {
                throw new ConfigException(where + ": environment variable " + env + " is not set");
            }
            value = value.strip();
        }
        if (value.isEmpty()) {
            throw new ConfigException(where + " is empty: an empty secret would accept anyone");
        }
        return value;
    }
}
