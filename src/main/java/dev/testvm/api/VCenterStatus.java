package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator last saw of the vCenter. */
public class VCenterStatus {

    @JsonPropertyDescription("Connected (a session is logged in) and Ready (Connected and the default datacenter found); "
            + "reasons: Connected, Unreachable, LoginRefused, TLSMismatch, CredentialsSecretMissing, DatacenterNotFound, Deleting.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The vSphere API version the vCenter announced.")
    private String version;

    @JsonPropertyDescription("Sessions of this operator logged in to the vCenter (0 or 1).")
    private Integer sessionsOpen;

    @JsonPropertyDescription("vCenter tasks of this operator in flight (bounded by spec.maxConcurrentTasks).")
    private Integer tasksInFlight;

    @JsonPropertyDescription("TestVMs that live in this vCenter.")
    private Integer testVMsServed;

    private Long observedGeneration;

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public Integer getSessionsOpen() {
        return sessionsOpen;
    }

    public void setSessionsOpen(Integer sessionsOpen) {
        this.sessionsOpen = sessionsOpen;
    }

    public Integer getTasksInFlight() {
        return tasksInFlight;
    }

    public void setTasksInFlight(Integer tasksInFlight) {
        this.tasksInFlight = tasksInFlight;
    }

    public Integer getTestVMsServed() {
        return testVMsServed;
    }

    public void setTestVMsServed(Integer testVMsServed) {
        this.testVMsServed = testVMsServed;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
