package com.loginetl.ingest;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.core.AwsProperties;
import io.awspring.cloud.autoconfigure.sqs.SqsAsyncClientCustomizer;
import io.awspring.cloud.autoconfigure.sqs.SqsProperties;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Settings of the SQS client that Spring Cloud AWS builds, beyond its properties.
 * <p>
 * With an endpoint configured ({@code spring.cloud.aws.sqs.endpoint}, else
 * {@code spring.cloud.aws.endpoint}, or a connection's details), every request goes there, yet the
 * SDK still runs its endpoint rules engine for each request to arrive at it (aws-sdk-java-v2
 * #6847); a fixed endpoint provider gives the same answer without that work. Without one, the
 * SDK's own provider finds AWS's endpoint for the region, as before.
 */
@Configuration(proxyBeanMethods = false)
class SqsClientConfiguration {

	@Bean
	SqsAsyncClientCustomizer fixedEndpointWhenConfigured(SqsProperties sqs, AwsProperties aws,
			ObjectProvider<AwsConnectionDetails> connectionDetails) {
		// the same precedence as Spring Cloud AWS's AwsClientBuilderConfigurer: details, then sqs, then aws
		AwsConnectionDetails details = connectionDetails.getIfAvailable();
		URI endpoint = (details != null && details.getEndpoint() != null) ? details.getEndpoint()
				: (sqs.getEndpoint() != null) ? sqs.getEndpoint() : aws.getEndpoint();
		return (builder) -> {
			if (endpoint != null) {
				builder.endpointProvider(fixed(endpoint));
			}
		};
	}

	static SqsEndpointProvider fixed(URI endpoint) {
		CompletableFuture<Endpoint> answer = CompletableFuture.completedFuture(Endpoint.builder().url(endpoint).build());
		return (parameters) -> answer;
	}

}
