package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Namespaces allowed: those named, and those whose labels match the selector. */
public class AllowedNamespaces {

    @JsonPropertyDescription("Namespace names.")
    private List<String> names;

    @JsonPropertyDescription("Namespaces whose labels match (matchLabels / matchExpressions).")
    private LabelSelector selector;

    public List<String> getNames() {
        return names;
    }

    public void setNames(List<String> names) {
        this.names = names;
    }

    public LabelSelector getSelector() {
        return selector;
    }

    public void setSelector(LabelSelector selector) {
        this.selector = selector;
    }
}
