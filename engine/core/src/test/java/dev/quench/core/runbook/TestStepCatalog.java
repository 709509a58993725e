package dev.quench.core.runbook;

import dev.quench.api.ShellCommand;
import dev.quench.api.Url;
import dev.quench.core.plugin.StepCatalog;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A step catalog with two fake step configurations, like the real ssh.exec and http.request. */
public final class TestStepCatalog implements StepCatalog {

    /** Like ssh.exec / shell.exec: a host and a shell command. */
    public record ExecConfig(String host, Integer port, String user, @ShellCommand String command, Boolean sudo) {
    }

    /** Like http.request. */
    public record HttpConfig(String method, @Url String url, Map<String, String> headers, Object json, String body) {
    }

    private static final Map<String, Class<? extends Record>> TYPES = Map.of(
            "ssh.exec", ExecConfig.class,
            "shell.exec", ExecConfig.class,
            "http.request", HttpConfig.class);

    @Override
    public Set<String> types() {
        return TYPES.keySet();
    }

    @Override
    public Optional<Class<? extends Record>> configType(String type) {
        return Optional.ofNullable(TYPES.get(type));
    }
}
