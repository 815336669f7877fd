/**
 * IP discovery for TestVMs: finding the address of a freshly cloned guest as early as possible.
 *
 * <p>VMware Tools publish a guest's address on a fixed ~30 s poll; running a command in the
 * guest through the guest-operations API ("active discovery") sees it within a second or two of
 * DHCP answering. The reconciler takes this package as one injected bean,
 * {@code reconciler.steps.GuestDiscovery} (built by {@code config.DiscoveryWiring} from one
 * {@link dev.testvm.discovery.DiscoverySettings}): behind its IP finder,
 * {@link dev.testvm.discovery.IpDiscoveryCoordinator}; behind its command probe (the readiness
 * command), {@link dev.testvm.discovery.GuestCommandProbe}. Keeping both behind one bean means one
 * place decides how guest programs are paced, and a test can swap the IP finder alone. The other
 * classes are their parts:
 *
 * <ul>
 *   <li>{@link dev.testvm.discovery.IpScanner}, {@link dev.testvm.discovery.IpFilter},
 *       {@link dev.testvm.discovery.ToolsIpSource}: addresses out of command output or Tools'
 *       properties, and which of them counts;
 *   <li>{@link dev.testvm.discovery.GuestOs}, {@link dev.testvm.discovery.GuestCommands}: which
 *       shell and command to run;
 *   <li>{@link dev.testvm.discovery.GuestOpsDiscovery}, {@link dev.testvm.discovery.NetworkRefresh}:
 *       step-wise, non-blocking runs of a guest program, paced by
 *       {@link dev.testvm.discovery.Backoff}.
 * </ul>
 *
 * <p>Nothing here sleeps or waits for the guest: every step makes a few quick calls and says
 * when to come back.
 *
 * <p>May use {@code vsphere} and {@code api}, the latter only for the spec's own enums
 * ({@code IpFamily}, {@code IpDiscoveryStrategy}, {@code GuestOsSpec}: one enum per spec field;
 * {@link dev.testvm.discovery.GuestOs} is the OS that was resolved, not the setting). Used by
 * {@code reconciler.steps} and {@code config}.
 */
package dev.testvm.discovery;
