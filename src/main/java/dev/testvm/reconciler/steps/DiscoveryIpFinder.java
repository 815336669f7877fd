package dev.testvm.reconciler.steps;

import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.IpDiscoverySpec;
import dev.testvm.api.IpDiscoveryStrategy;
import dev.testvm.api.TestVM;
import dev.testvm.discovery.DiscoveryOutcome;
import dev.testvm.discovery.DiscoveryRequest;
import dev.testvm.discovery.DiscoveryResult;
import dev.testvm.discovery.GuestOs;
import dev.testvm.discovery.IpDiscoveryCoordinator;
import dev.testvm.reconciler.status.Reasons;
import dev.testvm.reconciler.status.TestVMProblem;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.VmInfo;

/**
 * Adapts the discovery package's coordinator to the reconciler: reads the guest credentials,
 * builds the request from the spec, and turns the outcome into status words.
 */
public final class DiscoveryIpFinder implements IpFinder {

    private final IpDiscoveryCoordinator coordinator;
    private final GuestCredentialsReader credentialsReader;

    public DiscoveryIpFinder(IpDiscoveryCoordinator coordinator, GuestCredentialsReader credentialsReader) {
        this.coordinator = coordinator;
        this.credentialsReader = credentialsReader;
    }

    @Override
    public Result find(Pass pass, MoRef vm, VmInfo info, IpDiscoverySpec spec, IpDiscoveryCheck.Checked checked) {
        TestVM testVM = pass.testVM();
        IpDiscoveryStrategy strategy = spec.getStrategy() == null ? IpDiscoveryStrategy.auto : spec.getStrategy();
        DiscoveryRequest.Builder request = DiscoveryRequest.builder(pass.uid(), pass.vcenter(), vm, info)
                .strategy(strategy)
                .os(testVM.getSpec().getGuest() == null ? null : testVM.getSpec().getGuest().getOs())
                .command(spec.getCommand())
                .network(spec.getNetwork())
                .nicIndex(checked.nics().index())
                .portgroupKey(checked.nics().portgroupKey())
                .cidrs(checked.allow(), checked.exclude())
                .family(spec.getFamily())
                .refreshNetwork(testVM.getSpec().getCloneType() == CloneTypeSpec.instant);
        GuestProblem secretProblem = null;
        try {
            GuestCredentialsReader.Loaded loaded = credentialsReader.read(testVM);
            if (loaded != null) {
                request.credentials(loaded.credentials(), loaded.version(), loaded.secretName());
            }
        } catch (TestVMProblem problem) {
            if (strategy != IpDiscoveryStrategy.auto) {
                throw problem;
            }
            // auto: Tools can still answer while the Secret is missing; say why guest operations are off.
            secretProblem = new GuestProblem(problem.reason(), problem.getMessage());
            request.secretName(testVM.getSpec().getGuest().getCredentialsSecretRef().getName());
        }

        DiscoveryResult result = coordinator.step(request.build());
        String guestOS = result.guestOs().map(GuestOs::specValue).orElse(null);
        GuestProblem problem = secretProblem != null ? secretProblem
                : result.guestOpsProblem().map(p -> new GuestProblem(p.reason(), p.message())).orElse(null);
        DiscoveryOutcome outcome = result.outcome();
        if (outcome instanceof DiscoveryOutcome.Found found) {
            return Result.found(found.ip(), found.addresses(), found.source().statusValue(), guestOS).withProblem(problem);
        }
        if (outcome instanceof DiscoveryOutcome.NotYet notYet) {
            return Result.notYet(Reasons.WAITING_FOR_IP, notYet.why(), result.retryAfter(), guestOS).withProblem(problem);
        }
        // Strategy guestOperations: the failure is the answer until it changes (e.g. the Secret is fixed).
        String reason = problem != null ? problem.reason() : Reasons.GUEST_COMMAND_FAILED;
        String message = problem != null ? problem.message() : outcome.toString();
        return Result.notYet(reason, message, result.retryAfter(), guestOS).withProblem(problem);
    }

    @Override
    public void forget(String uid) {
        coordinator.forget(uid);
    }
}
