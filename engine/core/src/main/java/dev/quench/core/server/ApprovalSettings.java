package dev.quench.core.server;

import dev.quench.core.config.ConfigSection;

/**
 * The config's {@code approval:} section. Immutable.
 *
 * @param separateApprover when true, a token cannot approve a run it started itself (four eyes)
 */
public record ApprovalSettings(boolean separateApprover) {

    public static final ApprovalSettings DEFAULTS = new ApprovalSettings(false);

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Boolean separateApprover) {
    }

    /**
     * Binds the {@code approval:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static ApprovalSettings from(ConfigSection section) {
        return section.bind(Section.class)
                .map(keys -> new ApprovalSettings(keys.separateApprover() != null && keys.separateApprover()))
                .orElse(DEFAULTS);
    }
}
