# syntax=docker/dockerfile:1.20
# Builds the forecaster from source; no host build, no data/ in any image. Targets:
#   service (the default, last stage): the streaming service, src/service           docker build -t sigma-vrate/forecaster:0.1.0 .
#   cli: the command line, src/cli (replay, infill, evaluate, ...)                   docker build --target cli -t sigma-vrate/forecaster-cli:0.1.0 .
# The CUDA variant of the service: deploy/Dockerfile.cuda. Flights reach the CLI by a read-only bind mount (see
# docker-compose.yml's replay); models/ ships in both images, read from /app/models (the working directory is /app).
# Dockerfile 1.20 makes COPY --parents generally available: the module poms are copied with their folders by one
# glob, so a module added under src/ needs no edit here.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The poms alone first: this layer (every dependency and Quarkus deployment artifact of every module, resolved by
# quarkus:go-offline from the workspace, so the unbuilt sibling modules are no problem) is reused until a pom changes.
COPY --parents pom.xml src/*/pom.xml ./
RUN mvn -B -q quarkus:go-offline
COPY schemas/ schemas/
COPY src/ src/
# the service's class-data archive is written in its own stage below, by the JRE that will read it
RUN mvn -B package -DskipTests -DskipAppCds=true

# What both runtime images share: the JRE, a non-root user and the shipped models.
FROM eclipse-temurin:17-jre AS runtime
RUN groupadd --system --gid 1001 sigma-vrate \
 && useradd --system --uid 1001 --gid 1001 --home-dir /app --no-create-home --shell /usr/sbin/nologin sigma-vrate
WORKDIR /app
COPY models/ /app/models/
# the container's memory limit, not the host's, sizes the heap; override JAVA_TOOL_OPTIONS to tune
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70"

FROM runtime AS cli
COPY --from=build /build/src/cli/target/quarkus-app/ /app/
USER 1001
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
CMD ["--help"]

FROM runtime AS service
COPY --from=build /build/src/service/target/quarkus-app/ /app/
# The class-data archive (AppCDS; src/service/pom.xml): a start of the service that ends once its model has loaded,
# every class it loaded written to /app/app-cds.jsa by this image's own JRE, so each container starts faster. The
# ENTRYPOINT names the same file; a JRE it does not fit ignores it.
RUN java -XX:ArchiveClassesAtExit=/app/app-cds.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -Dquarkus.appcds.generate=true -Dkafka-streams.state.dir=/tmp/class-data-run \
      '-Dquarkus.log.category."org.apache.kafka".level=ERROR' -jar /app/quarkus-run.jar \
 && rm -rf /tmp/class-data-run
RUN mkdir -p /var/lib/sigma-vrate/state && chown 1001:1001 /var/lib/sigma-vrate/state
USER 1001
# Kafka Streams' RocksDB state; mount a volume here so that a restart resumes from it instead of the changelogs
ENV KAFKA_STREAMS_STATE_DIR=/var/lib/sigma-vrate/state
VOLUME ["/var/lib/sigma-vrate/state"]
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/app-cds.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar", "/app/quarkus-run.jar"]
