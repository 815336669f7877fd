/**
 * IP discovery for TestVMs: finding the address of a freshly cloned guest as early as possible.
 *
 * <p>VMware Tools publish a guest's address on a fixed ~30 s poll; running a command in the
 * guest through the guest-operations API ("active discovery") sees it within a second or two of
 * DHCP answering. The reconciler talks to {@link dev.testvm.discovery.IpDiscoveryCoordinator}
 * only; the other classes are its parts:
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
 */
package dev.testvm.discovery;
