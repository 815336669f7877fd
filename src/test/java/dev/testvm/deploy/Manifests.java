package dev.testvm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/** A stream of YAML manifests as JSON trees, keyed "Kind namespace/name". */
final class Manifests {

    private static final YAMLMapper YAML = new YAMLMapper();

    private Manifests() {}

    static Map<String, ObjectNode> parse(String yamlStream) {
        Map<String, ObjectNode> objects = new TreeMap<>();
        try (var values = YAML.readerFor(JsonNode.class).readValues(yamlStream)) {
            while (values.hasNextValue()) {
                JsonNode node = (JsonNode) values.nextValue();
                if (node == null || node.isNull() || node.isMissingNode() || node.isEmpty()) {
                    continue; // an empty document (e.g. a template that rendered nothing)
                }
                ObjectNode object = (ObjectNode) integralNumbersAsLongs(node);
                if (objects.put(key(object), object) != null) {
                    throw new IllegalStateException("rendered twice: " + key(object));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /** 1 and 1.0 are the same number to the API server (kustomize writes the first, the CRD generator the second). */
    private static JsonNode integralNumbersAsLongs(JsonNode node) {
        if (node.isNumber() && node.canConvertToExactIntegral()) {
            return LongNode.valueOf(node.asLong());
        }
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(e -> e.setValue(integralNumbersAsLongs(e.getValue())));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, integralNumbersAsLongs(array.get(i)));
            }
        }
        return node;
    }

    static String key(JsonNode object) {
        JsonNode metadata = object.path("metadata");
        return object.path("kind").asText() + " " + metadata.path("namespace").asText("") + "/" + metadata.path("name").asText();
    }

    /** The object of {@code kind} named {@code name}, in any namespace. */
    static ObjectNode get(Map<String, ObjectNode> objects, String kind, String name) {
        return objects.values().stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + objects.keySet()));
    }

    /** {@code data} of a ConfigMap as a map. */
    static Map<String, String> data(ObjectNode configMap) {
        Map<String, String> data = new TreeMap<>();
        configMap.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }
}
