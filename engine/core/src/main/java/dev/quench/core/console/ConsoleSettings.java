package dev.quench.core.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import java.time.Duration;
import java.util.Locale;

/**
 * The config's optional {@code console:} section. Immutable.
 *
 * @param enabled      whether {@code quench serve} serves the console at all (default true); off, every console
 *                     path answers the API's JSON 404 and only the API and webhooks are served
 * @param sessionTtl   how long a sign-in lasts, whatever the browser does meanwhile (default 12h, 5m-30d)
 * @param secureCookie when the session cookie is marked {@code Secure}: {@code auto} (default) when the request
 *                     came over TLS or through a proxy saying {@code X-Forwarded-Proto: https}, {@code always},
 *                     or {@code never}
 */
public record ConsoleSettings(boolean enabled, Duration sessionTtl, SecureCookie secureCookie) {

    private static final Duration SHORTEST_TTL = Duration.ofMinutes(5);
    private static final Duration LONGEST_TTL = Duration.ofDays(30);

    public static final ConsoleSettings DEFAULTS = new ConsoleSettings(true, Duration.ofHours(12), SecureCookie.AUTO);

    /** When the session cookie carries {@code Secure}. */
    public enum SecureCookie {
        AUTO, ALWAYS, NEVER;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Boolean enabled, Duration sessionTtl, String secureCookie) {
    }

    public ConsoleSettings {
        if (sessionTtl.compareTo(SHORTEST_TTL) < 0 || sessionTtl.compareTo(LONGEST_TTL) > 0) {
            throw new IllegalArgumentException("console.sessionTtl must be 5m-30d, was " + sessionTtl);
        }
    }

    /**
     * Binds the {@code console:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static ConsoleSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> new ConsoleSettings(
                keys.enabled() == null ? DEFAULTS.enabled() : keys.enabled(),
                ttl(section, keys.sessionTtl()),
                secureCookie(section, keys.secureCookie()))).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static ConsoleSettings from(JsonNode section) {
        return from(ConfigSection.of("console", section));
    }

    private static Duration ttl(ConfigSection section, Duration value) {
        if (value == null) {
            return DEFAULTS.sessionTtl();
        }
        if (value.compareTo(SHORTEST_TTL) < 0 || value.compareTo(LONGEST_TTL) > 0) {
            throw section.invalid("sessionTtl", "must be between 5m and 30d (write it like 12h or 7d), got "
                    + dev.quench.core.util.Durations.format(value));
        }
        return value;
    }

    private static SecureCookie secureCookie(ConfigSection section, String value) {
        if (value == null) {
            return DEFAULTS.secureCookie();
        }
        for (SecureCookie choice : SecureCookie.values()) {
            if (choice.wireName().equals(value)) {
                return choice;
            }
        }
        throw section.invalid("secureCookie", "must be auto, always or never, got '" + value + "'");
    }
}
