package dev.quench.pluginloading.bundled;

/**
 * The engine's copy of a library class that the test plugins of {@code PluginIsolationIT} bundle in other
 * versions: a plugin that sees this one instead of its own would answer "engine".
 */
public final class Helper {

    private Helper() {
    }

    public static String version() {
        return "engine";
    }
}
