package dev.quench.core.alert;

/** A webhook body that cannot be accepted; the message says why, for the sender's logs (HTTP 400). */
public final class PayloadException extends Exception {

    private static final long serialVersionUID = 1L;

    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
