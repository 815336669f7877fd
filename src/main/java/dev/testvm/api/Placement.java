package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the clone goes; every field is an inventory name or path and optional. */
public class Placement {

    @JsonPropertyDescription("Datacenter name; default from the operator configuration.")
    private String datacenter;

    @JsonPropertyDescription("Cluster name below the datacenter's host folder; its root resource pool is used.")
    private String cluster;

    @JsonPropertyDescription("Resource pool path below the datacenter's host folder, e.g. DC0_C0/Resources/ci.")
    private String resourcePool;

    @JsonPropertyDescription("ESXi host path below the datacenter's host folder.")
    private String host;

    @JsonPropertyDescription("VM folder path below the datacenter's vm folder; default: the template's folder.")
    private String folder;

    @JsonPropertyDescription("Datastore name.")
    private String datastore;

    public String getDatacenter() {
        return datacenter;
    }

    public void setDatacenter(String datacenter) {
        this.datacenter = datacenter;
    }

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public String getResourcePool() {
        return resourcePool;
    }

    public void setResourcePool(String resourcePool) {
        this.resourcePool = resourcePool;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public String getFolder() {
        return folder;
    }

    public void setFolder(String folder) {
        this.folder = folder;
    }

    public String getDatastore() {
        return datastore;
    }

    public void setDatastore(String datastore) {
        this.datastore = datastore;
    }
}
