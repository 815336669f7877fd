package dev.testvm.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One key of a Secret in the TestVM's namespace. */
public class SecretDataRef {

    @Required
    @Size(min = 1, max = 253)
    private String name;

    @Size(min = 1, max = 253)
    @JsonPropertyDescription("The key in the Secret's data; the default depends on the field.")
    private String key;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
