package dev.quench.core.boot;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Switches the console log to one JSON object per line (logback's own {@link JsonEncoder}, no other
 * library): level, logger, thread, timestamp, the formatted message, the throwable, and {@code mdc} with
 * {@code run_id}, {@code runbook} and {@code step} on every line logged while a run executes, so log
 * search can follow one remediation.
 */
final class JsonLogging {

    private JsonLogging() {
    }

    /** Applies {@code settings} to the console appenders of logback's root logger; text is left as configured. */
    static void apply(LoggingSettings settings) {
        if (!settings.json() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Iterator<Appender<ILoggingEvent>> appenders = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .iteratorForAppenders();
        while (appenders.hasNext()) {
            if (appenders.next() instanceof OutputStreamAppender<ILoggingEvent> console
                    && !(console.getEncoder() instanceof JsonEncoder)) {
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext(context);
                encoder.setWithContext(false);
                encoder.setWithSequenceNumber(false);
                encoder.setWithNanoseconds(false);
                encoder.setWithMessage(false);
                encoder.setWithArguments(false);
                encoder.setWithFormattedMessage(true);
                encoder.start();
                console.stop();
                console.setEncoder(encoder);
                console.start();
            }
        }
    }
}
