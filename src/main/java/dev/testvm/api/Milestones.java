package dev.testvm.api;

/**
 * When each step happened (RFC 3339). Kept in status so timings survive an operator restart and
 * can be recomputed by anyone reading the resource.
 */
public class Milestones {

    private String cloneStartedAt;
    private String clonedAt;
    private String powerOnStartedAt;
    private String poweredOnAt;
    private String toolsRunningAt;
    private String ipAssignedAt;
    private String guestReadyAt;

    public String getCloneStartedAt() {
        return cloneStartedAt;
    }

    public void setCloneStartedAt(String cloneStartedAt) {
        this.cloneStartedAt = cloneStartedAt;
    }

    public String getClonedAt() {
        return clonedAt;
    }

    public void setClonedAt(String clonedAt) {
        this.clonedAt = clonedAt;
    }

    public String getPowerOnStartedAt() {
        return powerOnStartedAt;
    }

    public void setPowerOnStartedAt(String powerOnStartedAt) {
        this.powerOnStartedAt = powerOnStartedAt;
    }

    public String getPoweredOnAt() {
        return poweredOnAt;
    }

    public void setPoweredOnAt(String poweredOnAt) {
        this.poweredOnAt = poweredOnAt;
    }

    public String getToolsRunningAt() {
        return toolsRunningAt;
    }

    public void setToolsRunningAt(String toolsRunningAt) {
        this.toolsRunningAt = toolsRunningAt;
    }

    public String getIpAssignedAt() {
        return ipAssignedAt;
    }

    public void setIpAssignedAt(String ipAssignedAt) {
        this.ipAssignedAt = ipAssignedAt;
    }

    public String getGuestReadyAt() {
        return guestReadyAt;
    }

    public void setGuestReadyAt(String guestReadyAt) {
        this.guestReadyAt = guestReadyAt;
    }
}
