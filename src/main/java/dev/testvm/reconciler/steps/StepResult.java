package dev.testvm.reconciler.steps;

import java.time.Duration;

/** What an ordered reconcile step tells the reconciler: go on, come back later, or stop here. */
public sealed interface StepResult {

    StepResult PROCEED = new Proceed();
    StepResult STOP = new Stop();

    static StepResult requeue(Duration after) {
        return new Requeue(after);
    }

    record Proceed() implements StepResult {}

    /** Stop this pass; reconcile again after {@code after} unless an event comes first. */
    record Requeue(Duration after) implements StepResult {}

    /** Nothing more to do until something changes. */
    record Stop() implements StepResult {}
}
