package dev.testvm.api;

/**
 * Phase durations in seconds, matching kitchen-vcenter's table: cloning; power-on task; booting
 * (power-on to Tools running); getting IP (Tools running to IP in status); readiness (IP in status
 * to spec.readiness passing, absent without it); total (creation to Ready).
 */
public class Timings {

    private Double cloneSeconds;
    private Double powerOnSeconds;
    private Double toolsSeconds;
    private Double ipSeconds;
    private Double readinessSeconds;
    private Double totalSeconds;

    public Double getCloneSeconds() {
        return cloneSeconds;
    }

    public void setCloneSeconds(Double cloneSeconds) {
        this.cloneSeconds = cloneSeconds;
    }

    public Double getPowerOnSeconds() {
        return powerOnSeconds;
    }

    public void setPowerOnSeconds(Double powerOnSeconds) {
        this.powerOnSeconds = powerOnSeconds;
    }

    public Double getToolsSeconds() {
        return toolsSeconds;
    }

    public void setToolsSeconds(Double toolsSeconds) {
        this.toolsSeconds = toolsSeconds;
    }

    public Double getIpSeconds() {
        return ipSeconds;
    }

    public void setIpSeconds(Double ipSeconds) {
        this.ipSeconds = ipSeconds;
    }

    public Double getReadinessSeconds() {
        return readinessSeconds;
    }

    public void setReadinessSeconds(Double readinessSeconds) {
        this.readinessSeconds = readinessSeconds;
    }

    public Double getTotalSeconds() {
        return totalSeconds;
    }

    public void setTotalSeconds(Double totalSeconds) {
        this.totalSeconds = totalSeconds;
    }
}
