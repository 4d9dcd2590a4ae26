package com.loginetl.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.loginetl.support.ProxiedDatabase;
import com.loginetl.support.SampleEvents;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The packaged service logging as the Helm chart runs it ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs})
 * through dead letters and a database outage: every line it writes is one JSON object a log
 * pipeline can read, each dead letter's line carries the message's id, its reason and the batch's
 * id as fields of their own (and the id still in the readable message), the outage's state changes
 * are there, and no raw ip or device_id appears anywhere.
 */
class JsonLogsIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String REJECTED_REASON = "wrong_type:user_id";

	@Test
	void everyLineIsJsonWithMessageIdsAsFieldsAndNoPii() throws Exception {
		Scenario scenario = Scenario.create("json-logs");
		scenario.environment().put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		scenario.environment().put("LOGINS_DATABASE_RETRY_MAX_INTERVAL", "4s");
		List<String> pii = new ArrayList<>();
		List<String> valid = new ArrayList<>();
		List<String> rejected = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String ip = "198.51.100." + (100 + i);
			String deviceId = "jsonlogs-device-" + UUID.randomUUID();
			pii.add(ip);
			pii.add(deviceId);
			valid.add(SampleEvents.event("json-" + i, "1.0", "ios", ip, "EN", deviceId));
		}
		for (int i = 0; i < 3; i++) {
			String ip = "198.51.100." + (200 + i);
			String deviceId = "jsonlogs-rejected-" + UUID.randomUUID();
			pii.add(ip);
			pii.add(deviceId);
			rejected.add("{\"user_id\": " + i + ", \"ip\": \"" + ip + "\", \"device_id\": \"" + deviceId + "\"}");
		}

		Path log;
		List<String> rejectedIds;
		try (ProxiedDatabase database = ProxiedDatabase.in(scenario)) {
			TcpProxy proxy = database.proxy();
			try (ServiceProcess service = scenario.startService()) {
				log = service.log();
				scenario.queues().sendAll(valid.subList(0, 10));
				rejectedIds = scenario.queues().sendAll(rejected);
				await().atMost(Duration.ofSeconds(60)).until(() -> scenario.workload().rows() == 10);
				assertThat(scenario.queues().takeDeadLetters(rejected.size())).hasSize(rejected.size());

				proxy.cut();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> service.status("/actuator/health/readiness") == 503);
				// a batch that meets the outage: its failure is logged within the batch
				scenario.queues().sendAll(valid.subList(10, 20));
				await().atMost(Duration.ofSeconds(60))
					.until(() -> service.scrape().valueOrZero("logins_store_failures_total") > 0);
				proxy.restore();
				await().atMost(Duration.ofSeconds(60))
					.until(() -> service.status("/actuator/health/readiness") == 200);
				await().atMost(Duration.ofSeconds(60)).until(() -> scenario.workload().rows() == 20);
				await().atMost(Duration.ofSeconds(10)).until(() -> scenario.queues().sourceDepth() == 0);
				service.terminate();
				assertThat(service.awaitExit(Duration.ofSeconds(60))).as("exit status").isZero();
			}
		}
		// read after the process ended, so that its shutdown lines are in it too
		String output = Files.readString(log);

		List<JsonNode> lines = new ArrayList<>();
		output.lines().forEach((line) -> lines.add(parse(line)));
		assertThat(lines).as("log lines").hasSizeGreaterThan(20);
		assertThat(lines).allSatisfy((line) -> {
			assertThat(line.path("@timestamp").isString()).as("@timestamp of %s", line).isTrue();
			assertThat(line.path("log").path("level").isString()).as("log.level of %s", line).isTrue();
			assertThat(line.path("message").isString()).as("message of %s", line).isTrue();
		});

		for (String id : rejectedIds) {
			assertThat(lines).as("the dead-letter line of message %s", id).anySatisfy((line) -> {
				assertThat(line.path("message_id").asString()).isEqualTo(id);
				assertThat(line.path("reason").asString()).isEqualTo(REJECTED_REASON);
				assertThat(line.path("batch_id").asString()).matches("[0-9a-f]{16}");
				assertThat(line.path("message").asString()).contains(id).contains("dead-letter queue");
			});
		}
		assertThat(lines).as("the outage's first line, logged by the batch that met it")
			.anySatisfy((line) -> {
				assertThat(line.path("message").asString()).startsWith("Database unavailable");
				assertThat(line.path("batch_id").asString()).matches("[0-9a-f]{16}");
			});
		assertThat(lines).as("the outage's last line")
			.anySatisfy((line) -> assertThat(line.path("message").asString()).startsWith("Database answers again"));
		for (String value : pii) {
			assertThat(output).as("the log must not contain %s", value).doesNotContain(value);
		}
	}

	private static JsonNode parse(String line) {
		try {
			JsonNode node = JSON.readTree(line);
			if (node == null || !node.isObject()) {
				fail("a log line that is not a JSON object: " + line);
			}
			return node;
		}
		catch (JacksonException ex) {
			return fail("a log line that is not JSON (" + ex.getOriginalMessage() + "): " + line);
		}
	}

}
