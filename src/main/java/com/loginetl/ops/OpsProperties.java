package com.loginetl.ops;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the service reports on and ends its own work. Defaults live in application.yaml.
 *
 * @param queueDepthInterval how often both queues' depths are read from SQS for the
 * {@code logins.queue.messages} gauges ({@code LOGINS_QUEUE_DEPTH_INTERVAL})
 * @param exitWhenIdle when set, the service stops and exits 0 once the source queue has had no
 * message (visible, in flight or delayed) for this long ({@code LOGINS_EXIT_WHEN_IDLE}); unset, it
 * runs until stopped
 */
@Validated
@ConfigurationProperties("logins")
public record OpsProperties(@NotNull @DurationMin(seconds = 1) Duration queueDepthInterval,
		@DurationMin(seconds = 1) Duration exitWhenIdle) {

}
