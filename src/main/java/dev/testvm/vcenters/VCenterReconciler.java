package dev.testvm.vcenters;

import dev.testvm.api.TestVM;
import dev.testvm.api.VCenterResource;
import dev.testvm.api.VCenterSpec;
import dev.testvm.api.VCenterStatus;
import dev.testvm.policy.VCenterRules;
import dev.testvm.reconciler.connection.VCenterConnection;
import dev.testvm.reconciler.connection.VCenterRegistry;
import dev.testvm.vsphere.VCenter;
import dev.testvm.vsphere.vim.VimVCenter;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Feeds the connection registry from VCenter resources (cluster-scoped) and reports each one's
 * connection in its status. The credentials Secret lives in the operator's namespace and is
 * watched: a rotated password, like changed TLS settings, replaces the session at once (the next
 * use logs in anew), without a restart.
 *
 * <p>Deleting a VCenter that TestVMs still use: its finalizer keeps it (and its connection) until
 * the last TestVM pinned to it is gone, so those can still be deleted and their VMs destroyed; it
 * takes no new TestVMs meanwhile and says so in its Ready condition (reason {@code Deleting}).
 */
@ControllerConfiguration(name = VCenterReconciler.NAME)
public class VCenterReconciler implements Reconciler<VCenterResource>, Cleaner<VCenterResource> {

    public static final String NAME = "vcenter";
    static final Duration RECHECK = Duration.ofSeconds(60);
    static final Duration UNHEALTHY_RECHECK = Duration.ofSeconds(10);
    static final Duration DELETING_RECHECK = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(VCenterReconciler.class);

    private final VCenterRegistry registry;
    private final KubernetesClient client;
    private final String secretNamespace;
    private final Path caDirectory;
    /** Login fingerprint per VCenter whose connection is set up, to replace a session only when something changed. */
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    private volatile InformerEventSource<Secret, VCenterResource> secrets;

    @Inject
    public VCenterReconciler(VCenterRegistry registry, KubernetesClient client,
            @ConfigProperty(name = "testvm.vcenters.secret-namespace") Optional<String> secretNamespace) {
        this(registry, client, secretNamespace.orElseGet(() -> ownNamespace(client)),
                Path.of(System.getProperty("java.io.tmpdir"), "testvm-vcenter-ca"));
    }

    public VCenterReconciler(VCenterRegistry registry, KubernetesClient client, String secretNamespace, Path caDirectory) {
        this.registry = registry;
        this.client = client;
        this.secretNamespace = secretNamespace;
        this.caDirectory = caDirectory;
    }

