package dev.testvm.vsphere.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.testvm.vsphere.GuestNic;
import dev.testvm.vsphere.GuestProcess;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.PowerState;
import dev.testvm.vsphere.Recorded;
import dev.testvm.vsphere.TaskInfo;
import dev.testvm.vsphere.VCenterUnreachableException;
import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.VmInfo;
import dev.testvm.vsphere.fault.GuestOperationsUnavailableException;
import dev.testvm.vsphere.fault.InvalidGuestLoginException;
import dev.testvm.vsphere.fault.InvalidPowerStateException;
import dev.testvm.vsphere.fault.InvalidStateException;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.fault.NotAuthenticatedException;
import dev.testvm.vsphere.object.GuestOperations;
import dev.testvm.vsphere.object.VmProperties;
import dev.testvm.vsphere.types.ObjectContent;
import dev.testvm.vsphere.types.ServiceContent;
import dev.testvm.vsphere.types.UpdateSet;
import dev.testvm.vsphere.types.Values;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of recorded vcsim responses (and a few hand-written ones in vCenter's shape). */
class ResponseParsingTest {

    @Test
    void serviceContentGivesApiVersionAndManagers() {
        ServiceContent sc = ServiceContent.parse(Recorded.response("RetrieveServiceContent.xml").child("returnval"));
        assertThat(sc.apiVersion()).isEqualTo("6.5");
        assertThat(sc.propertyCollector()).isEqualTo(new MoRef("PropertyCollector", "propertyCollector"));
        assertThat(sc.sessionManager()).isEqualTo(new MoRef("SessionManager", "SessionManager"));
        assertThat(sc.searchIndex()).isEqualTo(new MoRef("SearchIndex", "SearchIndex"));
        assertThat(sc.rootFolder()).isEqualTo(new MoRef("Folder", "group-d1"));
        assertThat(sc.guestOperationsManager()).isNotNull();
        assertThat(sc.viewManager()).isNotNull();
    }

    @Test
    void vcsimVmPropertiesWithUnderscorePrefixedXsi() {
        ObjectContent content = ObjectContent.Page.parse(Recorded.response("RetrievePropertiesEx-vm.xml").child("returnval")).objects().get(0);
        VmInfo info = VmProperties.parse(content.obj(), content);
        assertThat(info.moRef()).isEqualTo(MoRef.vm("vm-62"));
        assertThat(info.name()).isEqualTo("DC0_H0_VM0");
        assertThat(info.powerState()).isEqualTo(PowerState.POWERED_ON);
        assertThat(info.instanceUuid()).isEqualTo("b170c191-7587-5f8e-9a15-08c6a0a11ca5");
        assertThat(info.extraConfig()).containsEntry("govcsim", "TRUE");
        assertThat(info.nics()).singleElement().satisfies(nic -> {
            assertThat(nic.macAddress()).isEqualTo("00:0c:29:63:65:61");
            assertThat(nic.ipAddresses()).isEmpty();
        });
        assertThat(info.ipAddress()).isNull();
        assertThat(info.currentSnapshot()).isNull();
        assertThat(content.get("guest.net").xsiType()).isEqualTo("ArrayOfGuestNicInfo");
    }

    @Test
    void nestedGuestNetKeepsOnlyEachNicsOwnAddresses() {
        ObjectContent content = ObjectContent.Page.parse(Recorded.response("RetrievePropertiesEx-guest-net.xml").child("returnval")).objects().get(0);
        VmInfo info = VmProperties.parse(content.obj(), content);
        assertThat(info.ipAddress()).isEqualTo("10.0.0.42");
        assertThat(info.toolsRunning()).isTrue();
        assertThat(info.guestOperationsReady()).isTrue();
        assertThat(info.currentSnapshot()).isEqualTo(new MoRef("VirtualMachineSnapshot", "snapshot-7"));
        assertThat(info.nics()).containsExactly(
                new GuestNic("VM Network", "00:50:56:01:00:02", true, List.of("10.0.0.42", "fe80::250:56ff:fe01:2")),
                new GuestNic("backend", "00:50:56:01:00:03", false, List.of("169.254.10.20")));
    }

    @Test
    void pagedResultCarriesToken() {
        ObjectContent.Page page = ObjectContent.Page.parse(Recorded.response("RetrievePropertiesEx-page-token.xml").child("returnval"));
        assertThat(page.token()).isEqualTo("5e0bd2b1-0f52-4a5c-8d2b-7d0c4f1a2b3c");
        assertThat(page.objects()).extracting(ObjectContent::obj).containsExactly(MoRef.vm("vm-1"), MoRef.vm("vm-2"));
        assertThat(ObjectContent.Page.parse(null).token()).isNull();
    }

    @Test
    void faultWithXsiPrefixMapsToTypedException() {
        assertThatThrownBy(() -> Recorded.response("fault-NotAuthenticated-xsi.xml", 500))
                .isInstanceOf(NotAuthenticatedException.class)
                .extracting(e -> ((VimFaultException) e).faultType()).isEqualTo("NotAuthenticated");
        assertThatThrownBy(() -> Recorded.response("fault-ManagedObjectNotFound-xsi.xml", 500))
                .isInstanceOf(ManagedObjectNotFoundException.class)
                .hasMessageContaining("The object has already been deleted");
        assertThatThrownBy(() -> Recorded.response("fault-GuestOperationsUnavailable-xsi.xml", 500))
                .isInstanceOf(GuestOperationsUnavailableException.class)
                .satisfies(e -> assertThat(((VimFaultException) e).faultMessage())
                        .isEqualTo("The guest operations agent could not be contacted."));
    }

    @Test
    void faultWithVcsimsXmlSchemaInstancePrefixMapsToTypedException() {
        assertThatThrownBy(() -> Recorded.response("fault-InvalidGuestLogin-XMLSchema-instance.xml", 500))
                .isInstanceOf(InvalidGuestLoginException.class)
                .hasMessageContaining("Failed to authenticate with the guest operating system");
    }

    @Test
    void emptyFaultstringFallsBackToFaultMessage() {
        // recorded from the project's simulator (fault injected through its control API)
        assertThatThrownBy(() -> Recorded.response("fault-GuestPermissionDenied-faultMessage.xml", 500))
                .isInstanceOf(dev.testvm.vsphere.fault.GuestPermissionDeniedException.class)
                .satisfies(e -> assertThat(((VimFaultException) e).faultMessage()).isEqualTo("testvm may not run /bin/sh"));
    }

    @Test
    void faultFoundEvenWhenStatusIs200() {
        assertThatThrownBy(() -> Recorded.response("fault-NotAuthenticated-xsi.xml", 200)).isInstanceOf(NotAuthenticatedException.class);
    }

    @Test
    void serverErrorWithoutFaultIsUnreachable() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SoapClient.unwrap(URI.create("https://vc/sdk"), "Login", 502, html))
                .isInstanceOf(VCenterUnreachableException.class).hasMessageContaining("HTTP 502");
        assertThatThrownBy(() -> SoapClient.unwrap(URI.create("https://vc/sdk"), "Login", 503, new byte[0]))
                .isInstanceOf(VCenterUnreachableException.class);
    }

    @Test
    void unknownFaultTypeKeepsTypeAndMessage() {
        VimFaultException e = FaultMapper.exception("NoDiskSpace", "datastore full");
        assertThat(e).isExactlyInstanceOf(VimFaultException.class);
        assertThat(e.faultType()).isEqualTo("NoDiskSpace");
        assertThat(e.faultMessage()).isEqualTo("datastore full");
    }

    @Test
    void taskErrorWithVcsimPrefixBecomesTypedException() {
        ObjectContent content = ObjectContent.Page.parse(Recorded.response("RetrievePropertiesEx-task-error.xml").child("returnval")).objects().get(0);
        TaskInfo info = Values.taskInfo(content.obj(), content.get("info.state"), content.get("info.result"), content.get("info.error"));
        assertThat(info.state()).isEqualTo(TaskInfo.State.ERROR);
        assertThat(info.error()).isInstanceOf(InvalidPowerStateException.class).isInstanceOf(InvalidStateException.class);
        assertThat(info.result()).isNull();
    }

    @Test
    void waitForUpdatesWithReturnval() {
        UpdateSet enter = UpdateSet.parse(Recorded.response("WaitForUpdatesEx-enter.xml"));
        assertThat(enter.version()).isEqualTo("-");
        assertThat(enter.updates()).singleElement().satisfies(u -> {
            assertThat(u.kind()).isEqualTo("enter");
            assertThat(u.obj()).isEqualTo(MoRef.vm("vm-62"));
            assertThat(u.changes()).containsOnlyKeys("runtime.powerState", "guest.ipAddress", "guest.net");
            assertThat(u.changes().get("guest.ipAddress")).isNull();
            assertThat(u.changes().get("runtime.powerState").text()).isEqualTo("poweredOn");
        });
        UpdateSet modify = UpdateSet.parse(Recorded.response("WaitForUpdatesEx-modify.xml"));
        assertThat(modify.updates()).singleElement().satisfies(u -> {
            assertThat(u.kind()).isEqualTo("modify");
            assertThat(u.changes().get("runtime.powerState").text()).isEqualTo("poweredOff");
        });
    }

    @Test
    void waitForUpdatesWithoutReturnvalMeansTimeout() {
        assertThat(UpdateSet.parse(Recorded.response("WaitForUpdatesEx-timeout.xml"))).isNull();
    }

    @Test
    void fileTransferUrlIsUnescapedAndStarHostReplaced() {
        XmlElement response = Recorded.response("InitiateFileTransferFromGuest.xml");
        String url = response.child("returnval").childText("url");
        assertThat(url).isEqualTo("https://*:443/guestFile?id=17&token=52a3c1e4-%2Fabc&vm=vm-1042");
        assertThat(GuestOperations.transferUri(url, URI.create("https://vcenter.example:8443/sdk")))
                .hasToString("https://vcenter.example:443/guestFile?id=17&token=52a3c1e4-%2Fabc&vm=vm-1042");
        assertThat(GuestOperations.transferUri("https://*/guestFile?id=1&token=x", URI.create("https://127.0.0.1:40123/sdk")))
                .hasToString("https://127.0.0.1:40123/guestFile?id=1&token=x");
        assertThat(GuestOperations.transferUri("https://esx-1.example/guestFile?id=1", URI.create("https://vc/sdk")))
                .hasToString("https://esx-1.example/guestFile?id=1");
    }

    @Test
    void listProcessesTreatsEndTimeAsFinishedAndMissingExitCodeAsZero() {
        List<GuestProcess> processes = Values.guestProcesses(Recorded.response("ListProcessesInGuest.xml"));
        assertThat(processes).containsExactly(
                new GuestProcess(101, "/bin/sh", true, 0),
                new GuestProcess(102, "/bin/sh", false, null),
                new GuestProcess(103, "/bin/false", true, 3));
    }

    @Test
    void snapshotFoundByNameAnywhereInTheTree() {
        ObjectContent content = ObjectContent.Page.parse(Recorded.response("RetrievePropertiesEx-snapshot-tree.xml").child("returnval")).objects().get(0);
        XmlElement tree = content.get("snapshot.rootSnapshotList");
        assertThat(Values.findSnapshot(tree, "base")).isEqualTo(new MoRef("VirtualMachineSnapshot", "snapshot-3"));
        assertThat(Values.findSnapshot(tree, "root")).isEqualTo(new MoRef("VirtualMachineSnapshot", "snapshot-1"));
        assertThat(Values.findSnapshot(tree, "nope")).isNull();
        assertThat(Values.findSnapshot(null, "base")).isNull();
    }

    @Test
    void parserRefusesDoctypes() {
        byte[] evil = ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<x>&e;</x>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> XmlParser.parse(evil)).isInstanceOf(IllegalArgumentException.class);
    }
}
