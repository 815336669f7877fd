package dev.testvm.api;

import java.util.List;

public class TestVMStatus extends ConditionedStatus {

    private Phase phase;
    private String ip;
    private List<String> ipAddresses;
    /** Tools, GuestOperations (through the ESXi host) or GuestOperationsViaTools (vCenter-only channel): which discovery produced {@link #ip}. */
    private String ipSource;
    private String guestOS;
    private VmStatus vm;
    /**
     * The vCenter chosen at the first pass (spec.vcenter, the default VCenter, or "(environment)"),
     * fixed from then on so that marking another VCenter default never moves a TestVM.
     */
    private String vcenter;
    private String effectiveCloneType;
    /** The vSphere task in flight (Task:task-77), if any. */
    private String taskRef;
    private Timings timings;
    private Milestones milestones;
    private Long observedGeneration;
    private String expiresAt;
    /** Set when spec.poolRef is: whether the VM was claimed from the pool or cloned. */
    private PoolClaim pool;

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public List<String> getIpAddresses() {
        return ipAddresses;
    }

    public void setIpAddresses(List<String> ipAddresses) {
        this.ipAddresses = ipAddresses;
    }

    public String getIpSource() {
        return ipSource;
    }

    public void setIpSource(String ipSource) {
        this.ipSource = ipSource;
    }

    public String getGuestOS() {
        return guestOS;
    }

    public void setGuestOS(String guestOS) {
        this.guestOS = guestOS;
    }

    public VmStatus getVm() {
        return vm;
    }

    public void setVm(VmStatus vm) {
        this.vm = vm;
    }

    public String getEffectiveCloneType() {
        return effectiveCloneType;
    }

    public void setEffectiveCloneType(String effectiveCloneType) {
        this.effectiveCloneType = effectiveCloneType;
    }

    public String getTaskRef() {
        return taskRef;
    }

    public void setTaskRef(String taskRef) {
        this.taskRef = taskRef;
    }

    public Timings getTimings() {
        return timings;
    }

    public void setTimings(Timings timings) {
        this.timings = timings;
    }

    public Milestones getMilestones() {
        return milestones;
    }

    public void setMilestones(Milestones milestones) {
        this.milestones = milestones;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(String expiresAt) {
        this.expiresAt = expiresAt;
    }

    public String getVcenter() {
        return vcenter;
    }

    public void setVcenter(String vcenter) {
        this.vcenter = vcenter;
    }

    public PoolClaim getPool() {
        return pool;
    }

    public void setPool(PoolClaim pool) {
        this.pool = pool;
    }
}
