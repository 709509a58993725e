package dev.quench.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this API ({@code quench-engine-api}). A plugin jar records the version it was built
 * against in its manifest, as {@value #MANIFEST_ATTRIBUTE}; the engine refuses a jar whose major version
 * (before 1.0: major and minor) differs from {@link #VERSION}. Thread-safe.
 */
public final class QuenchApi {

    /** The manifest attribute in which a plugin jar names the API version it was built against. */
    public static final String MANIFEST_ATTRIBUTE = "Quench-Api-Version";

    /** This API's version, for example {@code 1.2.0}; written by the build. */
    public static final String VERSION = readVersion();

    private QuenchApi() {
    }

    private static String readVersion() {
        try (InputStream in = QuenchApi.class.getResourceAsStream("quench-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/quench/api/quench-api.properties is missing from quench-engine-api");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            if (version.isBlank() || version.startsWith("${")) {
                throw new IllegalStateException("quench-engine-api was built without its version (resource filtering off?)");
            }
            return version.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read quench-engine-api's version", e);
        }
    }
}
