package dev.quench.core.cli;

import picocli.CommandLine;

/** The version printed by {@code quench --version}, from the jar manifest. */
final class QuenchVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = QuenchMain.class.getPackage().getImplementationVersion();
        return new String[] {"quench " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
    }
}
