package dev.quench.pluginloading;

import dev.quench.api.QuenchApi;
import dev.quench.api.StepPlugin;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds small plugin jars at test time: sources compiled with the JDK's compiler against engine/api. */
final class PluginJars {

    private final Path workDirectory;
    private int builds;

    PluginJars(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    /** The jar of engine/api this test runs with. */
    static Path apiJar() {
        try {
            return Path.of(StepPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles {@code sources} (file name relative to the source root, such as {@code a/AStep.java}, to its
     * text) with {@code classPath} and writes the classes into {@code jar}, with a {@code Quench-Api-Version}
     * manifest entry if {@code apiVersion} is not null and a service file if {@code stepPlugin} is not null.
     */
    Path jar(Path jar, Map<String, String> sources, List<Path> classPath, String apiVersion, String stepPlugin)
            throws IOException {
        int build = ++builds;
        Path sourceRoot = Files.createDirectories(workDirectory.resolve("build-" + build + "/src"));
        Path classes = Files.createDirectories(workDirectory.resolve("build-" + build + "/classes"));
        List<String> arguments = new ArrayList<>(List.of("-classpath",
                String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()),
                "-d", classes.toString()));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceRoot.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int exit = javac.run(null, null, null, arguments.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("javac exited with " + exit + " for " + sources.keySet());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (apiVersion != null) {
            manifest.getMainAttributes().putValue(QuenchApi.MANIFEST_ATTRIBUTE, apiVersion);
        }
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            if (stepPlugin != null) {
                out.putNextEntry(new JarEntry("META-INF/services/" + StepPlugin.class.getName()));
                out.write((stepPlugin + "\n").getBytes(StandardCharsets.UTF_8));
            }
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(file));
                }
            }
        }
        return jar;
    }

    /** Compiles {@code sources} into a jar of classes to compile against (stubs), never loaded as a plugin. */
    Path classes(Map<String, String> sources, List<Path> classPath) throws IOException {
        return jar(workDirectory.resolve("stubs-" + (builds + 1) + ".jar"), sources, classPath, null, null);
    }
}
