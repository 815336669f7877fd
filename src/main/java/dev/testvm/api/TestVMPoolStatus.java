package dev.testvm.api;

/** Counts of the pool's VMs as of the last reconcile, and what went wrong refilling it. */
public class TestVMPoolStatus extends ConditionedStatus {

    /** Unclaimed VMs that are Ready. */
    private Integer ready;
    /** Unclaimed VMs being cloned, powered on or discovered. */
    private Integer starting;
    /** TestVMs holding a VM they claimed from this pool. */
    private Integer claimed;
    /** The last pool VM that failed, and why (a Failed TestVM's message); cleared once the pool is full again. */
    private String lastRefillProblem;
    private Long observedGeneration;

    public Integer getReady() {
        return ready;
    }

    public void setReady(Integer ready) {
        this.ready = ready;
    }

    public Integer getStarting() {
        return starting;
    }

    public void setStarting(Integer starting) {
        this.starting = starting;
    }

    public Integer getClaimed() {
        return claimed;
    }

    public void setClaimed(Integer claimed) {
        this.claimed = claimed;
    }

    public String getLastRefillProblem() {
        return lastRefillProblem;
    }

    public void setLastRefillProblem(String lastRefillProblem) {
        this.lastRefillProblem = lastRefillProblem;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
