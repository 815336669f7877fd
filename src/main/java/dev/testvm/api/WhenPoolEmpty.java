package dev.testvm.api;

/** What a claiming TestVM does when its pool has no Ready VM. */
public enum WhenPoolEmpty {
    /** Clone as a TestVM without a pool would (bounded by the pool's burstLimit). */
    Clone,
    /** Wait until the pool has a Ready VM. */
    Wait
}
