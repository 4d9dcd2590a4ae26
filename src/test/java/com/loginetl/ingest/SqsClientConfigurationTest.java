package com.loginetl.ingest;

import java.net.URI;

import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointParams;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

class SqsClientConfigurationTest {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CredentialsProviderAutoConfiguration.class,
				RegionProviderAutoConfiguration.class, AwsAutoConfiguration.class, SqsAutoConfiguration.class))
		.withUserConfiguration(ClientOnly.class)
		.withPropertyValues("spring.cloud.aws.region.static=us-east-1", "spring.cloud.aws.credentials.access-key=x",
				"spring.cloud.aws.credentials.secret-key=y", "spring.cloud.aws.sqs.endpoint=http://127.0.0.1:9",
				"logins.queue=q", "logins.dead-letter-queue=dlq", "logins.sqs-timeout=5s",
				"logins.listener.max-messages-per-poll=10", "logins.listener.max-concurrent-messages=40",
				"logins.listener.poll-timeout=10s", "logins.listener.shutdown-timeout=20s",
				"logins.listener.visibility-timeout=30s", "logins.listener.max-processing-time=3m",
				"logins.listener.batching-window=50ms", "logins.sqs-client=sync");

	@Test
	void theFixedProviderAnswersTheConfiguredEndpointWhateverTheRegion() {
		SqsEndpointProvider provider = SqsClientConfiguration.fixed(URI.create("http://localstack:4566"));

		assertThat(provider.resolveEndpoint(SqsEndpointParams.builder().region(Region.EU_WEST_1).build()).join().url())
			.isEqualTo(URI.create("http://localstack:4566"));
		assertThat(provider.resolveEndpoint(SqsEndpointParams.builder().build()).join().url())
			.isEqualTo(URI.create("http://localstack:4566"));
	}

	@Test
	void syncRunsTheCallsOnTheSynchronousClientAtTheConfiguredEndpoint() {
		this.context.run((context) -> {
			SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
			assertThat(sqs).isInstanceOf(BlockingSqsAsyncClient.class);
			assertThat(sqs.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:9"));
			assertThat(sqs.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
		});
	}

	@Test
	void asyncBringsBackSpringCloudAwssAsynchronousClient() {
		this.context.withPropertyValues("logins.sqs-client=async").run((context) -> {
			SqsAsyncClient sqs = context.getBean(SqsAsyncClient.class);
			assertThat(sqs).isNotInstanceOf(BlockingSqsAsyncClient.class);
			assertThat(sqs.serviceClientConfiguration().endpointOverride()).contains(URI.create("http://127.0.0.1:9"));
		});
	}

	@Test
	void theSettingIsReadWhateverItsCase() {
		this.context.withPropertyValues("logins.sqs-client=SYNC")
			.run((context) -> assertThat(context.getBean(SqsAsyncClient.class)).isInstanceOf(BlockingSqsAsyncClient.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(IngestProperties.class)
	@Import(SqsClientConfiguration.class)
	static class ClientOnly {

	}

}
