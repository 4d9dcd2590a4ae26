package com.loginetl.startup;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up checks reach the queues with the client the service itself uses: the synchronous
 * SDK client unless {@code logins.sqs-client} says otherwise. Asked through the SDK's asynchronous
 * client, they loaded Netty for themselves alone, most of their time at start-up.
 */
class CheckedBeansTest {

	@Test
	void theChecksAskSqsThroughTheServicesOwnClient() throws IOException {
		try (AnnotationConfigApplicationContext checked = CheckedBeans.on(environment(Map.of()))) {
			assertThat(checked.getBean(SqsAsyncClient.class).getClass().getName())
				.isEqualTo("com.loginetl.ingest.BlockingSqsAsyncClient");
		}
	}

	@Test
	void withTheAsynchronousClientSetTheyAskThroughThatOne() throws IOException {
		try (AnnotationConfigApplicationContext checked = CheckedBeans
			.on(environment(Map.of("logins.sqs-client", "async")))) {
			assertThat(checked.getBean(SqsAsyncClient.class).getClass().getName())
				.isEqualTo("software.amazon.awssdk.services.sqs.DefaultSqsAsyncClient");
		}
	}

	// The service's application.yaml under the test's settings; nothing is reached: every bean is lazy.
	private static StandardEnvironment environment(Map<String, Object> settings) throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yaml",
				new ClassPathResource("application.yaml"))) {
			environment.getPropertySources().addLast(source);
		}
		Map<String, Object> test = new HashMap<>(Map.of("spring.cloud.aws.region.static", "us-east-1",
				"spring.cloud.aws.credentials.access-key", "x", "spring.cloud.aws.credentials.secret-key", "y",
				"spring.cloud.aws.sqs.endpoint", "http://127.0.0.1:9"));
		test.putAll(settings);
		environment.getPropertySources().addFirst(new MapPropertySource("test", test));
		return environment;
	}

}
