package dev.quench.core.console;

/** Minutes to hours as the console shows them: rounded to a tenth, like the ledger's own hours. Stateless. */
final class Hours {

    private Hours() {
    }

    static double of(long minutes) {
        return Math.round(minutes / 6.0) / 10.0;
    }
}
