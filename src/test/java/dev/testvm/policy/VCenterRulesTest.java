package dev.testvm.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.testvm.api.AllowedNamespaces;
import dev.testvm.api.AllowedPlacements;
import dev.testvm.api.AllowedSources;
import dev.testvm.api.CloneTypeSpec;
import dev.testvm.api.Placement;
import dev.testvm.api.TestVMSpec;
import dev.testvm.api.VCenterSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VCenterRulesTest {

    private final VCenterSpec spec = new VCenterSpec();

    VCenterRulesTest() {
        spec.setDatacenter("DC0");
        AllowedNamespaces namespaces = new AllowedNamespaces();
        namespaces.setNames(List.of("team-a"));
        namespaces.setSelector(new LabelSelectorBuilder().addToMatchLabels("testvm.dev/team", "b").build());
        spec.setAllowedNamespaces(namespaces);
        AllowedSources sources = new AllowedSources();
        sources.setPaths(List.of("DC0/vm/Templates", "/DC0/vm/golden/ubuntu-*"));
        sources.setInstantCloneSources(List.of("DC0/vm/parents/**/ci-*"));
        spec.setAllowedSources(sources);
        AllowedPlacements placements = new AllowedPlacements();
        placements.setFolders(List.of("DC0/vm/team-a"));
        spec.setAllowedPlacements(placements);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Templates/ubuntu-22.04", "/Templates//ubuntu-22.04/", " Templates/ubuntu-22.04 ", "golden/ubuntu-24.04",
        "Templates/linux/deep/one"})
    void sourcesInsideTheAllowedPathsInAnySpellingAreAllowed(String template) {
        assertThat(check("team-a", spec(template, CloneTypeSpec.linked))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"prod/db-01", "Templates/../prod/db-01", "Templates/./../../DC1/vm/x", "templates/ubuntu-22.04",
        "TEMPLATES/ubuntu-22.04", "Templates-evil/ubuntu", "Templates%2f..%2fprod/db-01", "golden/debian-12", "golden/ubuntu-24.04/../../prod"})
    void sourcesOutsideTheAllowedPathsAreRefusedUnderEverySpelling(String template) {
        Optional<Refusal> refusal = check("team-a", spec(template, CloneTypeSpec.linked));
        assertThat(refusal).as(template).isPresent();
        assertThat(refusal.get().field()).isEqualTo("spec.template");
        assertThat(refusal.get().message()).startsWith("spec.template: ").contains("allowedSources.paths");
    }

    @Test
    void anotherDatacenterDoesNotEscapeTheRules() {
        TestVMSpec testVM = spec("Templates/ubuntu-22.04", CloneTypeSpec.linked);
        testVM.setPlacement(new Placement());
        testVM.getPlacement().setDatacenter("DC1");
        assertThat(check("team-a", testVM)).get().extracting(Refusal::field).isEqualTo("spec.template");
    }

    @Test
    void instantClonesNeedTheirOwnRule() {
        assertThat(check("team-a", spec("Templates/ubuntu-22.04", CloneTypeSpec.instant))).get()
                .extracting(Refusal::rule).isEqualTo("allowedSources.instantCloneSources");
        assertThat(check("team-a", spec("parents/site-1/ci-runner", CloneTypeSpec.instant))).isEmpty();
        assertThat(check("team-a", spec("parents/ci-runner", CloneTypeSpec.instant))).as("** matches zero names").isEmpty();
        assertThat(check("team-a", spec("parents/site-1/prod-db", CloneTypeSpec.instant))).isPresent();
    }

    @Test
    void withoutSourceRulesAnySourceButNoInstantCloneIsAllowed() {
        spec.setAllowedSources(null);
        assertThat(check("team-a", spec("anything/at-all", CloneTypeSpec.full))).isEmpty();
        assertThat(check("team-a", spec("anything/../at-all", CloneTypeSpec.full))).isPresent();
        assertThat(check("team-a", spec("parents/ci-runner", CloneTypeSpec.instant))).isPresent();
    }

    @Test
    void namespacesAreAllowedByNameOrBySelector() {
        assertThat(check("team-a", spec("Templates/x", CloneTypeSpec.linked))).isEmpty();
        assertThat(new VCenterRules("lab", spec).check("team-b", spec("Templates/x", CloneTypeSpec.linked),
                () -> Map.of("testvm.dev/team", "b"), () -> 0)).isEmpty();
        Optional<Refusal> refusal = check("team-c", spec("Templates/x", CloneTypeSpec.linked));
        assertThat(refusal).get().extracting(Refusal::rule).isEqualTo("allowedNamespaces");
        assertThat(refusal.get().message()).contains("namespace team-c").contains("VCenter lab");
        spec.setAllowedNamespaces(null);
        assertThat(check("team-a", spec("Templates/x", CloneTypeSpec.linked))).as("unset: no namespace").isPresent();
    }

    @Test
    void placementsOutsideTheRulesOrNotListedAreRefused() {
        TestVMSpec testVM = spec("Templates/x", CloneTypeSpec.linked);
        testVM.setPlacement(new Placement());
        testVM.getPlacement().setFolder("team-a/builds");
        assertThat(check("team-a", testVM)).isEmpty();
        testVM.getPlacement().setFolder("team-a/../team-b");
        assertThat(check("team-a", testVM)).get().extracting(Refusal::field).isEqualTo("spec.placement.folder");
        testVM.getPlacement().setFolder(null);
        testVM.getPlacement().setDatastore("LocalDS_0");
        assertThat(check("team-a", testVM)).get().satisfies(r -> {
            assertThat(r.field()).isEqualTo("spec.placement.datastore");
            assertThat(r.message()).contains("allowedPlacements.datastores is empty");
        });
    }

    @Test
    void theLimitCountsTheOtherTestVMsOfTheNamespace() {
        spec.setMaxTestVMsPerNamespace(2);
        VCenterRules rules = new VCenterRules("lab", spec);
        assertThat(rules.check("team-a", spec("Templates/x", CloneTypeSpec.linked), Map::of, () -> 1)).isEmpty();
        assertThat(rules.check("team-a", spec("Templates/x", CloneTypeSpec.linked), Map::of, () -> 2)).get()
                .extracting(Refusal::rule).isEqualTo("maxTestVMsPerNamespace");
    }

    @Test
    void globsMatchWithinOneNameOnly() {
        assertThat(PathGlob.nameMatches("ubuntu-*", "ubuntu-22.04")).isTrue();
        assertThat(PathGlob.nameMatches("*-ci-*", "x-ci-y")).isTrue();
        assertThat(PathGlob.nameMatches("a*a", "a")).isFalse();
        assertThat(PathGlob.of("DC0/vm/*").matches(List.of("DC0", "vm", "a", "b"))).isFalse();
        assertThat(PathGlob.of("DC0/vm/../x").matches(List.of("DC0", "x"))).as("a rule that cannot be normalized allows nothing").isFalse();
    }

    private Optional<Refusal> check(String namespace, TestVMSpec testVM) {
        return new VCenterRules("lab", spec).check(namespace, testVM, Map::of, () -> 0);
    }

    private static TestVMSpec spec(String template, CloneTypeSpec type) {
        TestVMSpec spec = new TestVMSpec();
        spec.setTemplate(template);
        spec.setCloneType(type);
        return spec;
    }
}
