package dev.quench.core.cli;

/**
 * A {@code quench} subcommand from a module above the core, found on the class path with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.quench.core.cli.QuenchSubcommand}
 * file names the class). The core cannot name such a class itself: {@code quench demo} lives in
 * engine/demo, which needs the test kit's SSH server, so that the engine carries no test server.
 * Without the module the subcommand is simply absent ({@code quench demo} is an unknown command).
 */
public interface QuenchSubcommand {

    /** The picocli command object: an instance of a class annotated with {@code @Command} (often {@code this}). */
    Object command();
}
