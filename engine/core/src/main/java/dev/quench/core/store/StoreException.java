package dev.quench.core.store;

/** The store could not do what was asked; the message says what and where. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean inUse;

    public StoreException(String message) {
        this(message, null, false);
    }

    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    StoreException(String message, Throwable cause, boolean inUse) {
        super(message, cause);
        this.inUse = inUse;
    }

    /** Whether the store could not be opened because another process holds it (an embedded store's engine). */
    public boolean inUse() {
        return inUse;
    }
}
