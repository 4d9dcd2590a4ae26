package com.loginetl.support;

import java.util.concurrent.atomic.AtomicInteger;

import com.loginetl.masking.Keysets;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/**
 * Gives each application context its own queues and database on the JVM's shared ElasticMQ and
 * PostgreSQL, and a freshly generated masking keyset.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ServicesForTests {

	private static final AtomicInteger contexts = new AtomicInteger();

	@Bean
	TestQueues testQueues() {
		int n = contexts.incrementAndGet();
		ElasticMq sqs = SharedServices.sqs();
		return new TestQueues(sqs, sqs.createQueue("login-queue-" + n), sqs.createQueue("login-queue-dlq-" + n));
	}

	@Bean
	JdbcTarget testDatabase() {
		return TestPostgres.instance().newDatabase();
	}

	@Bean
	DynamicPropertyRegistrar servicesProperties(TestQueues queues, JdbcTarget database) {
		String keyset = Keysets.generate();
		return (registry) -> {
			queues.sqs().springProperties().forEach((name, value) -> registry.add(name, () -> value));
			database.springProperties().forEach((name, value) -> registry.add(name, () -> value));
			registry.add("logins.queue", queues::queueUrl);
			registry.add("logins.dead-letter-queue", queues::deadLetterQueueUrl);
			registry.add("logins.masking.keyset", () -> keyset);
			// As in Scenario: the first SQS call at start-up has taken longer than 5 s under load.
			registry.add("logins.sqs-timeout", () -> "15s");
		};
	}

}
