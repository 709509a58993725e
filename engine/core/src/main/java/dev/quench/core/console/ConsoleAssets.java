package dev.quench.core.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The files the console's pages load, served under {@code /assets/NAME}: htmx, its SSE extension and uPlot
 * from their WebJars, and the console's own CSS and JavaScript. Only the files named here are served (a
 * look-up in a map read once at start, so no path can reach anything else); pages link them as
 * {@code /assets/NAME?v=HASH} and such a request is cached for a year (an upgrade changes the hash).
 * Immutable and thread-safe.
 */
public final class ConsoleAssets {

    /** Cache for a link carrying the current hash: the content of that URL never changes. */
    static final String LONG_CACHE = "public, max-age=31536000, immutable";

    private record Asset(Buffer content, String contentType, String hash) {
    }

    private final Map<String, Asset> assets;

    private ConsoleAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /** Reads the assets from the class path; a missing one is a broken build and stops the start. */
    public static ConsoleAssets load() {
        Map<String, Asset> assets = new LinkedHashMap<>();
        String htmx = "META-INF/resources/webjars/htmx.org/" + webJarVersion("htmx.org") + "/dist/";
        String sse = "META-INF/resources/webjars/htmx-ext-sse/" + webJarVersion("htmx-ext-sse") + "/";
        String uplot = "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
        add(assets, "htmx.min.js", htmx + "htmx.min.js");
        add(assets, "htmx-ext-sse.js", sse + "sse.js");
        add(assets, "uPlot.iife.min.js", uplot + "uPlot.iife.min.js");
        add(assets, "uPlot.min.css", uplot + "uPlot.min.css");
        add(assets, "console.css", "console/console.css");
        add(assets, "console.js", "console/console.js");
        add(assets, "runs.css", "console/runs.css");
        add(assets, "decisions.css", "console/decisions.css");
        add(assets, "toil-chart.js", "console/toil-chart.js");
        return new ConsoleAssets(assets);
    }

    /** The link to the asset {@code name}, with its content hash. */
    public String url(String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            throw new IllegalArgumentException("no console asset named '" + name + "'; known: " + assets.keySet());
        }
        return "/assets/" + name + "?v=" + asset.hash();
    }

    /** {@code GET /assets/:name}: the asset, or false when there is none of that name (the caller answers 404). */
    boolean serve(RoutingContext context) {
        Asset asset = assets.get(context.pathParam("name"));
        if (asset == null) {
            return false;
        }
        boolean current = asset.hash().equals(context.request().getParam("v"));
        String etag = "\"" + asset.hash() + "\"";
        context.response()
                .putHeader("Content-Type", asset.contentType())
                .putHeader("Cache-Control", current ? LONG_CACHE : "no-cache")
                .putHeader("ETag", etag);
        if (etag.equals(context.request().getHeader("If-None-Match"))) {
            context.response().setStatusCode(304).end();
        } else {
            context.response().end(asset.content());
        }
        return true;
    }

    private static void add(Map<String, Asset> assets, String name, String resource) {
        byte[] content = read(resource);
        String type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        assets.put(name, new Asset(Buffer.buffer(content), type, hash(content)));
    }

    private static String webJarVersion(String artifact) {
        String properties = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        Properties values = new Properties();
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(properties)) {
            if (in == null) {
                throw new IllegalStateException("the WebJar org.webjars.npm:" + artifact + " is not on the class "
                        + "path (no " + properties + "): the console cannot serve its scripts; rebuild Quench");
            }
            values.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + properties, e);
        }
        return values.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + resource + " is not on the class path: "
                        + "rebuild Quench");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console asset " + resource, e);
        }
    }

    private static String hash(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
