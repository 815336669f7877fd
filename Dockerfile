# Multi-stage build from source: the first stage builds the Quarkus fast-jar with the Maven
# wrapper, the second runs it on Debian's OpenJDK 17 JRE as a non-root user.
#
# Where no Docker engine runs, hack/build-image.sh builds the same image: hack/image-base.sh turns
# a debootstrapped bookworm into the runtime base by running the runtime stage's RUN instruction
# below, and jib-maven-plugin (profile "image") adds the fast-jar on top with the USER, WORKDIR,
# EXPOSE and ENTRYPOINT of this file. build-image.sh fails when the two drift apart, so keep
# exactly one RUN in the runtime stage and write ENTRYPOINT in JSON form.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline || true
COPY src src
COPY crds crds
RUN ./mvnw -B -q package -DskipTests

FROM debian:bookworm-slim
# ca-certificates-java fills the JRE's truststore from Debian's CA bundle (vCenter TLS).
# The JRE's postinst links its man pages, so their directory must exist in a slim image.
# User 185 (group 0, as OpenShift-style images expect) gets a passwd entry so user.home is set.
RUN export DEBIAN_FRONTEND=noninteractive \
 && mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get upgrade -y \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates-java \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 185 --gid 0 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin testvm
WORKDIR /deployments
COPY --from=build /src/target/quarkus-app/lib/ lib/
COPY --from=build /src/target/quarkus-app/*.jar ./
COPY --from=build /src/target/quarkus-app/app/ app/
COPY --from=build /src/target/quarkus-app/quarkus/ quarkus/
USER 185
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/deployments/quarkus-run.jar"]
