package dev.testvm.reconciler;

import java.time.Duration;
import java.util.Optional;

/**
 * What the TestVM controller takes from configuration, so the reconciler does not depend on the
 * configuration package (which wires the reconciler, and so depends on it).
 *
 * @param taskPollInterval  backstop while a vSphere task runs (its end normally arrives as an event)
 * @param clusterId         names this cluster on its VMs; empty: derived from the cluster (see {@link ClusterIdentity})
 */
public record ReconcilerSettings(Duration taskPollInterval, Optional<String> clusterId) {}
