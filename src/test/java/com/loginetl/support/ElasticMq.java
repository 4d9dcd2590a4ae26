package com.loginetl.support;

import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/**
 * An in-process SQS (ElasticMQ) bound to 127.0.0.1, for tests and local runs. It answers the AWS
 * SDK v2's JSON protocol, so the service talks to it as it talks to SQS.
 */
public final class ElasticMq implements AutoCloseable {

	public static final Region REGION = Region.US_EAST_1;

	public static final String ACCESS_KEY = "test";

	public static final String SECRET_KEY = "test";

	private static final String HOST = "127.0.0.1";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	// elasticmq-rest-sqs ships an application.conf with pekko.loglevel = DEBUG. Pekko drops events
	// below its own level before they reach SLF4J, which keeps its actors and HTTP layer quiet.
	// stop() ends the actor system, so Pekko needs no JVM shutdown hook (adding one while the JVM
	// is already exiting logs a WARN), and a server nobody stopped never holds the JVM open.
	private static final Config PEKKO_OVERRIDES = ConfigFactory.parseMap(Map.of("pekko.loglevel", "WARNING",
			"pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off", "pekko.daemonic", "on"));

	private final ActorSystem actorSystem;

	private final SQSRestServer server;

	private final URI endpoint;

	private final SqsClient client;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private ElasticMq(ActorSystem actorSystem, SQSRestServer server, URI endpoint) {
		this.actorSystem = actorSystem;
		this.server = server;
		this.endpoint = endpoint;
		this.client = SqsClient.builder()
			.endpointOverride(endpoint)
			.region(REGION)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
			.build();
	}

	/** Starts a server on {@code port}, or on any free port when {@code port} is 0. */
	public static ElasticMq start(int port) {
		quietStartupLoggers();
		ActorSystem actorSystem = ActorSystem.create("elasticmq", PEKKO_OVERRIDES.withFallback(ConfigFactory.load()));
		try {
			SQSRestServer server = SQSRestServerBuilder.withActorSystem(actorSystem)
				.withInterface(HOST)
				.withPort(port)
				.withAWSRegion(REGION.id())
				.start();
			int boundPort = server.waitUntilStarted().localAddress().getPort();
			return new ElasticMq(actorSystem, server, URI.create("http://" + HOST + ":" + boundPort));
		}
		catch (RuntimeException ex) {
			actorSystem.terminate();
			if (ex.getCause() instanceof BindException) {
				throw new IllegalStateException("Cannot start ElasticMQ on " + HOST + ":" + port
						+ ": the port is taken. Stop whatever listens there (an earlier local run?) and retry.", ex);
			}
			throw ex;
		}
	}

	public URI endpoint() {
		return this.endpoint;
	}

	/** A client for this server: shared, thread-safe, closed by {@link #stop()}. */
	/** The Spring Cloud AWS settings that point the service at this server. */
	public Map<String, String> springProperties() {
		return Map.of("spring.cloud.aws.sqs.endpoint", endpoint().toString(), "spring.cloud.aws.region.static",
				REGION.id(), "spring.cloud.aws.credentials.access-key", ACCESS_KEY,
				"spring.cloud.aws.credentials.secret-key", SECRET_KEY);
	}

	public SqsClient client() {
		return this.client;
	}

	/** Creates a standard queue and returns its URL. */
	public String createQueue(String name) {
		return createQueue(name, Map.of());
	}

	/** Creates a standard queue with the given attributes and returns its URL. */
	public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
		return this.client.createQueue((request) -> request.queueName(name).attributes(attributes)).queueUrl();
	}

	/** Stops the server and its client; later calls do nothing. */
	public void stop() {
		if (this.stopped.getAndSet(true)) {
			return;
		}
		this.client.close();
		try {
			this.server.stopAndWait();
		}
		finally {
			this.actorSystem.terminate();
			awaitTermination();
		}
	}

	@Override
	public void close() {
		stop();
	}

	// A few lines skip Pekko's level and go straight to SLF4J: ElasticMQ's own start-up lines and
	// Pekko's "Slf4jLogger started". Boot's LoggingSystem sets the levels, so no logback file of
	// ours replaces the configuration Boot builds.
	private static void quietStartupLoggers() {
		LoggingSystem logging = LoggingSystem.get(ElasticMq.class.getClassLoader());
		logging.setLogLevel("org.elasticmq", LogLevel.WARN);
		logging.setLogLevel("org.apache.pekko", LogLevel.WARN);
	}

	private void awaitTermination() {
		try {
			this.actorSystem.getWhenTerminated()
				.toCompletableFuture()
				.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("ElasticMQ did not stop within " + STOP_TIMEOUT, ex);
		}
	}

}
