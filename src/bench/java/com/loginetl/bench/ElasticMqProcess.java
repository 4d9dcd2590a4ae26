package com.loginetl.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.loginetl.support.ElasticMq;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ in a JVM of its own ({@link ElasticMqServer}), and a client for it. */
final class ElasticMqProcess implements AutoCloseable {

	static final List<String> JVM_OPTIONS = List.of("-Xmx1g");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private final Process process;

	private final URI endpoint;

	private final SqsClient client;

	private ElasticMqProcess(Process process, URI endpoint) {
		this.process = process;
		this.endpoint = endpoint;
		this.client = SqsClient.builder()
			.endpointOverride(endpoint)
			.region(ElasticMq.REGION)
			.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(ElasticMq.ACCESS_KEY, ElasticMq.SECRET_KEY)))
			// room for every poller, sender and the sampler at once
			.httpClientBuilder(Apache5HttpClient.builder().maxConnections(128))
			.build();
	}

	/** Starts the server with the benchmark's own classpath, its output going to {@code log}. */
	static ElasticMqProcess start(Path log) {
		try {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(JVM_OPTIONS);
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), ElasticMqServer.class.getName()));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			CompletableFuture<URI> endpoint = new CompletableFuture<>();
			Thread copier = new Thread(() -> copyOutput(process, log, endpoint), "elasticmq-output");
			copier.setDaemon(true);
			copier.start();
			try {
				return new ElasticMqProcess(process, endpoint.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
			}
			catch (InterruptedException | ExecutionException | TimeoutException ex) {
				process.destroyForcibly();
				throw new IllegalStateException("ElasticMQ did not start within " + START_TIMEOUT + "; see " + log, ex);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (IOException ex) {
			this.process.destroyForcibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	private static void copyOutput(Process process, Path log, CompletableFuture<URI> endpoint) {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter file = new PrintWriter(Files.newBufferedWriter(log), true)) {
			String line;
			while ((line = output.readLine()) != null) {
				file.println(line);
				if (line.startsWith(ElasticMqServer.ENDPOINT_LINE)) {
					endpoint.complete(URI.create(line.substring(ElasticMqServer.ENDPOINT_LINE.length()).strip()));
				}
			}
			endpoint.completeExceptionally(new IllegalStateException("ElasticMQ exited with " + process.waitFor()));
		}
		catch (IOException | InterruptedException ex) {
			endpoint.completeExceptionally(ex);
		}
	}

	/** A source queue and its dead-letter queue. */
	record QueuePair(String queueUrl, String deadLetterQueueUrl) {
	}

}
