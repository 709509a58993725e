package dev.quench.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit trail: who did what to what, and how it ended.
 *
 * @param id            its place in the trail (0 before it is appended)
 * @param at            when
 * @param actor         the token's name ({@code admin}, {@code alice}); {@code local:USER} for the CLI on a
 *                      data directory; the address for a failed sign-in
 * @param role          the actor's role ({@code -} when nobody was recognised)
 * @param action        what was tried: {@code run.start}, {@code run.approve}, {@code pause}, {@code token.create}, ...
 * @param target        what it was done to: a run id, a runbook, a token name
 * @param outcome       {@code ok}, {@code forbidden}, {@code refused}, {@code failed} or {@code unauthorized}
 * @param sourceAddress where the request came from ({@code cli} for the CLI on a data directory)
 * @param detail        the answer's status and error, or a count
 */
public record AuditEntry(long id, Instant at, String actor, String role, String action, String target,
                         String outcome, String sourceAddress, String detail) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(action, "action");
        target = target == null ? "" : target;
        Objects.requireNonNull(outcome, "outcome");
        sourceAddress = sourceAddress == null ? "" : sourceAddress;
        detail = detail == null ? "" : detail;
    }
}
