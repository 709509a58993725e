package dev.quench.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;

/**
 * The config's optional {@code toil:} section: what the ledger charges for human work. Immutable.
 *
 * @param manualAlertMinutes what handling one firing alert that no runbook matched costs (default 30)
 * @param approvalMinutes    what one human approval of a run costs its approver (default 5): charged as toil
 *                           incurred of the runbook's team
 */
public record ToilSettings(int manualAlertMinutes, int approvalMinutes) {

    private static final int MOST_MINUTES = 24 * 60;

    public static final ToilSettings DEFAULTS = new ToilSettings(ToilLedger.DEFAULT_MINUTES_PER_MANUAL_ALERT,
            ToilLedger.DEFAULT_APPROVAL_MINUTES);

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Integer manualAlertMinutes, Integer approvalMinutes) {
    }

    public ToilSettings {
        if (manualAlertMinutes < 0 || manualAlertMinutes > MOST_MINUTES || approvalMinutes < 0
                || approvalMinutes > MOST_MINUTES) {
            throw new IllegalArgumentException("toil settings out of range: " + manualAlertMinutes + ", "
                    + approvalMinutes);
        }
    }

    /**
     * Binds the {@code toil:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static ToilSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> new ToilSettings(
                minutes(section, "manualAlertMinutes", keys.manualAlertMinutes(), DEFAULTS.manualAlertMinutes()),
                minutes(section, "approvalMinutes", keys.approvalMinutes(), DEFAULTS.approvalMinutes())))
                .orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static ToilSettings from(JsonNode section) {
        return from(ConfigSection.of("toil", section));
    }

    private static int minutes(ConfigSection section, String key, Integer value, int fallback) {
        int minutes = section.atLeast(key, value, 0, fallback);
        if (minutes > MOST_MINUTES) {
            throw section.invalid(key, "must be at most " + MOST_MINUTES + " minutes (a day), got " + minutes);
        }
        return minutes;
    }
}
