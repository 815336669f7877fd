package dev.testvm.vsphere.types;

import dev.testvm.vsphere.MoRef;
import dev.testvm.vsphere.soap.XmlWriter;
import java.util.List;

/**
 * {@code PropertyFilterSpec} and its parts, written in WSDL order: propSet, objectSet,
 * reportMissingObjectsInResults.
 *
 * @param reportMissingObjectsInResults true makes a missing object a "missing" entry instead of
 *     failing the whole call; the watcher needs this (vcsim would otherwise fail every
 *     WaitForUpdatesEx once one followed VM is destroyed)
 */
public record PropertyFilterSpec(List<PropertySpec> propSet, List<ObjectSpec> objectSet, Boolean reportMissingObjectsInResults) {

    public static PropertyFilterSpec of(MoRef object, List<String> paths) {
        return new PropertyFilterSpec(List.of(new PropertySpec(object.type(), paths)),
                List.of(ObjectSpec.of(object)), null);
    }

    public void write(XmlWriter w, String name) {
        w.start(name);
        for (PropertySpec p : propSet) {
            p.write(w);
        }
        for (ObjectSpec o : objectSet) {
            o.write(w);
        }
        if (reportMissingObjectsInResults != null) {
            w.element("reportMissingObjectsInResults", reportMissingObjectsInResults);
        }
        w.end(name);
    }

    /** {@code PropertySpec}: type, all, pathSet. */
    public record PropertySpec(String type, List<String> pathSet) {
        void write(XmlWriter w) {
            w.start("propSet").element("type", type);
            for (String path : pathSet) {
                w.element("pathSet", path);
            }
            w.end("propSet");
        }
    }

    /** {@code ObjectSpec}: obj, skip, selectSet (TraversalSpecs, which need xsi:type). */
    public record ObjectSpec(MoRef obj, boolean skip, List<TraversalSpec> selectSet) {
        public static ObjectSpec of(MoRef obj) {
            return new ObjectSpec(obj, false, List.of());
        }

        void write(XmlWriter w) {
            w.start("objectSet").moRef("obj", obj).element("skip", skip);
            for (TraversalSpec t : selectSet) {
                t.write(w);
            }
            w.end("objectSet");
        }
    }

    /** {@code TraversalSpec} (a {@code SelectionSpec} subtype): name, type, path, skip. */
    public record TraversalSpec(String name, String type, String path, boolean skip) {
        void write(XmlWriter w) {
            w.start("selectSet", "TraversalSpec")
                    .optional("name", name)
                    .element("type", type)
                    .element("path", path)
                    .element("skip", skip)
                    .end("selectSet");
        }
    }
}
