package dev.quench.core.console;

import dev.quench.core.guard.KillSwitch;
import dev.quench.core.server.AuditQuery;
import dev.quench.core.store.Role;
import java.util.List;
import java.util.Objects;

/**
 * What the layout of every console page shows: the title, the screen to mark in the navigation, who is
 * signed in, the CSRF token for forms and htmx, the kill switch and the approvals badge. Immutable.
 *
 * @param title            the page's title
 * @param section          the navigation entry to mark current ({@link Nav#key}), or "" for none
 * @param userName         the signed-in token's name
 * @param role             its role
 * @param team             its team scope, or null for every team
 * @param csrfToken        the session's CSRF token
 * @param killSwitch       the kill switch as it is now
 * @param awaitingApproval runs awaiting approval that this user may see
 * @param assets           links to the console's scripts and styles
 * @param path             the path and query of this page (where a form in the layout comes back to)
 */
public record ConsolePage(String title, String section, String userName, Role role, String team, String csrfToken,
                          KillSwitch.State killSwitch, long awaitingApproval, ConsoleAssets assets, String path) {

    /** One entry of the header's navigation. */
    public record Nav(String key, String label, String href) {
    }

    /** Every screen, in the header's order. */
    public static final List<Nav> NAV = List.of(
            new Nav("runs", "Runs", "/runs"),
            new Nav("approvals", "Approvals", "/approvals"),
            new Nav("runbooks", "Runbooks", "/runbooks"),
            new Nav("schedules", "Schedules", "/schedules"),
            new Nav("alerts", "Alerts", "/alerts"),
            new Nav("toil", "Toil", "/toil"),
            new Nav("audit", "Audit", "/audit"));

    public ConsolePage {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(csrfToken, "csrfToken");
        Objects.requireNonNull(killSwitch, "killSwitch");
        Objects.requireNonNull(assets, "assets");
        Objects.requireNonNull(path, "path");
    }

    /** The navigation this user gets (the audit log is for the tokens that may read it: no team, as in the API). */
    public List<Nav> nav() {
        return NAV.stream().filter(entry -> !entry.key().equals("audit") || mayReadAudit()).toList();
    }

    /** Whether this user may read the audit trail ({@link AuditQuery#READER}, a token without a team). */
    public boolean mayReadAudit() {
        return role.atLeast(AuditQuery.READER) && team == null;
    }

    public boolean current(Nav entry) {
        return entry.key().equals(section);
    }

    /** Whether this user may press operator buttons (pause, approve, cancel, run now); the server checks anyway. */
    public boolean canOperate() {
        return role.atLeast(Role.OPERATOR);
    }

    /** Whether this user may press operator buttons that concern every team (pause and resume). */
    public boolean canOperateAllTeams() {
        return canOperate() && team == null;
    }

    public boolean isAdmin() {
        return role.atLeast(Role.ADMIN) && team == null;
    }

    public String roleName() {
        return role.wireName();
    }

    public String asset(String name) {
        return assets.url(name);
    }

    /** The {@code hx-headers} of the page's body: htmx sends the CSRF token with every request. */
    public String htmxHeaders() {
        return "{\"" + CsrfCheck.HEADER + "\": \"" + csrfToken + "\"}";
    }
}
