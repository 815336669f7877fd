package dev.testvm.reconciler;

import dev.testvm.api.ConditionTypes;
import dev.testvm.api.Phase;
import dev.testvm.api.TestVM;
import dev.testvm.api.TestVMStatus;
import dev.testvm.pool.MemberRelease;
import dev.testvm.pool.PoolMembers;
import dev.testvm.reconciler.connection.VCenterAdmission;
import dev.testvm.reconciler.connection.VCenterChoice;
import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterLabels;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.reconciler.events.VSphereEventSource;
import dev.testvm.reconciler.inventory.ClusterIdentity;
import dev.testvm.reconciler.inventory.PlacementResolver;
import dev.testvm.reconciler.status.Conditions;
import dev.testvm.reconciler.status.KubeEvents;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.StatusReport;
import dev.testvm.reconciler.status.TestVMObserver;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.reconciler.steps.CloneStep;
import dev.testvm.reconciler.steps.CloudInitData;
import dev.testvm.reconciler.steps.ExpiryStep;
import dev.testvm.reconciler.steps.GuestCredentialsReader;
import dev.testvm.reconciler.steps.GuestDiscovery;
import dev.testvm.reconciler.steps.IpFinder;
import dev.testvm.reconciler.steps.IpStep;
import dev.testvm.reconciler.steps.Pass;
import dev.testvm.reconciler.steps.PoolClaimStep;
import dev.testvm.reconciler.steps.PoolWaiters;
import dev.testvm.reconciler.steps.PortProbe;
import dev.testvm.reconciler.steps.PowerOnStep;
import dev.testvm.reconciler.steps.ReadinessStep;
import dev.testvm.reconciler.steps.ReadyAgain;
import dev.testvm.reconciler.steps.StepResult;
import dev.testvm.reconciler.steps.TaskInFlight;
import dev.testvm.reconciler.steps.TestVMMemories;
import dev.testvm.reconciler.steps.TestVMMemory;
import dev.testvm.reconciler.steps.VmDeletion;
import dev.testvm.reconciler.tasks.QueuedTaskStarts;
import dev.testvm.reconciler.tasks.TaskSlotEventSource;
import dev.testvm.reconciler.tasks.TaskSlotQueue;
import dev.testvm.reconciler.tasks.WaitingForTaskSlotException;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.InvalidLoginException;
import dev.testvm.vsphere.fault.NoPermissionException;
import dev.testvm.vsphere.fault.TaskCapacityExceededException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Thin reconciler: runs the ordered steps clone → power on → IP → expiry, each of which either
 * proceeds or says when to come back, and turns problems into status conditions. It never waits
 * on a vSphere task; task and guest changes arrive through {@link VSphereEventSource}.
 */
@ControllerConfiguration(name = "testvm")
public class TestVMReconciler implements Reconciler<TestVM>, Cleaner<TestVM> {

