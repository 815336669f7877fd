package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Clone sources allowed, as inventory paths from the datacenter on (e.g. DC0/vm/Templates). A path
 * without wildcards allows itself and everything below it; '*' matches within one name, '**' any
 * number of names. Paths are compared after normalization, case-sensitively.
 */
public class AllowedSources {

    @JsonPropertyDescription("Paths or globs of VMs and templates that full and linked clones may copy. Unset: any.")
    private List<String> paths;

    @JsonPropertyDescription("Paths or globs of running VMs that instant clones may copy (their memory included). "
            + "Unset or empty: no instant clones.")
    private List<String> instantCloneSources;

    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = paths;
    }

    public List<String> getInstantCloneSources() {
        return instantCloneSources;
    }

    public void setInstantCloneSources(List<String> instantCloneSources) {
        this.instantCloneSources = instantCloneSources;
    }
}
