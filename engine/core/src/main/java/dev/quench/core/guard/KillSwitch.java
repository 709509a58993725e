package dev.quench.core.guard;

import dev.quench.core.store.EngineSwitchRepository;
import dev.quench.core.store.EngineSwitchRepository.EngineSwitch;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The kill switch: while paused, no new run starts, on any engine sharing the store (the state
 * lives in the store's {@code engine_switch} table, so it also survives a restart). Alerts are
 * still recorded and matched; their runs wait as queued until {@code resume}. Thread-safe.
 */
public final class KillSwitch {

    private static final String PAUSED = "paused";

    private final EngineSwitchRepository switches;
    private final Clock clock;

    public KillSwitch(EngineSwitchRepository switches, Clock clock) {
        this.switches = Objects.requireNonNull(switches, "switches");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The state of the switch.
     *
     * @param paused    whether new runs are held
     * @param changedBy who flipped it last, empty if nobody ever did
     * @param reason    why, as they said
     * @param changedAt when, or null
     */
    public record State(boolean paused, String changedBy, String reason, Instant changedAt) {
    }

    /** Whether new runs are held now. Reads the store: another engine may have flipped it. */
    public boolean paused() {
        return state().paused();
    }

    public State state() {
        return switches.find(PAUSED)
                .map(found -> new State(found.enabled(), found.changedBy(), found.reason(), found.changedAt()))
                .orElse(new State(false, "", "", null));
    }

    /** Pauses (or resumes) every engine on this store; returns the new state. */
    public State set(boolean paused, String who, String reason) {
        Instant now = clock.instant();
        String actor = Optional.ofNullable(who).filter(text -> !text.isBlank()).orElse("unknown");
        String why = reason == null ? "" : reason;
        switches.set(PAUSED, new EngineSwitch(paused, actor, why, now));
        return new State(paused, actor, why, now);
    }
}
