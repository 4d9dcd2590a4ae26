package com.loginetl.startup;

import com.loginetl.ingest.QueueUrls;
import com.loginetl.ingest.SqsClientConfiguration;
import com.loginetl.storage.DatabaseTlsConfiguration;
import com.loginetl.storage.StorageConfiguration;
import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The beans the start-up checks look at, made as the service makes them from the same settings:
 * every {@code logins.*} settings record, the datasource with its TLS and limits, the schema owner,
 * the SQS client (the service's own, {@link SqsClientConfiguration}) and the queue names; no web server, listener or migration. Every bean is lazy, so
 * one that cannot be made fails only the checks that need it. Not a {@code @Configuration}, so that
 * the service's component scan never picks it up.
 */
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, AwsAutoConfiguration.class,
		CredentialsProviderAutoConfiguration.class, RegionProviderAutoConfiguration.class, SqsAutoConfiguration.class })
@Import({ DatabaseTlsConfiguration.class, StorageConfiguration.class, SqsClientConfiguration.class, QueueUrls.class })
@ConfigurationPropertiesScan("com.loginetl")
class CheckedBeans {

	/**
	 * A context of these beans on {@code environment}, the service's own: a plain context, not a
	 * Spring Boot application, which would set up logging again.
	 */
	static AnnotationConfigApplicationContext on(ConfigurableEnvironment environment) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.setEnvironment(environment);
		context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor());
		context.register(CheckedBeans.class);
		context.refresh();
		return context;
	}

	/**
	 * Closes {@code context} on a daemon thread: with {@code logins.sqs-client: async} the SQS
	 * client's event loop waits two quiet seconds before it stops, which neither the service's start
	 * nor a report should wait for.
	 */
	static void closeInBackground(ConfigurableApplicationContext context) {
		Thread closer = new Thread(context::close, "startup-checks-close");
		closer.setDaemon(true);
		closer.start();
	}

}
