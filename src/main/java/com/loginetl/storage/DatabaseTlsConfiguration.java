package com.loginetl.storage;

import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link DatabaseTls} for the service, and for a tool's context that imports it: every Hikari pool
 * connects with the TLS settings before it opens its first connection.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseTlsProperties.class)
public class DatabaseTlsConfiguration {

	@Bean
	DatabaseTls databaseTls(DatabaseTlsProperties properties) {
		return new DatabaseTls(properties);
	}

	@Bean
	static BeanPostProcessor poolTls(ObjectProvider<DatabaseTls> tls) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
					DatabaseTls settings = tls.getObject();
					pool.setJdbcUrl(settings.jdbcUrl(pool.getJdbcUrl()));
					Properties driverProperties = new Properties();
					settings.applyTo(driverProperties);
					driverProperties.stringPropertyNames()
						.forEach((name) -> pool.addDataSourceProperty(name, driverProperties.getProperty(name)));
				}
				return bean;
			}

		};
	}

}
