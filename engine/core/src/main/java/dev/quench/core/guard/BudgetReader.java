package dev.quench.core.guard;

/** Reads the value of a rendered {@code guards.errorBudget} query. Implementations are thread-safe. */
@FunctionalInterface
public interface BudgetReader {

    /** A reader for engines without one: every budget is unreadable, so guarded runs are held back. */
    BudgetReader NONE = (query, above) -> new BudgetReading.Unreadable("this engine has no error-budget reader");

    /**
     * Reads {@code query} now.
     *
     * @param above whether the guard compares with {@code above} (of several series, the highest counts) or
     *              {@code below} (the lowest counts)
     */
    BudgetReading read(String query, boolean above);
}
