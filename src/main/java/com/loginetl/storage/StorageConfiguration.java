package com.loginetl.storage;

import java.util.Properties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The database connections' limits and the schema owner, for the service and for the start-up
 * checks' context, which imports it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ StorageProperties.class, PartitionProperties.class })
public class StorageConfiguration {

	@Bean
	static ConnectionLimits connectionLimits(ObjectProvider<StorageProperties> properties) {
		return new ConnectionLimits(properties);
	}

	@Bean
	SchemaOwner schemaOwner(JdbcConnectionDetails service, Environment environment, DatabaseTls tls,
			StorageProperties limits) {
		Properties driverProperties = new Properties();
		driverProperties.setProperty("connectTimeout", Long.toString(limits.connectTimeout().toSeconds()));
		driverProperties.setProperty("loginTimeout", Long.toString(limits.loginTimeout().toSeconds()));
		driverProperties.setProperty("tcpKeepAlive", Boolean.toString(limits.tcpKeepAlive()));
		driverProperties.setProperty("options", ConnectionLimits.serverKeepalives(limits));
		tls.applyTo(driverProperties);
		return SchemaOwner.of(tls.jdbcUrl(service.getJdbcUrl()), service.getDriverClassName(),
				new SchemaOwner.Login(service.getUsername(), service.getPassword()),
				environment.getProperty("spring.flyway.user"), environment.getProperty("spring.flyway.password"),
				driverProperties);
	}

	/** Flyway migrates as the schema owner, on a connection of its own (see {@link SchemaOwner}). */
	@Bean
	FlywayConfigurationCustomizer migrationsAsSchemaOwner(SchemaOwner owner) {
		return (configuration) -> configuration.dataSource(owner.dataSource());
	}

}
