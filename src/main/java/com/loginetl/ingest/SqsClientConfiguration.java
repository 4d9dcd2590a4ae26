package com.loginetl.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.core.AwsProperties;
import io.awspring.cloud.autoconfigure.AwsSyncClientCustomizer;
import io.awspring.cloud.autoconfigure.sqs.SqsAsyncClientCustomizer;
import io.awspring.cloud.autoconfigure.sqs.SqsProperties;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The SQS client the listener container and the service use.
 * <p>
 * By default ({@code logins.sqs-client: sync}) it is {@link BlockingSqsAsyncClient}: the SDK's
 * synchronous client with the Apache 5 HTTP client, each call on a thread of a pool sized from the
 * listener's settings. With {@code async}, Spring Cloud AWS builds the SDK's asynchronous client with
 * Netty, as before. Both keep the same bounded waits (the Netty client's defaults): 2 s to connect,
 * 30 s without a byte on an open connection, 10 s for a free connection of the pool.
 * <p>
 * With an endpoint configured ({@code spring.cloud.aws.sqs.endpoint}, else
 * {@code spring.cloud.aws.endpoint}, or a connection's details), every request goes there, yet the
 * SDK still runs its endpoint rules engine for each request to arrive at it (aws-sdk-java-v2
 * #6847); a fixed endpoint provider gives the same answer without that work. Without one, the
 * SDK's own provider finds AWS's endpoint for the region, as before.
 * <p>
 * Public so that the start-up checks reach the queues with this client too: one SDK stack loaded
 * at start-up instead of two (Netty's, for the checks alone, was most of their time).
 */
@Configuration(proxyBeanMethods = false)
public class SqsClientConfiguration {

	/** Netty's default connect timeout in the SDK, kept for the synchronous client. */
	static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

	/** Netty's default read timeout in the SDK; above the longest long poll SQS allows (20 s). */
	static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

	/** Netty's default wait for a connection of the pool in the SDK. */
	static final Duration CONNECTION_ACQUISITION_TIMEOUT = Duration.ofSeconds(10);

	/** Calls that may wait for a thread of the synchronous client's pool, per thread. */
	static final int QUEUED_CALLS_PER_THREAD = 64;

	@Bean
	SqsAsyncClientCustomizer fixedEndpointWhenConfigured(SqsProperties sqs, AwsProperties aws,
			ObjectProvider<AwsConnectionDetails> connectionDetails) {
		URI endpoint = configuredEndpoint(sqs, aws, connectionDetails.getIfAvailable());
		return (builder) -> {
			if (endpoint != null) {
				builder.endpointProvider(fixed(endpoint));
			}
		};
	}

	/** Replaces Spring Cloud AWS's asynchronous client, which backs off when this bean exists. */
	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = "logins.sqs-client", havingValue = "sync", matchIfMissing = true)
	SqsAsyncClient sqsAsyncClient(AwsClientBuilderConfigurer configurer, SqsProperties sqs, AwsProperties aws,
			ObjectProvider<AwsConnectionDetails> connectionDetails,
			ObjectProvider<AwsSyncClientCustomizer> syncClientCustomizers, IngestProperties properties) {
		AwsConnectionDetails details = connectionDetails.getIfAvailable();
		int threads = threads(properties.listener());
		SqsClientBuilder builder = configurer.configureSyncClient(SqsClient.builder(), sqs, details, null,
				syncClientCustomizers.orderedStream());
		URI endpoint = configuredEndpoint(sqs, aws, details);
		if (endpoint != null) {
			builder.endpointProvider(fixed(endpoint));
		}
		builder.httpClientBuilder(Apache5HttpClient.builder()
			.maxConnections(threads)
			.connectionTimeout(CONNECTION_TIMEOUT)
			.socketTimeout(SOCKET_TIMEOUT)
			.connectionAcquisitionTimeout(CONNECTION_ACQUISITION_TIMEOUT));
		ThreadPoolExecutor calls = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(threads * QUEUED_CALLS_PER_THREAD), daemonThreads("sqs-client-"));
		calls.allowCoreThreadTimeOut(true);
		return new BlockingSqsAsyncClient(builder.build(), calls);
	}

	/**
	 * Every receive call of the container can hold a thread for a whole long poll; as many threads
	 * again keep deletions, visibility changes and dead letters from waiting behind them, and two more
	 * serve health and queue depth.
	 */
	static int threads(IngestProperties.Listener listener) {
		return 2 * listener.receiveCalls() + 2;
	}

	// the same precedence as Spring Cloud AWS's AwsClientBuilderConfigurer: details, then sqs, then aws
	private static URI configuredEndpoint(SqsProperties sqs, AwsProperties aws, AwsConnectionDetails details) {
		return (details != null && details.getEndpoint() != null) ? details.getEndpoint()
				: (sqs.getEndpoint() != null) ? sqs.getEndpoint() : aws.getEndpoint();
	}

	static SqsEndpointProvider fixed(URI endpoint) {
		CompletableFuture<Endpoint> answer = CompletableFuture.completedFuture(Endpoint.builder().url(endpoint).build());
		return (parameters) -> answer;
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
