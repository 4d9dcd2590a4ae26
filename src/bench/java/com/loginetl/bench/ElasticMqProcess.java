package com.loginetl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.loginetl.support.ElasticMq;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in a JVM of its own, so that its CPU is not the benchmark's, and a client for it. The
 * process runs {@link #main}: the test-support server on a free port of 127.0.0.1, which prints
 * {@code ENDPOINT <url>} when it answers and stops when its standard input closes, which happens
 * when the benchmark ends in any way, so it never outlives it.
 */
final class ElasticMqProcess implements AutoCloseable {

	static final List<String> JVM_OPTIONS = List.of("-Xmx1g");

	private static final String ENDPOINT_LINE = "ENDPOINT ";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private final Process process;

	private final URI endpoint;

	private final SqsClient client;

	private ElasticMqProcess(Process process, URI endpoint) {
		this.process = process;
		this.endpoint = endpoint;
		// room for every poller, sender and the sampler at once
		this.client = client(endpoint, 128);
	}

	public static void main(String[] args) {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
		ElasticMq sqs = ElasticMq.start(0);
		System.out.println(ENDPOINT_LINE + sqs.endpoint());
		System.out.flush();
		StartedProcesses.awaitStdinClosed();
		sqs.stop();
		System.exit(0);
	}

	/** Starts the server with the benchmark's own classpath, its output going to {@code log}. */
	static ElasticMqProcess start(Path log, StartedProcesses started) {
		Process process = started.startJava(JVM_OPTIONS, ElasticMqProcess.class, List.of(), Map.of(), log);
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (process.isAlive() && System.nanoTime() < deadline) {
			Timeline.sleep(100);
			try (Stream<String> lines = Files.lines(log)) {
				Optional<String> endpoint = lines.filter((line) -> line.startsWith(ENDPOINT_LINE)).findFirst();
				if (endpoint.isPresent()) {
					return new ElasticMqProcess(process, URI.create(endpoint.get().substring(ENDPOINT_LINE.length()).strip()));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("ElasticMQ did not answer within " + START_TIMEOUT + " or exited; see " + log);
	}

	/** A synchronous SQS client of ElasticMQ at {@code endpoint} (Apache 5 HTTP client). */
	static SqsClient client(URI endpoint, int maxConnections) {
		return SqsClient.builder()
			.endpointOverride(endpoint)
			.region(ElasticMq.REGION)
			.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(ElasticMq.ACCESS_KEY, ElasticMq.SECRET_KEY)))
			.httpClientBuilder(Apache5HttpClient.builder().maxConnections(maxConnections))
			.build();
	}

	long pid() {
		return this.process.pid();
	}

	URI endpoint() {
		return this.endpoint;
	}

	SqsClient client() {
		return this.client;
	}

	/** A new source queue and dead-letter queue, named after {@code name}. */
	QueuePair createQueues(String name) {
		String deadLetterQueue = this.client.createQueue((request) -> request.queueName(name + "-dlq")).queueUrl();
		String queue = this.client.createQueue((request) -> request.queueName(name)).queueUrl();
		return new QueuePair(queue, deadLetterQueue);
	}

	/** Deletes both queues, so that ElasticMQ holds no messages of an earlier run. */
	void deleteQueues(QueuePair queues) {
		this.client.deleteQueue((request) -> request.queueUrl(queues.queueUrl()));
		this.client.deleteQueue((request) -> request.queueUrl(queues.deadLetterQueueUrl()));
	}

	/** ApproximateNumberOfMessages plus ApproximateNumberOfMessagesNotVisible. */
	int depth(String queueUrl) {
		Map<QueueAttributeName, String> attributes = this.client
			.getQueueAttributes((request) -> request.queueUrl(queueUrl)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.attributes();
		return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
				+ Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

	@Override
	public void close() {
		this.client.close();
		try {
			// closing its standard input asks it to stop
			this.process.getOutputStream().close();
			this.process.waitFor(15, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// it is ended below
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process.destroyForcibly();
	}

	/** A source queue and its dead-letter queue. */
	record QueuePair(String queueUrl, String deadLetterQueueUrl) {
	}

}
