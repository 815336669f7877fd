package dev.testvm.vsphere.methods;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.SoapCaller;
import dev.testvm.vsphere.types.ServiceContent;

/** ServiceInstance and SessionManager operations. */
public final class SessionMethods {

    private SessionMethods() {}

    public static ServiceContent retrieveServiceContent(SoapCaller soap) {
        return ServiceContent.parse(soap.call("RetrieveServiceContent", ServiceContent.SERVICE_INSTANCE, w -> {})
                .child("returnval"));
    }

    /** {@code Login(userName, password, locale)}; the password is masked in logs. */
    public static void login(SoapCaller soap, MoRef sessionManager, String userName, String password) {
        soap.call("Login", sessionManager, w -> w.element("userName", userName).secret("password", password));
    }

    public static void logout(SoapCaller soap, MoRef sessionManager) {
        soap.call("Logout", sessionManager, w -> {});
    }
}
