package com.loginetl.storage;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ StorageProperties.class, PartitionProperties.class })
class StorageConfiguration {

	@Bean
	static ConnectionLimits connectionLimits(ObjectProvider<StorageProperties> properties) {
		return new ConnectionLimits(properties);
	}

	@Bean
	FlywayConnectionDetails migrationConnection(JdbcConnectionDetails service) {
		return new MigrationConnection(service);
	}

}
