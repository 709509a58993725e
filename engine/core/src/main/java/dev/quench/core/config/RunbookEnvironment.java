package dev.quench.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What runbooks may read from outside: the environment variables listed under {@code env:} in
 * {@code quench.yaml} (as {@code ${{ env.NAME }}}) and the named secrets under {@code secrets:}
 * (as {@code ${{ secrets.name }}}). Nothing else of the engine's environment reaches a runbook:
 * the process environment holds the engine's own credentials. Immutable.
 *
 * <pre>
 * env: [PAGER_URL, DEPLOY_ENV]
 * secrets:
 *   slack_webhook: {env: QUENCH_SLACK_WEBHOOK}
 *   deploy_key_passphrase: {file: /etc/quench/deploy-key.pass}
 * </pre>
 *
 * @param env     the readable environment variables that are set, by name
 * @param secrets the secret values, by name (never logged; masked wherever a run is recorded)
 * @param unset   listed environment variables that are not set, so errors can say so
 */
public record RunbookEnvironment(Map<String, String> env, Map<String, String> secrets, List<String> unset) {

    /** A secret shorter than this could not be masked in output without masking ordinary text. */
    public static final int MIN_SECRET_LENGTH = 4;

    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public RunbookEnvironment {
        env = Map.copyOf(env);
        secrets = Map.copyOf(secrets);
        unset = List.copyOf(unset);
    }

    /** Nothing readable: no variables, no secrets. */
    public static RunbookEnvironment none() {
        return new RunbookEnvironment(Map.of(), Map.of(), List.of());
    }

    /** Canned values, for runbook tests. */
    public static RunbookEnvironment of(Map<String, String> env, Map<String, String> secrets) {
        return new RunbookEnvironment(env, secrets, List.of());
    }

    /**
     * Reads the {@code env:} and {@code secrets:} sections of {@code config}, reading every secret
     * now so that a missing one stops the start rather than a run at 3 a.m.
     *
     * @throws ConfigException naming the setting and what is wrong
     */
    public static RunbookEnvironment read(QuenchConfig config, Map<String, String> processEnvironment) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(processEnvironment, "processEnvironment");
        Map<String, String> env = new LinkedHashMap<>();
        List<String> unset = new ArrayList<>();
        JsonNode envSection = config.sections().get("env");
        if (envSection != null && !envSection.isNull()) {
            if (!envSection.isArray()) {
                throw new ConfigException("env: must be a list of environment variable names runbooks may read, "
                        + "e.g. env: [PAGER_URL]");
            }
            for (JsonNode name : envSection) {
                if (!name.isTextual() || name.asText().isBlank()) {
                    throw new ConfigException("env: every entry must be a variable name, found " + name);
                }
                String value = processEnvironment.get(name.asText());
                if (value == null) {
                    unset.add(name.asText());
                } else {
                    env.put(name.asText(), value);
                }
            }
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        JsonNode secretsSection = config.sections().get("secrets");
        if (secretsSection != null && !secretsSection.isNull()) {
            if (!secretsSection.isObject()) {
                throw new ConfigException("secrets: must map names to {file: PATH} or {env: VARIABLE}");
            }
            secretsSection.properties().forEach(entry -> {
                String name = entry.getKey();
                String where = "secrets." + name;
                if (!SECRET_NAME.matcher(name).matches()) {
                    throw new ConfigException(where + ": a secret name is letters, digits and _ starting with a letter, "
                            + "so that runbooks can write ${{ secrets." + name.replaceAll("[^A-Za-z0-9_]", "_") + " }}");
                }
                secrets.put(name, secret(where, config.section("secrets").child(name), entry.getValue())
                        .read(processEnvironment));
                if (secrets.get(name).length() < MIN_SECRET_LENGTH) {
                    throw new ConfigException(where + " is shorter than " + MIN_SECRET_LENGTH
                            + " characters: too short to be masked in recorded output; use a real secret");
                }
            });
        }
        return new RunbookEnvironment(env, secrets, unset);
    }

    /** Where one secret is read from: {@code {file: PATH}} or {@code {env: VARIABLE}}. */
    record SecretKeys(String file, String env) {
    }

    private static Secret secret(String where, ConfigSection section, JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(where + ": give {file: PATH} or {env: VARIABLE}, found " + node);
        }
        section.bind(SecretKeys.class);
        Path file = node.hasNonNull("file") ? Path.of(node.get("file").asText()) : null;
        String env = node.hasNonNull("env") ? node.get("env").asText() : null;
        return new Secret(where, file, env);
    }
}
