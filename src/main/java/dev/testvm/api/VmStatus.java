package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

public class VmStatus {

    private String moRef;
    private String name;

    @JsonProperty("instanceUUID")
    private String instanceUUID;

    private String host;

    @JsonPropertyDescription("The vCenter this VM lives in: a VCenter resource's name, or (environment) for the operator's configured one.")
    private String vcenter;

    public String getVcenter() {
        return vcenter;
    }

    public void setVcenter(String vcenter) {
        this.vcenter = vcenter;
    }

    public String getMoRef() {
        return moRef;
    }

    public void setMoRef(String moRef) {
        this.moRef = moRef;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getInstanceUUID() {
        return instanceUUID;
    }

    public void setInstanceUUID(String instanceUUID) {
        this.instanceUUID = instanceUUID;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }
}
