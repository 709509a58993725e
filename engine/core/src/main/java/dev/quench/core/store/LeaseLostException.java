package dev.quench.core.store;

/**
 * A write of a run's state was refused because the writer no longer holds the run's lease: its lease
 * lapsed (the node stalled or lost the store) and another node took the run over, or the run ended
 * another way. The writer must stop the run without writing anything more.
 */
public final class LeaseLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient RunLease lease;

    public LeaseLostException(RunLease lease, String what) {
        super("run " + lease.runId() + ": node " + lease.node() + " no longer holds its lease (generation "
                + lease.generation() + "), so it did not " + what + "; its lease lapsed and another node took the run "
                + "over, or the run ended another way. This node stops the run here and writes nothing more for it");
        this.lease = lease;
    }

    public RunLease lease() {
        return lease;
    }
}
