package dev.quench.core.plugin;

import dev.quench.api.QuenchApi;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which API versions can load each other's plugins: the same major version, and before 1.0 the same
 * major and minor (semantic versioning lets 0.x break anything).
 */
final class PluginApiVersion {

    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)(?:\\.(\\d+))?.*");

    private PluginApiVersion() {
    }

    /** The line a version belongs to, as shown to people: {@code 2.x}, {@code 0.1.x}; an odd string as is. */
    static String line(String version) {
        Matcher matcher = MAJOR_MINOR.matcher(version.strip());
        if (!matcher.matches()) {
            return version.strip();
        }
        int major = Integer.parseInt(matcher.group(1));
        if (major == 0 && matcher.group(2) != null) {
            return "0." + Integer.parseInt(matcher.group(2)) + ".x";
        }
        return major + ".x";
    }

    /** The line of the API this engine carries. */
    static String engineLine() {
        return line(QuenchApi.VERSION);
    }

    static boolean compatibleWithEngine(String builtAgainst) {
        return line(builtAgainst).equals(engineLine());
    }
}
