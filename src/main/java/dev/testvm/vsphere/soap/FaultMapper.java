package dev.testvm.vsphere.soap;

import dev.testvm.vsphere.VimFaultException;
import dev.testvm.vsphere.fault.DuplicateNameException;
import dev.testvm.vsphere.fault.FileNotFoundException;
import dev.testvm.vsphere.fault.GuestOperationsUnavailableException;
import dev.testvm.vsphere.fault.GuestPermissionDeniedException;
import dev.testvm.vsphere.fault.InvalidGuestLoginException;
import dev.testvm.vsphere.fault.InvalidLoginException;
import dev.testvm.vsphere.fault.InvalidPowerStateException;
import dev.testvm.vsphere.fault.InvalidStateException;
import dev.testvm.vsphere.fault.ManagedObjectNotFoundException;
import dev.testvm.vsphere.fault.NoPermissionException;
import dev.testvm.vsphere.fault.NotAuthenticatedException;
import dev.testvm.vsphere.fault.TooManyGuestLogonsException;
import dev.testvm.vsphere.fault.TaskInProgressException;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a vim25 fault into a typed exception by fault type. Used for SOAP faults (HTTP 500) and
 * for task errors ({@code info.error}, a {@code LocalizedMethodFault}), so a caller catches the
 * same {@code InvalidPowerStateException} whichever way the fault arrived.
 */
public final class FaultMapper {

    private static final Map<String, Function<String, VimFaultException>> TYPED = Map.ofEntries(
            Map.entry("NotAuthenticated", NotAuthenticatedException::new),
            Map.entry("InvalidLogin", InvalidLoginException::new),
            Map.entry("ManagedObjectNotFound", ManagedObjectNotFoundException::new),
            Map.entry("InvalidState", InvalidStateException::new),
            Map.entry("InvalidPowerState", InvalidPowerStateException::new),
            Map.entry("GuestOperationsUnavailable", GuestOperationsUnavailableException::new),
            Map.entry("InvalidGuestLogin", InvalidGuestLoginException::new),
            Map.entry("GuestPermissionDenied", GuestPermissionDeniedException::new),
            Map.entry("FileNotFound", FileNotFoundException::new),
            Map.entry("TaskInProgress", TaskInProgressException::new),
            Map.entry("DuplicateName", DuplicateNameException::new),
            Map.entry("NoPermission", NoPermissionException::new),
            Map.entry("TooManyGuestLogons", TooManyGuestLogonsException::new));

    private FaultMapper() {}

    /** The exception for a fault type and message; unmapped types become a plain {@link VimFaultException}. */
    public static VimFaultException exception(String faultType, String message) {
        Function<String, VimFaultException> factory = TYPED.get(faultType);
        return factory != null ? factory.apply(message) : new VimFaultException(faultType, message);
    }

    /**
     * Reads a SOAP {@code Fault} element: the type is the {@code xsi:type} of the first element of
     * {@code detail} (whatever prefix it was written with), else that element's name without its
     * {@code Fault} suffix, else the {@code faultcode}; the message is {@code faultstring}.
     */
    public static VimFaultException fromSoapFault(XmlElement fault) {
        String message = fault.childText("faultstring");
        XmlElement detail = fault.child("detail");
        String type = null;
        if (detail != null && !detail.children().isEmpty()) {
            type = typeOf(detail.children().get(0));
            if (message == null || message.isBlank()) {
                message = faultMessage(detail.children().get(0));
            }
        }
        if (type == null) {
            String code = fault.childText("faultcode");
            type = code == null || code.isBlank() ? "UnknownFault" : code.substring(code.indexOf(':') + 1);
        }
        return exception(type, message);
    }

    /** Reads a {@code LocalizedMethodFault} (a task's {@code info.error}). */
    public static VimFaultException fromLocalizedFault(XmlElement localizedFault) {
        XmlElement fault = localizedFault.child("fault");
        String type = fault == null ? null : typeOf(fault);
        String message = localizedFault.childText("localizedMessage");
        if ((message == null || message.isBlank()) && fault != null) {
            message = faultMessage(fault);
        }
        return exception(type == null ? "UnknownFault" : type, message);
    }

    /**
     * The first {@code faultMessage/message} of a MethodFault: where the text is when the
     * faultstring is empty (vcsim leaves it empty).
     */
    private static String faultMessage(XmlElement fault) {
        for (XmlElement localizable : fault.children("faultMessage")) {
            String text = localizable.childText("message");
            if (text != null && !text.isBlank()) {
                return text;
            }
        }
        return null;
    }

    private static String typeOf(XmlElement faultElement) {
        if (faultElement.xsiType() != null) {
            return faultElement.xsiType();
        }
        String name = faultElement.name();
        if (name.endsWith("Fault") && name.length() > "Fault".length() && !name.equals("fault")) {
            return name.substring(0, name.length() - "Fault".length());
        }
        return null;
    }
}
