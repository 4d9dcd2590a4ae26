package com.loginetl.storage;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the service waits for a database that stopped answering. Defaults live in application.yaml.
 *
 * @param retry the probe's backoff while the database is unavailable
 */
@Validated
@ConfigurationProperties("logins.database")
public record StorageProperties(@NotNull @Valid Retry retry) {

	/**
	 * @param initialInterval first wait before probing the database again
	 * @param maxInterval longest wait between two probes (the wait doubles up to it)
	 */
	public record Retry(@NotNull Duration initialInterval, @NotNull Duration maxInterval) {
	}

}
