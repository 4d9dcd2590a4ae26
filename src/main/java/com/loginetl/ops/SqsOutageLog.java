package com.loginetl.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Logs an unreachable SQS like an expected fault. Spring Cloud AWS logs every failed poll at ERROR
 * with its stack trace (about 65 lines, several a minute while SQS is away); this filter turns the
 * first of a run of failures into one WARN with the cause's class, writes one more every
 * {@link #REMINDER_INTERVAL} while they go on, and drops the rest. It also drops Spring Cloud
 * AWS's two ERRORs for a failed deletion, which the listener logs itself as a WARN with the count and
 * what follows. With those loggers at DEBUG everything is logged as before. A run ends after
 * {@link #QUIET_AFTER} without a failure; the {@code sqs} health check logs when SQS answers again.
 */
@Component
class SqsOutageLog extends TurboFilter implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(SqsOutageLog.class);

	static final String SOURCE_LOGGER = "io.awspring.cloud.sqs.listener.source.AbstractPollingMessageSource";

	static final String POLL_ERROR = "Error polling for messages in queue {}.";

	/** Spring Cloud AWS's ERRORs for a failed deletion, by logger: one from the executor, one from the processor. */
	static final Map<String, String> ACKNOWLEDGEMENT_ERRORS = Map.of(
			"io.awspring.cloud.sqs.listener.acknowledgement.SqsAcknowledgementExecutor",
			"Error acknowledging in queue {} messages {} in {}ms",
			"io.awspring.cloud.sqs.listener.acknowledgement.AbstractOrderingAcknowledgementProcessor",
			"Acknowledgement processing has thrown an error for messages {} in {}");

	static final Duration REMINDER_INTERVAL = Duration.ofMinutes(5);

	static final Duration QUIET_AFTER = Duration.ofMinutes(1);

	private final Clock clock = Clock.systemUTC();

	private final LoggerContext context;

	private Instant lastFailure;

	private Instant remindedAt;

	private int dropped;

	SqsOutageLog() {
		ILoggerFactory factory = LoggerFactory.getILoggerFactory();
		this.context = (factory instanceof LoggerContext logback) ? logback : null;
		if (this.context != null) {
			this.context.addTurboFilter(this);
			start();
		}
	}

	@Override
	public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
			Object[] params, Throwable failure) {
		if (level != Level.ERROR || logger.isDebugEnabled()) {
			return FilterReply.NEUTRAL;
		}
		if (format != null && format.equals(ACKNOWLEDGEMENT_ERRORS.get(logger.getName()))) {
			return FilterReply.DENY;
		}
		if (!POLL_ERROR.equals(format) || !SOURCE_LOGGER.equals(logger.getName())) {
			return FilterReply.NEUTRAL;
		}
		// SLF4J passes the exception as the last argument, not as the throwable.
		if (failure == null && params != null && params.length > 0
				&& params[params.length - 1] instanceof Throwable last) {
			failure = last;
		}
		String queue = (params != null && params.length > 0) ? String.valueOf(params[0]) : "?";
		Instant now = this.clock.instant();
		boolean first;
		int droppedSoFar;
		synchronized (this) {
			first = this.lastFailure == null || this.lastFailure.plus(QUIET_AFTER).isBefore(now);
			boolean remind = !first && !now.isBefore(this.remindedAt.plus(REMINDER_INTERVAL));
			this.lastFailure = now;
			if (!first && !remind) {
				this.dropped++;
				return FilterReply.DENY;
			}
			droppedSoFar = this.dropped;
			this.dropped = 0;
			this.remindedAt = now;
		}
		if (first) {
			log.warn("Polling {} fails ({}); Spring Cloud AWS backs off and polls again", queue,
					failure == null ? "?" : BackgroundCheck.describe(failure));
		}
		else {
			log.warn("Polling {} still fails ({}); {} more failed polls since the last line", queue,
					failure == null ? "?" : BackgroundCheck.describe(failure), droppedSoFar);
		}
		return FilterReply.DENY;
	}

	@Override
	public void destroy() {
		if (this.context != null) {
			this.context.getTurboFilterList().remove(this);
		}
	}

}
