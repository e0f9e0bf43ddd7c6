# The forecaster service (JVM). Build the application first: mvn -B package -DskipTests
# CUDA variant: deploy/Dockerfile.cuda (built with mvn -Pcuda package).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/quarkus-app/lib/ /app/lib/
COPY target/quarkus-app/*.jar /app/
COPY target/quarkus-app/app/ /app/app/
COPY target/quarkus-app/quarkus/ /app/quarkus/
COPY data/flights/ /app/data/flights/
COPY models/ /app/models/
RUN mkdir -p /var/lib/sigma-vrate/state && chown -R 1001 /var/lib/sigma-vrate /app
USER 1001
ENV KAFKA_STREAMS_STATE_DIR=/var/lib/sigma-vrate/state \
    JAVA_OPTS_APPEND="-XX:MaxRAMPercentage=70"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS_APPEND -jar /app/quarkus-run.jar \"$@\"", "--"]
CMD ["serve"]
