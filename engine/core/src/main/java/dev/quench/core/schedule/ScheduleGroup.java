package dev.quench.core.schedule;

import dev.quench.core.runbook.MisfirePolicy;
import dev.quench.core.runbook.ScheduleSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A schedule group: every runbook with the same cron, timezone and misfire policy shares one Quartz
 * trigger, and Quench fans each fire out to the group's runbooks in-process. 10,000 schedules
 * usually make a few hundred groups, and 1,000 runbooks due in the same second are one trigger
 * fire instead of 1,000 job store round trips. Jitter and overlap are per runbook, applied at the
 * fan-out, so they are not part of the group. Immutable.
 *
 * @param name    the trigger's name: a hash of the fingerprint, stable across nodes and restarts
 * @param cron    Quartz cron expression
 * @param timezone the cron's zone id
 * @param misfire  the misfire policy
 */
public record ScheduleGroup(String name, String cron, String timezone, MisfirePolicy misfire) {

    public ScheduleGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cron, "cron");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(misfire, "misfire");
    }

    /** The group of runbooks scheduled like {@code spec}. */
    public static ScheduleGroup of(ScheduleSpec spec) {
        return of(spec.cron(), spec.timezone().getId(), spec.misfire());
    }

    static ScheduleGroup of(String cron, String timezone, MisfirePolicy misfire) {
        String fingerprint = fingerprint(cron, timezone, misfire);
        String name = NAMES.get(fingerprint);
        if (name == null) {
            name = nameOf(fingerprint);
            if (NAMES.size() >= NAMES_MAX) {
                NAMES.clear();
            }
            NAMES.put(fingerprint, name);
        }
        return new ScheduleGroup(name, cron, timezone, misfire);
    }

    /** Names by fingerprint: a sync of 10,000 runbooks hashes each of a few hundred schedules once. */
    private static final Map<String, String> NAMES = new ConcurrentHashMap<>();
    private static final int NAMES_MAX = 50_000;

    /** What the trigger depends on; stored as its description. */
    public String fingerprint() {
        return fingerprint(cron, timezone, misfire);
    }

    private static String fingerprint(String cron, String timezone, MisfirePolicy misfire) {
        return cron + "|" + timezone + "|" + misfire.wireName();
    }

    private static String nameOf(String fingerprint) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8));
            // 80 bits: a collision among a few thousand groups is not a practical concern.
            return "g-" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** A short human form, like {@code 0 30 3 * * ? (Europe/Berlin)}. */
    public String describe() {
        return cron + " (" + timezone + ")";
    }
}
