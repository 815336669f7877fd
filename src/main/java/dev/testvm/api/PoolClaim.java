package dev.testvm.api;

/** {@code status.pool} of a TestVM with {@code spec.poolRef}: where its VM came from. */
public class PoolClaim {

    public static final String CLAIMED = "Claimed";
    public static final String CLONED = "Cloned";
    public static final String WAITING = "Waiting";

    /** The pool named in spec.poolRef. */
    private String name;
    /** Claimed (a pool VM), Cloned (the pool was empty: cloned as usual) or Waiting (empty pool, whenEmpty Wait). */
    private String outcome;
    /** The pool's TestVM whose VM this TestVM took over. */
    private String member;
    private String claimedAt;
    /** Why the TestVM cloned instead of claiming (the pool was empty, or its VMs do not fit the TestVM's spec). */
    private String message;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getOutcome() {
        return outcome;
    }

    public void setOutcome(String outcome) {
        this.outcome = outcome;
    }

    public String getMember() {
        return member;
    }

    public void setMember(String member) {
        this.member = member;
    }

    public String getClaimedAt() {
        return claimedAt;
    }

    public void setClaimedAt(String claimedAt) {
        this.claimedAt = claimedAt;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
