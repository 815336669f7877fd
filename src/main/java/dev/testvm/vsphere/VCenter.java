package dev.testvm.vsphere;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the operator needs of one vCenter. Implemented by our vim25 SOAP client; the reconciler
 * depends on this interface only, so it can be unit-tested with a fake.
 *
 * <p>Methods that start vSphere tasks return the task at once; nothing here waits for a task.
 * Failures arrive as {@link VimFaultException} (or a subclass) or
 * {@link VCenterUnreachableException}. Implementations are thread-safe and share one session.
 */
public interface VCenter extends AutoCloseable {

    /** {@code SearchIndex.FindByInventoryPath}, e.g. {@code DC0/vm/Templates/ubuntu-22.04}. */
    Optional<MoRef> findByInventoryPath(String inventoryPath);

    /** {@code SearchIndex.FindByUuid} with {@code instanceUuid=true}. */
    Optional<MoRef> findVmByInstanceUuid(String instanceUuid);

    /** Reads a VM's decision-relevant properties; throws ManagedObjectNotFound if it is gone. */
    VmInfo vmInfo(MoRef vm);

    /** A managed-object-valued property, e.g. a cluster's {@code resourcePool}. */
    Optional<MoRef> moRefProperty(MoRef object, String propertyPath);

    /** The snapshot of {@code vm} named {@code name} (first match in the tree). */
    Optional<MoRef> findSnapshot(MoRef vm, String name);

    /** All VMs with the given extraConfig key set, with its value (for the orphan sweeper). */
    List<VmInfo> vmsWithExtraConfigKey(String key);

    MoRef startClone(CloneRequest request);

    /**
     * Clone tasks ({@code CloneVM_Task}, {@code InstantClone_Task}) of {@code source} that are still
     * queued or running, whoever started them (read from the source's {@code recentTask}). Lets an
     * operator that lost track of a clone it may have started wait for it instead of cloning again.
     */
    List<MoRef> activeCloneTasks(MoRef source);

    MoRef startPowerOn(MoRef vm);

    MoRef startPowerOff(MoRef vm);

    MoRef startDestroy(MoRef vm);

    TaskInfo taskInfo(MoRef task);

    /** The task bound and the tasks started through this connection that are still in flight. */
    TaskSlots taskSlots();

    /**
     * Called, on whichever thread saw a task finish, each time one of this connection's task
     * slots frees up (after the slot is free, so {@link #taskSlots()} already counts it).
     */
    void addTaskSlotListener(Runnable listener);

    /** {@code StartProgramInGuest}; returns the guest pid. */
    long startProgramInGuest(MoRef vm, GuestCredentials credentials, String programPath, String arguments);

    List<GuestProcess> listProcessesInGuest(MoRef vm, GuestCredentials credentials, List<Long> pids);

    /** {@code TerminateProcessInGuest}: stops a guest program (one the operator gave up waiting for). */
    void terminateProcessInGuest(MoRef vm, GuestCredentials credentials, long pid);

    /**
     * The most {@link #downloadFileFromGuest} reads (512 KiB: plenty for any address listing, and
     * far below what would strain the operator's memory).
     */
    int GUEST_FILE_MAX_BYTES = 512 * 1024;

    /**
     * {@code InitiateFileTransferFromGuest} plus the HTTPS download of the returned URL, streamed
     * and stopped at {@link #GUEST_FILE_MAX_BYTES} ({@link dev.testvm.vsphere.fault.GuestFileTooLargeException}).
     */
    byte[] downloadFileFromGuest(MoRef vm, GuestCredentials credentials, String guestPath);

    void deleteFileInGuest(MoRef vm, GuestCredentials credentials, String guestPath);

    /**
     * Follows {@code object} in the connection's single {@code WaitForUpdatesEx} loop: VMs for
     * power state and guest properties, tasks for {@code info.state}. Idempotent.
     */
    void follow(MoRef object);

    void unfollow(MoRef object);

    /** Receives every change of every followed object, on the watcher's thread. */
    void addChangeListener(Consumer<PropertyChange> listener);

    /** The vSphere API version the vCenter announced at login (e.g. 8.0.2.0), or null if unknown. */
    default String apiVersion() {
        return null;
    }

    /** Logs out and stops the watcher. */
    @Override
    void close();
}
