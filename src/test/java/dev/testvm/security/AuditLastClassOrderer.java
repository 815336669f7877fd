package dev.testvm.security;

import io.quarkus.test.junit.util.QuarkusTestProfileAwareClassOrderer;
import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Quarkus' usual order of test classes (grouped by test profile and resources), with
 * {@link SecretLeakAuditTest} moved behind all others so it audits what the whole run recorded.
 * Set as {@code quarkus.test.class-orderer} in the surefire configuration.
 */
public class AuditLastClassOrderer implements ClassOrderer {

    private final ClassOrderer quarkusOrder = new QuarkusTestProfileAwareClassOrderer();

    @Override
    public void orderClasses(ClassOrdererContext context) {
        quarkusOrder.orderClasses(context);
        // List.sort is stable: everything else keeps Quarkus' order.
        context.getClassDescriptors().sort(Comparator.comparing(
                d -> d.getTestClass().getName().equals(SecretLeakAuditTest.class.getName())));
    }
}
