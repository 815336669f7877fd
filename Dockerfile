# Multi-stage build from source: the first stage builds the Quarkus fast-jar with the Maven
# wrapper, the second runs it on a JRE as a non-root user.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline || true
COPY src src
COPY crds crds
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /deployments
COPY --from=build --chown=185:0 /src/target/quarkus-app/lib/ lib/
COPY --from=build --chown=185:0 /src/target/quarkus-app/*.jar ./
COPY --from=build --chown=185:0 /src/target/quarkus-app/app/ app/
COPY --from=build --chown=185:0 /src/target/quarkus-app/quarkus/ quarkus/
USER 185
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/deployments/quarkus-run.jar"]
