# syntax=docker/dockerfile:1
#
# login-etl image: docker build -t login-etl .
# Build stage: the same Maven build as CI, without the tests (CI runs those). Runtime stage: a JRE,
# the Spring Boot jar extracted into its layers (dependencies change rarely, the application
# often, so a rebuild after a code change ships one small layer), a non-root user and no shell
# between the container runtime and the JVM, so SIGTERM reaches Spring's graceful shutdown.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
COPY src/main ./src/main
# The cache mount keeps ~/.m2 between builds; -Dmaven.test.skip also skips compiling the tests,
# which are not in the build context (.dockerignore).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Dmaven.test.skip=true package
# Boot's layered extraction: one directory per layer, each holding part of lib/ or the jar.
RUN java -Djarmode=tools -jar target/login-etl.jar extract --layers --destination target/extracted

FROM eclipse-temurin:25-jre-noble
LABEL org.opencontainers.image.title="login-etl" \
      org.opencontainers.image.description="Reads login events from SQS, masks their PII and writes them to PostgreSQL"
# A numeric UID, so Kubernetes' runAsNonRoot can check it without resolving a name.
RUN groupadd --system --gid 10001 login-etl \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin login-etl
# glibc gives each thread that allocates under contention an arena of its own, up to 8 per CPU, and
# each keeps the memory freed into it; two arenas keep that small for a service of some 120 threads.
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
# Least to most often changed, so Docker reuses the earlier layers.
COPY --from=build /build/target/extracted/dependencies/ ./
COPY --from=build /build/target/extracted/spring-boot-loader/ ./
COPY --from=build /build/target/extracted/snapshot-dependencies/ ./
COPY --from=build /build/target/extracted/application/ ./
# An ahead-of-time cache (JEP 483, 514, 515) of the classes start-up loads and links, and of the
# method profiles it records, so that the JVM maps them instead of loading, verifying and profiling
# them again. Spring refreshes the context and exits before starting it (spring.context.exit=
# onRefresh): a Docker build has no database or queue to process messages from, so the cache holds
# start-up's classes and profiles, not the listener's. The cds-training profile lets it start with
# neither, and a throw-away key satisfies the keyset check. The cache must be made by this image's
# JVM from this image's jar, so it is made here, not in the build stage (which compiles for 17).
# The training runs with the ENTRYPOINT's memory options: with another collector than the one that
# made it, Java 25 drops the cache's code part (its adapters), saying so only at -Xlog:aot*=info.
RUN java -jar /app/login-etl.jar keygen > /tmp/training-keyset.json \
    && java -XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000 -Xms64m \
       -XX:AOTCacheOutput=/app/login-etl.aot -Dspring.context.exit=onRefresh \
       -Dspring.profiles.active=cds-training -Dlogins.masking.keyset-file=/tmp/training-keyset.json \
       -jar /app/login-etl.jar \
    && rm /tmp/training-keyset.json \
    && test -s /app/login-etl.aot
# The application files stay owned by root: the service cannot change its own code. It writes
# only below /tmp (Tomcat's work directory), which Kubernetes mounts as an emptyDir.
USER 10001:10001
# 8080: the application port (no endpoint of its own); 8081: management (probes, /actuator/prometheus).
EXPOSE 8080 8081
# The JVM sizes its heap from the container's memory limit (container support is on by default);
# ExitOnOutOfMemoryError lets the orchestrator restart a broken JVM. The memory options (peak RSS
# 305 against 389 MiB for 9 % more CPU per message, docs/deployment.md): the serial collector,
# single-threaded, fits a 1-2 CPU container and keeps less native memory than G1's remembered sets;
# TrimNativeHeapInterval returns freed malloc memory to the system every 5 s; -Xms64m starts small.
# The cache is used when it fits the jar and JVM, and skipped with a warning otherwise; JVM warnings
# go to stderr, not to stdout where the key tools print keysets. Add flags with JAVA_TOOL_OPTIONS.
# Arguments go to the jar: "keygen", "unmask", "remask" and "dlq" run the tools (docs/masking.md,
# docs/dead-letters.md), "check" the start-up checks (docs/check.md).
ENTRYPOINT ["java", "-XX:AOTCache=/app/login-etl.aot", "-Xlog:disable", "-Xlog:all=warning:stderr", \
            "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", \
            "-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000", "-Xms64m", "-jar", "/app/login-etl.jar"]
