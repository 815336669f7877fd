package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Where TestVMs may put clones, as inventory paths or globs from the datacenter on (as in
 * {@link AllowedSources}). A list left unset means the TestVM may not set that field.
 */
public class AllowedPlacements {

    @JsonPropertyDescription("VM folders for spec.placement.folder, e.g. DC0/vm/team-a.")
    private List<String> folders;

    @JsonPropertyDescription("Resource pools, clusters or hosts for spec.placement.resourcePool, .cluster and .host, e.g. DC0/host/C0/Resources/team-a.")
    private List<String> resourcePools;

    @JsonPropertyDescription("Datastores for spec.placement.datastore, e.g. DC0/datastore/team-a-*.")
    private List<String> datastores;

    public List<String> getFolders() {
        return folders;
    }

    public void setFolders(List<String> folders) {
        this.folders = folders;
    }

    public List<String> getResourcePools() {
        return resourcePools;
    }

    public void setResourcePools(List<String> resourcePools) {
        this.resourcePools = resourcePools;
    }

    public List<String> getDatastores() {
        return datastores;
    }

    public void setDatastores(List<String> datastores) {
        this.datastores = datastores;
    }
}
