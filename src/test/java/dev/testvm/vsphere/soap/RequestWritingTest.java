package dev.testvm.vsphere.soap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.vsphere.GuestCredentials;
import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.methods.GuestOperationsMethods;
import dev.testvm.vsphere.methods.PropertyCollectorMethods;
import dev.testvm.vsphere.methods.SearchIndexMethods;
import dev.testvm.vsphere.methods.SessionMethods;
import dev.testvm.vsphere.methods.VirtualMachineMethods;
import dev.testvm.vsphere.types.CloneSpec;
import dev.testvm.vsphere.types.ConfigSpec;
import dev.testvm.vsphere.types.InstantCloneSpec;
import dev.testvm.vsphere.types.PropertyFilterSpec;
import dev.testvm.vsphere.types.RelocateSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The requests the methods layer writes: elements in WSDL order (real vCenter checks the
 * xsd:sequence; vcsim does not), xsi:type wherever the declared type is abstract or a base type,
 * and passwords masked in the loggable copy.
 */
class RequestWritingTest {

    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    /** Records the request instead of sending it, and answers with an empty response. */
    private static final class Capture implements SoapCaller {
        String method;
        XmlWriter writer;
        String returnval = "<returnval type=\"Task\">task-1</returnval>";

        @Override
        public XmlElement call(String method, MoRef target, Consumer<XmlWriter> params) {
            this.method = method;
            writer = new XmlWriter();
            writer.moRef("_this", target);
            params.accept(writer);
            return XmlParser.parse(("<r xmlns=\"urn:vim25\">" + returnval + "</r>").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public XmlElement call(String method, MoRef target, Consumer<XmlWriter> params, Duration timeout) {
            return call(method, target, params);
        }

        XmlElement request() {
            String xml = "<" + method + " xmlns=\"urn:vim25\" xmlns:xsi=\"" + XSI + "\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
                    + writer.wireText() + "</" + method + ">";
            return XmlParser.parse(xml.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> names(XmlElement e) {
        return e.children().stream().map(XmlElement::name).toList();
    }

    private static final MoRef VM = MoRef.vm("vm-1");

    @Test
    void linkedCloneSpecInWsdlOrderWithTypedOptionValues() {
        Capture soap = new Capture();
        CloneSpec spec = new CloneSpec(
                new RelocateSpec(new MoRef("Datastore", "ds-1"), RelocateSpec.LINKED, new MoRef("ResourcePool", "rp-1"), new MoRef("HostSystem", "host-1")),
                new ConfigSpec("0b7c0c57-uid", "made by testvm", 2, 4096L, Map.of("testvm.dev/uid", "0b7c0c57-uid", "guestinfo.a", "b")),
                true, new MoRef("VirtualMachineSnapshot", "snapshot-3"));
        MoRef task = VirtualMachineMethods.cloneVmTask(soap, VM, new MoRef("Folder", "group-v3"), "ci-1", spec);

        assertThat(task).isEqualTo(MoRef.task("task-1"));
        XmlElement req = soap.request();
        assertThat(names(req)).containsExactly("_this", "folder", "name", "spec");
        XmlElement s = req.child("spec");
        assertThat(names(s)).containsExactly("location", "template", "config", "powerOn", "snapshot");
        assertThat(names(s.child("location"))).containsExactly("datastore", "diskMoveType", "pool", "host");
        assertThat(s.child("location").childText("diskMoveType")).isEqualTo("createNewChildDiskBacking");
        XmlElement config = s.child("config");
        assertThat(names(config)).containsExactly("instanceUuid", "annotation", "numCPUs", "memoryMB", "extraConfig", "extraConfig");
        for (XmlElement option : config.children("extraConfig")) {
            assertThat(option.xsiType()).isEqualTo("OptionValue");
            assertThat(names(option)).containsExactly("key", "value");
            assertThat(option.child("value").xsiType()).isEqualTo("string");
        }
        assertThat(soap.writer.wireText()).contains("<value xsi:type=\"xsd:string\">0b7c0c57-uid</value>");
        assertThat(s.childText("template")).isEqualTo("false");
        assertThat(s.childText("powerOn")).isEqualTo("true");
    }

    @Test
    void fullCloneLeavesOutWhatIsNotSet() {
        Capture soap = new Capture();
        CloneSpec spec = new CloneSpec(new RelocateSpec(null, null, new MoRef("ResourcePool", "rp-1"), null),
                new ConfigSpec(null, null, null, null, Map.of()), false, null);
        VirtualMachineMethods.cloneVmTask(soap, VM, new MoRef("Folder", "group-v3"), "ci-2", spec);
        XmlElement s = soap.request().child("spec");
        assertThat(names(s)).containsExactly("location", "template", "powerOn");
        assertThat(names(s.child("location"))).containsExactly("pool");
    }

    @Test
    void instantCloneSpecInWsdlOrder() {
        Capture soap = new Capture();
        VirtualMachineMethods.instantCloneTask(soap, VM, new InstantCloneSpec("ic-1",
                new RelocateSpec(null, null, new MoRef("ResourcePool", "rp-1"), null), Map.of("testvm.dev/uid", "u")));
        XmlElement req = soap.request();
        assertThat(soap.method).isEqualTo("InstantClone_Task");
        assertThat(names(req.child("spec"))).containsExactly("name", "location", "config");
        assertThat(req.child("spec").child("config").xsiType()).isEqualTo("OptionValue");
    }

    @Test
    void guestOperationsCarryTypedAuthAndSpecAndMaskThePassword() {
        Capture soap = new Capture();
        soap.returnval = "<returnval>4242</returnval>";
        GuestCredentials creds = new GuestCredentials("testvm", "s3cret&<pw>");
        long pid = GuestOperationsMethods.startProgramInGuest(soap, new MoRef("GuestProcessManager", "pm"), VM, creds, "/bin/sh", "-c 'ip a'");

        assertThat(pid).isEqualTo(4242);
        XmlElement req = soap.request();
        assertThat(names(req)).containsExactly("_this", "vm", "auth", "spec");
        assertThat(req.child("auth").xsiType()).isEqualTo("NamePasswordAuthentication");
        assertThat(names(req.child("auth"))).containsExactly("interactiveSession", "username", "password");
        assertThat(req.child("auth").childText("password")).isEqualTo("s3cret&<pw>");
        assertThat(req.child("spec").xsiType()).isEqualTo("GuestProgramSpec");
        assertThat(names(req.child("spec"))).containsExactly("programPath", "arguments");
        assertThat(soap.writer.logText()).doesNotContain("s3cret").contains("<password>***</password>");

        soap.returnval = "";
        GuestOperationsMethods.listProcessesInGuest(soap, new MoRef("GuestProcessManager", "pm"), VM, creds, List.of(1L, 2L));
        assertThat(names(soap.request())).containsExactly("_this", "vm", "auth", "pids", "pids");
        GuestOperationsMethods.deleteFileInGuest(soap, new MoRef("GuestFileManager", "fm"), VM, creds, "/tmp/x");
        assertThat(names(soap.request())).containsExactly("_this", "vm", "auth", "filePath");
        soap.returnval = "<returnval><size>1</size><url>https://*/x</url></returnval>";
        GuestOperationsMethods.initiateFileTransferFromGuest(soap, new MoRef("GuestFileManager", "fm"), VM, creds, "/tmp/x");
        assertThat(names(soap.request())).containsExactly("_this", "vm", "auth", "guestFilePath");
        assertThat(soap.writer.logText()).doesNotContain("s3cret");
    }

    @Test
    void extraConfigValuesAreMaskedInTheLogCopyButSentInFull() {
        XmlWriter w = new XmlWriter();
        new ConfigSpec(null, null, null, null, Map.of("guestinfo.userdata", "cGFzc3dvcmQ6IGh1bnRlcjI=")).write(w, "config");
        assertThat(w.wireText()).contains("cGFzc3dvcmQ6IGh1bnRlcjI=");
        assertThat(w.logText()).doesNotContain("cGFzc3dvcmQ6IGh1bnRlcjI=").contains("guestinfo.userdata")
                .contains("<value xsi:type=\"xsd:string\">***</value>");
    }

    @Test
    void loginMasksPasswordInLogCopy() {
        Capture soap = new Capture();
        soap.returnval = "<returnval><key>k</key></returnval>";
        SessionMethods.login(soap, new MoRef("SessionManager", "SessionManager"), "administrator@vsphere.local", "vc-pw-123");
        assertThat(names(soap.request())).containsExactly("_this", "userName", "password");
        assertThat(soap.writer.wireText()).contains("vc-pw-123");
        assertThat(soap.writer.logText()).doesNotContain("vc-pw-123");
    }

    @Test
    void findByUuidParametersInWsdlOrder() {
        Capture soap = new Capture();
        soap.returnval = "";
        assertThat(SearchIndexMethods.findByUuid(soap, new MoRef("SearchIndex", "SearchIndex"), null, "abc", true, true)).isEmpty();
        XmlElement req = soap.request();
        assertThat(names(req)).containsExactly("_this", "uuid", "vmSearch", "instanceUuid");
        assertThat(req.childText("instanceUuid")).isEqualTo("true");
    }

    @Test
    void propertyFilterSpecInWsdlOrderWithTypedTraversal() {
        Capture soap = new Capture();
        soap.returnval = "";
        PropertyFilterSpec spec = new PropertyFilterSpec(
                List.of(new PropertyFilterSpec.PropertySpec("VirtualMachine", List.of("name", "guest.net"))),
                List.of(new PropertyFilterSpec.ObjectSpec(new MoRef("ContainerView", "v-1"), true,
                        List.of(new PropertyFilterSpec.TraversalSpec("view", "ContainerView", "view", false)))),
                true);
        PropertyCollectorMethods.retrievePropertiesEx(soap, new MoRef("PropertyCollector", "pc"), List.of(spec), 50);
        XmlElement req = soap.request();
        assertThat(names(req)).containsExactly("_this", "specSet", "options");
        assertThat(names(req.child("specSet"))).containsExactly("propSet", "objectSet", "reportMissingObjectsInResults");
        assertThat(names(req.child("specSet").child("propSet"))).containsExactly("type", "pathSet", "pathSet");
        XmlElement objectSet = req.child("specSet").child("objectSet");
        assertThat(names(objectSet)).containsExactly("obj", "skip", "selectSet");
        assertThat(objectSet.child("selectSet").xsiType()).isEqualTo("TraversalSpec");
        assertThat(names(objectSet.child("selectSet"))).containsExactly("name", "type", "path", "skip");
        assertThat(req.child("options").childText("maxObjects")).isEqualTo("50");
    }

    @Test
    void waitForUpdatesOmitsEmptyVersion() {
        Capture soap = new Capture();
        soap.returnval = "";
        assertThat(PropertyCollectorMethods.waitForUpdatesEx(soap, new MoRef("PropertyCollector", "pc"), "", 5)).isNull();
        assertThat(names(soap.request())).containsExactly("_this", "options");
        PropertyCollectorMethods.waitForUpdatesEx(soap, new MoRef("PropertyCollector", "pc"), "7", 5);
        assertThat(names(soap.request())).containsExactly("_this", "version", "options");
        assertThat(soap.request().child("options").childText("maxWaitSeconds")).isEqualTo("5");
    }

    @Test
    void createFilterInWsdlOrder() {
        Capture soap = new Capture();
        soap.returnval = "<returnval type=\"PropertyFilter\">f-1</returnval>";
        MoRef filter = PropertyCollectorMethods.createFilter(soap, new MoRef("PropertyCollector", "pc"),
                PropertyFilterSpec.of(MoRef.task("task-9"), List.of("info.state")), false);
        assertThat(filter).isEqualTo(new MoRef("PropertyFilter", "f-1"));
        assertThat(names(soap.request())).containsExactly("_this", "spec", "partialUpdates");
    }

    @Test
    void modifyListViewAddsBeforeRemovesAndReturnsUnresolved() {
        Capture soap = new Capture();
        soap.returnval = "<returnval type=\"VirtualMachine\">vm-gone</returnval>";
        List<MoRef> unresolved = PropertyCollectorMethods.modifyListView(soap, new MoRef("ListView", "lv-1"),
                List.of(VM, MoRef.vm("vm-gone")), List.of(MoRef.task("task-1")));
        assertThat(unresolved).containsExactly(MoRef.vm("vm-gone"));
        assertThat(names(soap.request())).containsExactly("_this", "add", "add", "remove");
    }

    @Test
    void escapesTextAndAttributes() {
        XmlWriter w = new XmlWriter().element("name", "a<b>&\"c'").moRef("obj", new MoRef("Folder", "x&y"));
        assertThat(w.wireText()).isEqualTo("<name>a&lt;b&gt;&amp;&quot;c&apos;</name><obj type=\"Folder\">x&amp;y</obj>");
    }
}
