package dev.quench.plugin.ssh;

import dev.quench.api.StepOutput;

/**
 * Output for work done on a step's behalf (one target of a fan-out, a clean-up after a stop):
 * its own stdout and stderr are kept elsewhere or not at all, while its info lines still reach
 * the step's live output.
 */
final class InfoOnlyOutput implements StepOutput {

    private final StepOutput live;

    private InfoOnlyOutput(StepOutput live) {
        this.live = live;
    }

    static StepOutput of(StepOutput live) {
        return new InfoOnlyOutput(live);
    }

    @Override
    public void stdout(String chunk) {
    }

    @Override
    public void stderr(String chunk) {
    }

    @Override
    public void info(String message) {
        live.info(message);
    }
}
