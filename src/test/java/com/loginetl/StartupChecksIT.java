package com.loginetl;

import java.util.ArrayList;
import java.util.List;

import com.loginetl.masking.Keysets;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TestPostgres;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration mistakes stop the service at start-up, with a message that names the setting. */
class StartupChecksIT {

	private static final JdbcTarget DATABASE = TestPostgres.instance().newDatabase();

	@Test
	void aMissingDeadLetterQueueIsNamed() {
		String queue = SharedServices.sqs().createQueue("startup-queue");

		assertThatThrownBy(() -> start("--logins.queue=" + queue, "--logins.dead-letter-queue=no-such-dlq"))
			.hasStackTraceContaining("no-such-dlq")
			.hasStackTraceContaining("logins.dead-letter-queue");
	}

	@Test
	void aMissingSourceQueueIsNeverCreated() {
		String deadLetterQueue = SharedServices.sqs().createQueue("startup-dlq");

		assertThatThrownBy(() -> start("--logins.queue=no-such-queue", "--logins.dead-letter-queue=" + deadLetterQueue))
			.hasStackTraceContaining("no-such-queue");
		assertThatThrownBy(() -> SharedServices.sqs().client().getQueueUrl((request) -> request.queueName("no-such-queue")))
			.hasMessageContaining("does not exist");
	}

	@Test
	void anOutOfRangeListenerSettingIsNamed() {
		assertThatThrownBy(() -> start("--logins.listener.max-messages-per-poll=50"))
			.hasStackTraceContaining("logins.listener.maxMessagesPerPoll");
	}

	private static void start(String... settings) {
		List<String> args = new ArrayList<>(SharedServices.serviceArguments(DATABASE));
		args.addAll(List.of("--server.port=0", "--logins.masking.keyset=" + Keysets.generate()));
		args.addAll(List.of(settings));
		new SpringApplicationBuilder(LoginEtlApplication.class).run(args.toArray(String[]::new)).close();
	}

}