    private static final Logger LOG = Logger.getLogger(TestVMReconciler.class);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);
    /**
     * Backstop only: a waiter is woken through {@link TaskSlotEventSource} when its turn comes; this
     * also refreshes the queue position shown in status.
     */
    static final Duration CAPACITY_RETRY = Duration.ofSeconds(5);

    private final VCenterRegistry vcenters;
    private final VCenterChoice choice;
    private final VCenterAdmission admission;
    private final KubeEvents kubeEvents;
    private final VSphereEventSource events;
    private final PoolClaimStep poolClaim;
    private final KubernetesClient client;
    private final CloneStep clone;
    private final PowerOnStep powerOn;
    private final IpStep ip;
    private final ReadinessStep readiness;
    private final ExpiryStep expiry;
    private final VmDeletion deletion;
    private final TaskSlotEventSource slotEvents = new TaskSlotEventSource();
    private final TestVMMemories memories = new TestVMMemories();
    private final TestVMObserver observer;

    public TestVMReconciler(VCenterRegistry vcenters, KubernetesClient client, ReconcilerSettings config, GuestDiscovery discovery) {
        this(vcenters, client, config, discovery, TestVMObserver.NOOP);
    }

    @Inject
    public TestVMReconciler(VCenterRegistry vcenters, KubernetesClient client, ReconcilerSettings config, GuestDiscovery discovery,
            TestVMObserver observer) {
        this.vcenters = vcenters;
        this.choice = new VCenterChoice(vcenters);
        this.admission = new VCenterAdmission(client);
        this.observer = observer;
        this.kubeEvents = new KubeEvents(client, VCenterLabels::eventLabels);
        this.client = client;
        this.poolClaim = new PoolClaimStep(client, kubeEvents, observer);
        this.events = new VSphereEventSource(vcenters);
        Duration taskPoll = config.taskPollInterval();
        // The default datacenter comes from each pass's vCenter (QueuedTaskStarts).
        PlacementResolver placement = new PlacementResolver(null);
        TaskInFlight tasks = new TaskInFlight(events);
        this.clone = new CloneStep(placement, events, tasks, taskPoll, kubeEvents, ClusterIdentity.of(config.clusterId(), client),
                new CloudInitData(client));
        this.powerOn = new PowerOnStep(events, tasks, taskPoll, kubeEvents);
        GuestCredentialsReader credentials = new GuestCredentialsReader(client);
        this.ip = new IpStep(events, kubeEvents, discovery.ipFinder(credentials), placement);
        this.readiness = new ReadinessStep(kubeEvents, credentials, discovery.commandProbe(), new PortProbe(Duration.ofSeconds(1)));
        this.expiry = new ExpiryStep(client, kubeEvents);
        this.deletion = new VmDeletion(placement, events, tasks, taskPoll, kubeEvents);
        IpFinder finder = ip.finder();
        memories.alsoForget((uid, id) -> finder.forget(uid));
        memories.alsoForget((uid, id) -> readiness.forget(uid));
        memories.alsoForget((uid, id) -> events.forget(id));
        memories.alsoForget((uid, id) -> vcenters.all().forEach(vcenter -> vcenter.forgetInLine(uid)));
        // Also when the TestVM went without a last cleanup pass (its finalizer removed by hand).
        slotEvents.onDeleted(testVM -> memories.forget(testVM.getMetadata().getUid(), ResourceID.fromResource(testVM)));
    }

    /** What this process remembers per TestVM, for tests that check it is forgotten. */
    TestVMMemories memories() {
        return memories;
    }

    private TestVMMemory memoryOf(TestVM testVM) {
        return memories.of(testVM.getMetadata().getUid(), ResourceID.fromResource(testVM));
    }

    /** The TestVM is gone (or handed over): this process forgets it everywhere at once. */
    private void forget(TestVM testVM) {
        memories.forget(testVM.getMetadata().getUid(), ResourceID.fromResource(testVM));
    }

    /** The environment vCenter's task-slot line, for tests that check who is in it. */
    TaskSlotQueue taskSlotQueue() {
        return vcenters.find(VCenterRegistry.ENVIRONMENT).orElseThrow().taskLine(slotEvents::wake);
    }

    @Override
    public List<EventSource<?, TestVM>> prepareEventSources(EventSourceContext<TestVM> context) {
        if (context == null) {
            return List.of(events, slotEvents); // a reconciler built by hand (unit tests): no informers
        }
        return List.of(events, slotEvents, PoolWaiters.eventSource(context));
    }

    @Override
    public UpdateControl<TestVM> reconcile(TestVM testVM, Context<TestVM> context) {
        if (testVM.getStatus() == null) {
            testVM.setStatus(new TestVMStatus());
        }
        TestVMStatus status = testVM.getStatus();
        if (!choice.serves(testVM)) {
            return UpdateControl.noUpdate(); // another replica serves its vCenter (sharding)
        }
        if (PoolMembers.isClaimed(testVM)) {
            // A pool VM handed to another TestVM: it is the claimant's to follow now (see MemberRelease).
            return UpdateControl.noUpdate();
        }
        if (status.getPhase() == Phase.Failed) {
            // A failed TestVM waits for nothing (e.g. one failed by an operator that since restarted).
            vcenters.all().forEach(vcenter -> vcenter.leaveLine(testVM.getMetadata().getUid()));
            observer.reconciled(testVM, Phase.Failed);
            return UpdateControl.noUpdate();
        }
        Phase before = status.getPhase();
        Instant now = Instant.now();
        Optional<Duration> next = pass(testVM, now);
        new StatusReport(testVM, now).finish();
        status.setObservedGeneration(testVM.getMetadata().getGeneration());
        observer.reconciled(testVM, before);
        UpdateControl<TestVM> control = UpdateControl.patchStatus(testVM);
        return next.map(d -> control.rescheduleAfter(Math.max(1, d.toMillis()))).orElse(control);
    }

    /** Runs the steps; a problem becomes a condition. Empty: nothing to come back for. */
    private Optional<Duration> pass(TestVM testVM, Instant now) {
        QueuedTaskStarts connection = null;
        try {
            connection = open(testVM, true);
            Pass pass = new Pass(testVM, connection, now, memoryOf(testVM));
            Optional<Duration> next = runSteps(pass);
            ReadyAgain.afterCleanPass(testVM, pass.report());
            recordVCenter(testVM.getStatus(), connection);
            memoryOf(testVM).failedAttempts = 0;
            return next;
        } catch (TestVMProblem problem) {
            return report(testVM, problem, now);
        } catch (TaskCapacityExceededException e) {
            // Nothing was sent to vCenter. What earlier steps of this pass recorded (e.g. the clone)
            // is kept: the status below is patched as usual.
            return waitForCapacity(testVM, e, now);
        } catch (RuntimeException e) {
            return report(testVM, classify(e), now);
        } finally {
            if (connection != null) {
                connection.passEnded();
            }
        }
    }

    /**
     * This pass's view of the TestVM's vCenter: its session behind the vCenter's task line. Binds
     * the TestVM's followed objects to that vCenter and pins the choice in status; with
     * {@code admit}, the vCenter's rules are checked first, before any vCenter call.
     */
    private QueuedTaskStarts open(TestVM testVM, boolean admit) {
        VCenterConnection vcenter = choice.connectionFor(testVM, admit);
        if (admit) {
            admission.check(testVM, vcenter);
        }
        ResourceID id = ResourceID.fromResource(testVM);
        events.bind(id, vcenter.name());
        if (testVM.getStatus() != null && testVM.getStatus().getVcenter() == null) {
            testVM.getStatus().setVcenter(vcenter.name());
        }
        TaskSlotQueue line = vcenter.taskLine(slotEvents::wake);
        if (PoolMembers.poolOf(testVM).isPresent()) {
            line.background(testVM.getMetadata().getUid()); // a pool refill: other TestVMs' clones go first
        }
        return new QueuedTaskStarts(vcenter.get(), line, testVM.getMetadata().getUid(), id,
                vcenter.defaultDatacenter(), vcenter.name());
    }

    /** {@code status.vm} says which vCenter the VM is in (moRef values repeat across vCenters). */
    private static void recordVCenter(TestVMStatus status, QueuedTaskStarts connection) {
        if (status.getVm() != null && status.getVm().getMoRef() != null) {
            status.getVm().setVcenter(connection.vcenterName());
        }
    }

    private Optional<Duration> runSteps(Pass pass) {
        StepResult result = poolClaim.run(pass);
        if (result == StepResult.PROCEED) {
            result = clone.run(pass);
        }
        if (result == StepResult.PROCEED) {
            result = powerOn.run(pass);
        }
        if (result == StepResult.PROCEED) {
            result = ip.run(pass);
        }
        if (result == StepResult.PROCEED) {
            result = readiness.run(pass);
        }
        if (result == StepResult.PROCEED) {
            result = expiry.run(pass);
        }
        return result instanceof StepResult.Requeue requeue ? Optional.of(requeue.after()) : Optional.empty();
    }

    private Optional<Duration> report(TestVM testVM, TestVMProblem problem, Instant now) {
        TestVMStatus status = testVM.getStatus();
        String previousReason = Conditions.find(status, ConditionTypes.READY).map(c -> c.getReason()).orElse(null);
        StatusReport statusReport = new StatusReport(testVM, now);
        observer.problem(testVM, problem.reason(), problem.terminal());
        if (problem.terminal()) {
            statusReport.failed(problem.reason(), problem.getMessage());
            kubeEvents.warning(testVM, problem.reason(), problem.getMessage());
            events.unfollowAll(ResourceID.fromResource(testVM));
            return Optional.empty();
        }
        statusReport.notReady(problem.reason(), problem.getMessage());
        if (!Objects.equals(previousReason, problem.reason())) {
            kubeEvents.warning(testVM, problem.reason(), problem.getMessage());
        }
        return Optional.of(backoff(testVM));
    }

    /** 1 s doubling to {@link #MAX_RETRY} with each failed pass in a row. */
    private Duration backoff(TestVM testVM) {
        int attempt = ++memoryOf(testVM).failedAttempts;
        return Duration.ofMillis(Math.min(MAX_RETRY.toMillis(), 1000L << Math.min(attempt - 1, 10)));
    }

    /**
     * A deleted pool member whose VM its claimant took over: the finalizer goes without destroying
     * the VM (or waits while the claimant may still record it). Empty: delete as usual.
     */
    private Optional<DeleteControl> releaseClaimedPoolVm(TestVM testVM) {
        switch (MemberRelease.decide(client, testVM)) {
            case KEEP_VM -> {
                forget(testVM);
                observer.deleted(testVM);
                return Optional.of(DeleteControl.defaultDelete());
            }
            case WAIT_FOR_CLAIMANT -> {
                return Optional.of(DeleteControl.noFinalizerRemoval().rescheduleAfter(1000));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Shows phase Deleting while the finalizer works; best effort, the resource is going away. */
    private void markDeleting(TestVM testVM, Context<TestVM> context) {
        if (context == null || testVM.getStatus() == null || testVM.getStatus().getPhase() == Phase.Deleting) {
            return;
        }
        try {
            context.getClient().resources(TestVM.class).inNamespace(testVM.getMetadata().getNamespace())
                    .withName(testVM.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), StatusReport.DELETING_PATCH);
            kubeEvents.normal(testVM, "Deleting", "powering off and destroying the VM");
        } catch (RuntimeException e) {
            // Not worth failing the cleanup over a cosmetic status field.
        }
    }

    private Optional<Duration> waitForCapacity(TestVM testVM, TaskCapacityExceededException e, Instant now) {
        String previousReason = Conditions.find(testVM.getStatus(), ConditionTypes.READY).map(c -> c.getReason()).orElse(null);
        String message = e instanceof WaitingForTaskSlotException ? e.getMessage()
                : "waiting for a free vCenter task slot: " + e.getMessage();
        new StatusReport(testVM, now).notReady(Reasons.WAITING_FOR_CAPACITY, message);
        if (!Reasons.WAITING_FOR_CAPACITY.equals(previousReason)) {
            kubeEvents.normal(testVM, Reasons.WAITING_FOR_CAPACITY, message);
        }
        return Optional.of(CAPACITY_RETRY);
    }

    /**
     * Maps failures outside any step's own handling to retryable conditions. An exception nobody
     * expected becomes {@code ReconcileError} too (its stack goes to the log), so no TestVM is
     * left without a condition and no finalizer waits on the framework's retry budget.
     */
    static TestVMProblem classify(RuntimeException e) {
        if (e instanceof TestVMProblem problem) {
            return problem;
        }
        if (e instanceof VCenterUnreachableException) {
            return TestVMProblem.retryable(Reasons.VCENTER_UNREACHABLE, "vCenter unreachable: " + e.getMessage(), e);
        }
        if (e instanceof VimFaultException fault) {
            if (fault instanceof InvalidLoginException || fault instanceof NoPermissionException) {
                return TestVMProblem.retryable(Reasons.VCENTER_LOGIN_FAILED,
                        "vCenter refused the operator's login (check the vCenter credentials Secret): " + fault.faultType(), e);
            }
            return TestVMProblem.retryable(Reasons.VCENTER_ERROR, "vCenter answered " + e.getMessage(), e);
        }
        LOG.warn("unexpected exception while reconciling a TestVM; retrying with backoff", e);
        return TestVMProblem.retryable(Reasons.RECONCILE_ERROR,
                "the operator hit an unexpected " + e.getClass().getSimpleName() + "; retrying (details in the operator log)", e);
    }

    /**
     * Whatever escaped {@link #reconcile} (e.g. the status patch itself failed) still ends as a
     * condition the user can see; the framework retries as configured.
     */
    @Override
    public ErrorStatusUpdateControl<TestVM> updateErrorStatus(TestVM testVM, Context<TestVM> context, Exception e) {
        new StatusReport(testVM, Instant.now()).notReady(Reasons.RECONCILE_ERROR,
                "reconcile failed with " + e.getClass().getSimpleName() + "; retrying (details in the operator log)");
        return ErrorStatusUpdateControl.patchStatus(testVM);
    }

    @Override
    public DeleteControl cleanup(TestVM testVM, Context<TestVM> context) {
        if (!choice.serves(testVM)) {
            return DeleteControl.noFinalizerRemoval(); // the replica serving its vCenter deletes it
        }
        Optional<DeleteControl> handedOver = releaseClaimedPoolVm(testVM);
        if (handedOver.isPresent()) {
            return handedOver.get();
        }
        markDeleting(testVM, context);
        QueuedTaskStarts connection = null;
        try {
            if (choice.nothingCloned(testVM)) {
                forget(testVM);
                return DeleteControl.defaultDelete();
            }
            connection = open(testVM, false);
            Optional<Duration> again = deletion.run(testVM, connection, memoryOf(testVM));
            if (again.isEmpty()) {
                forget(testVM);
                observer.deleted(testVM);
                kubeEvents.normal(testVM, "Deleted", "no VM left for this TestVM; removing the finalizer");
                return DeleteControl.defaultDelete();
            }
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(Math.max(1, again.get().toMillis()));
        } catch (TaskCapacityExceededException e) {
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(CAPACITY_RETRY.toMillis());
        } catch (RuntimeException e) {
            TestVMProblem problem = classify(e);
            kubeEvents.warning(testVM, problem.reason(), "deleting: " + problem.getMessage());
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(backoff(testVM).toMillis());
        } finally {
            if (connection != null) {
                connection.passEnded();
            }
        }
    }
}
