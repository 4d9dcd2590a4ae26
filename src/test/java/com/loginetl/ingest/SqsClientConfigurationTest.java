package com.loginetl.ingest;

import java.net.URI;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointParams;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

import static org.assertj.core.api.Assertions.assertThat;

class SqsClientConfigurationTest {

	@Test
	void theFixedProviderAnswersTheConfiguredEndpointWhateverTheRegion() {
		SqsEndpointProvider provider = SqsClientConfiguration.fixed(URI.create("http://localstack:4566"));

		assertThat(provider.resolveEndpoint(SqsEndpointParams.builder().region(Region.EU_WEST_1).build()).join().url())
			.isEqualTo(URI.create("http://localstack:4566"));
		assertThat(provider.resolveEndpoint(SqsEndpointParams.builder().build()).join().url())
			.isEqualTo(URI.create("http://localstack:4566"));
	}

}