    /**
     * The namespace the operator runs in (its pod's, from the service account), where its Secrets
     * are. Outside a pod the client cannot tell; guessing ("default") would watch Secrets where
     * none are, and every VCenter would then report its credentials Secret missing, which hides
     * the real cause. So the operator refuses to start and says what to set.
     */
    static String ownNamespace(KubernetesClient client) {
        String namespace = client.getNamespace();
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalStateException("Cannot tell the operator's namespace (where VCenter credentials Secrets are read):"
                    + " the Kubernetes client knows none (not running in a pod, no namespace in the kubeconfig context)."
                    + " Set TESTVM_VCENTERS_SECRET_NAMESPACE (testvm.vcenters.secret-namespace) to that namespace;"
                    + " deploy/ and the Helm chart set it from the pod's namespace.");
        }
        return namespace;
    }

    @Override
    public List<EventSource<?, VCenterResource>> prepareEventSources(EventSourceContext<VCenterResource> context) {
        secrets = new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class, VCenterResource.class)
                .withName("vcenter-credentials")
                .withNamespaces(secretNamespace)
                .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                        .list(vc -> names(vc, secret))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);
        return List.of(secrets);
    }

    private static boolean names(VCenterResource vc, Secret secret) {
        return vc.getSpec() != null && vc.getSpec().getCredentialsSecret() != null
                && secret.getMetadata().getName().equals(vc.getSpec().getCredentialsSecret().getName());
    }

    @Override
    public UpdateControl<VCenterResource> reconcile(VCenterResource vc, Context<VCenterResource> context) {
        String name = vc.getMetadata().getName();
        Optional<String> marked = DefaultVCenter.among(context.getPrimaryCache().list());
        registry.markDefault(marked.orElse(null));
        VCenterStatus status = vc.getStatus() == null ? new VCenterStatus() : vc.getStatus();
        vc.setStatus(status);
        Instant now = Instant.now();
        ConnectionCheck.Outcome outcome;
        try {
            VCenterConnection connection = apply(name, vc.getSpec());
            outcome = ConnectionCheck.check(connection);
            status.setSessionsOpen(connection.isConnected() ? 1 : 0);
            status.setTasksInFlight(tasksInFlight(connection));
        } catch (SetupProblem problem) {
            outcome = ConnectionCheck.Outcome.notConnected(problem.reason(), problem.getMessage());
            status.setSessionsOpen(0);
            status.setTasksInFlight(0);
        }
        write(vc, status, outcome, defaultNote(vc, marked), now);
        status.setTestVMsServed(served(name));
        status.setObservedGeneration(vc.getMetadata().getGeneration());
        return UpdateControl.patchStatus(vc).rescheduleAfter(outcome.ready() ? RECHECK : UNHEALTHY_RECHECK);
    }

    /**
     * The VCenter's registry entry, set up anew when its login changed (the open session, if any,
     * is logged out; the next use logs in with the new settings). Rules are replaced every time:
     * they cost nothing to swap and take effect at the next TestVM pass.
     */
    private VCenterConnection apply(String name, VCenterSpec spec) throws SetupProblem {
        Optional<Secret> secret = secrets.get(new ResourceID(spec.getCredentialsSecret().getName(), secretNamespace));
        VCenterLogin login;
        try {
            login = VCenterLogin.of(name, spec, secret, secretNamespace, caDirectory);
        } catch (SetupProblem problem) {
            // Without a usable login the old session (old password, old TLS settings) must not go on.
            registry.put(name, spec.getDatacenter(), () -> {
                throw new dev.testvm.vsphere.VCenterUnreachableException("VCenter " + name + " is not set up: "
                        + problem.getMessage(), null);
            });
            applied.remove(name);
            throw problem;
        }
        VCenterConnection connection = registry.find(name).orElse(null);
        if (connection == null || !login.fingerprint().equals(applied.get(name))) {
            LOG.infof("VCenter %s: connecting to %s as %s", name, spec.getUrl(), login.settings().username());
            connection = registry.put(name, spec.getDatacenter(), () -> connect(login));
            applied.put(name, login.fingerprint());
        }
        connection.rules(new VCenterRules(name, spec));
        connection.retiring(false);
        return connection;
    }

    /** Overridable by tests that connect to fakes. */
    protected VCenter connect(VCenterLogin login) {
        return VimVCenter.connect(login.settings());
    }

    private static int tasksInFlight(VCenterConnection connection) {
        return connection.isConnected() ? connection.get().taskSlots().inFlight() : 0;
    }

    private static void write(VCenterResource vc, VCenterStatus status, ConnectionCheck.Outcome outcome, String note,
            Instant now) {
        Long generation = vc.getMetadata().getGeneration();
        VCenterConditions.set(status, VCenterConditions.CONNECTED, outcome.connected(), outcome.reason(), outcome.message(),
                generation, now);
        VCenterConditions.set(status, VCenterConditions.READY, outcome.ready(), outcome.readyReason(),
                outcome.readyMessage() + note, generation, now);
        if (outcome.version() != null) {
            status.setVersion(outcome.version());
        }
    }

    private static String defaultNote(VCenterResource vc, Optional<String> marked) {
        boolean wantsDefault = Boolean.TRUE.equals(vc.getSpec().getIsDefault());
        if (wantsDefault && marked.isPresent() && !marked.get().equals(vc.getMetadata().getName())) {
            return "; spec.default is ignored: VCenter " + marked.get() + " is marked default too and comes first by name";
        }
        return "";
    }

    /** TestVMs pinned to this vCenter, in any namespace. */
    private int served(String name) {
        return (int) client.resources(TestVM.class).inAnyNamespace().list().getItems().stream()
                .filter(t -> t.getStatus() != null && name.equals(t.getStatus().getVcenter()))
                .count();
    }

    @Override
    public DeleteControl cleanup(VCenterResource vc, Context<VCenterResource> context) {
        String name = vc.getMetadata().getName();
        registry.markDefault(DefaultVCenter.among(context.getPrimaryCache().list()).orElse(null));
        registry.find(name).ifPresent(connection -> connection.retiring(true));
        int served = served(name);
        if (served > 0) {
            reportDeleting(vc, served);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(DELETING_RECHECK.toMillis());
        }
        registry.remove(name);
        applied.remove(name);
        LOG.infof("VCenter %s deleted: no TestVM uses it any more; session logged out", name);
        return DeleteControl.defaultDelete();
    }

    /** Best effort: the resource is going away, and the next check writes it again. */
    private void reportDeleting(VCenterResource vc, int served) {
        VCenterStatus status = vc.getStatus() == null ? new VCenterStatus() : vc.getStatus();
        VCenterConditions.set(status, VCenterConditions.READY, false, "Deleting", served + " TestVM(s) still use this vCenter;"
                + " it takes no new TestVMs and is removed when they are gone", vc.getMetadata().getGeneration(), Instant.now());
        status.setTestVMsServed(served);
        vc.setStatus(status);
        try {
            client.resource(vc).patchStatus();
        } catch (RuntimeException e) {
            LOG.debugf("VCenter %s: status not written while deleting: %s", vc.getMetadata().getName(), e.getMessage());
        }
    }
}
