package com.loginetl.support;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * The outside world for {@code mvn spring-boot:test-run}: SQS on ElasticMQ's usual port with the
 * take-home's 100 messages waiting, and a new PostgreSQL database.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LocalRunConfiguration {

	/** ElasticMQ's usual port, so that {@code aws --endpoint-url http://localhost:9324 sqs ...} works. */
	public static final int SQS_PORT = 9324;

	@Bean(destroyMethod = "close")
	LocalServices localServices() {
		LocalServices services = LocalServices.start(SQS_PORT);
		services.send(SampleEvents.takeHome());
		return services;
	}

	// spring-boot-testcontainers applies DynamicPropertyRegistrar beans in a development-time run too.
	// The service itself warns that it masks with the development keyset.
	@Bean
	DynamicPropertyRegistrar localServicesProperties(LocalServices services) {
		return services::registerProperties;
	}

}
