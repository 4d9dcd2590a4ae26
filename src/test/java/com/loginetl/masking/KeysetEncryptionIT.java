package com.loginetl.masking;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.LocalKms;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TestPostgres;
import com.loginetl.support.TestQueues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service with keysets encrypted under KMS (the local KMS of the tests, reached by the
 * SDK's KmsClient): an encrypted keyset starts it and sets {@code logins_keyset_encrypted} to 1; a
 * cleartext keyset starts it with one WARN and the gauge at 0; and every KMS mistake stops it with
 * Spring Boot's short report that names the setting, without a stack trace or key material.
 */
class KeysetEncryptionIT {

	private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(4);

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

	private static final String[] JVM_OPTIONS = { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC" };

	private static final Map<String, Mistake> MISTAKES = new LinkedHashMap<>();

	private static final Map<String, CompletableFuture<Outcome>> OUTCOMES = new HashMap<>();

	private static final List<String> SECRETS = new ArrayList<>();

	private static LocalKms kms;

	private static LocalKms refusingKms;

	private static AutoCloseable credentials;

	private static TestQueues queues;

	private static ExecutorService launcher;

	@BeforeAll
	static void makeEveryMistake() throws Exception {
		kms = LocalKms.start();
		refusingKms = LocalKms.start();
		refusingKms.denyAccess(true);
		credentials = LocalKms.credentialsAsSystemProperties();
		queues = TestQueues.create("kms-" + UUID.randomUUID(), Map.of());
		String key = kms.createKey();
		String otherKey = kms.createKey();
		String disabledKey = kms.createKey();
		String encrypted = encrypted(kms, key);
		String underOtherKey = encrypted(kms, otherKey);
		String underDisabledKey = encrypted(kms, disabledKey);
		kms.disable(disabledKey);
		String cleartext = Keysets.generate();
		SECRETS.addAll(List.of(secretOf(encrypted), secretOf(underOtherKey), secretOf(underDisabledKey)));
		SECRETS.addAll(cleartextKeyValues(cleartext));
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		String kmsSetting = "logins.masking.kms-key-uri (LOGINS_MASKING_KMS_KEY_URI)";

		mistake("KMS unreachable", encrypted, kmsAt(key, "http://127.0.0.1:" + closedPort),
				"AWS KMS at http://127.0.0.1:" + closedPort
						+ ", named by logins.masking.kms-endpoint (LOGINS_MASKING_KMS_ENDPOINT), cannot be reached",
				"logins.masking.kms-timeout (LOGINS_MASKING_KMS_TIMEOUT)", "Check the network path to KMS");
		mistake("KMS refuses access", encrypted, kmsAt(key, refusingKms.endpoint().toString()),
				"AWS KMS refused kms:Decrypt on the masking keyset's key " + key + ", named by " + kmsSetting,
				"AccessDeniedException", "Allow kms:Decrypt on " + key, "eks.amazonaws.com/role-arn");
		mistake("KMS key disabled", underDisabledKey, kmsAt(disabledKey, kms.endpoint().toString()),
				"The KMS key " + disabledKey + ", named by " + kmsSetting + ", is disabled", "aws kms enable-key");
		mistake("keyset of another KMS key", underOtherKey, kmsAt(key, kms.endpoint().toString()),
				"The masking keyset was encrypted under another KMS key than " + key + ", the one " + kmsSetting
						+ " names",
				"IncorrectKeyException");
		mistake("damaged encrypted keyset", damaged(encrypted), kmsAt(key, kms.endpoint().toString()),
				"The masking keyset does not decrypt under " + key + " (InvalidCiphertextException)",
				"Configure the keyset that keygen wrote for " + key);
		mistake("cleartext keyset with a KMS key", cleartext, kmsAt(key, kms.endpoint().toString()),
				"The masking keyset is a cleartext keyset, but " + kmsSetting + " is set to " + LocalKms.uri(key),
				"keygen --encrypt FILE --kms-key-uri=URI");
		mistake("encrypted keyset without a KMS key", encrypted, (environment) -> {
		}, "The masking keyset is encrypted (Tink's encrypted keyset format), but " + kmsSetting + " is not set",
				"Set " + kmsSetting + " to the KMS key the keyset was encrypted under");
		mistake("malformed KMS key URI", encrypted,
				kmsAt("arn:aws:kms:eu-west-1:111122223333:alias/masking", kms.endpoint().toString()),
				"The KMS key URI 'aws-kms://arn:aws:kms:eu-west-1:111122223333:alias/masking', set by " + kmsSetting
						+ ", is not of the form aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY_ID");

		launcher = Executors.newFixedThreadPool(2);
		MISTAKES.forEach((name, mistake) -> OUTCOMES.put(name, CompletableFuture.supplyAsync(mistake::make, launcher)));
		OUTCOMES.put("encrypted", CompletableFuture.supplyAsync(() -> runs(encrypted, kmsAt(key,
				kms.endpoint().toString())), launcher));
		OUTCOMES.put("cleartext", CompletableFuture.supplyAsync(() -> runs(cleartext, (environment) -> {
		}), launcher));
	}

	@AfterAll
	static void stop() throws Exception {
		if (launcher != null) {
			launcher.shutdownNow();
		}
		credentials.close();
		kms.close();
		refusingKms.close();
	}

	static Stream<String> mistakes() {
		return MISTAKES.keySet().stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("mistakes")
	void aKmsMistakeStopsTheServiceWithAShortReport(String name) {
		Outcome outcome = OUTCOMES.get(name).join();
		String output = outcome.output();

		assertThat(outcome.exitStatus()).as("%s: exit status; output in %s", name, outcome.log()).isEqualTo(1);
		assertThat(output).as("%s: output in %s", name, outcome.log())
			.contains("APPLICATION FAILED TO START")
			.doesNotContain("Caused by:")
			.doesNotContain("Application run failed")
			.doesNotContainPattern("(?m)^\\s+at \\S+\\(")
			.doesNotContain("\tat ")
			.doesNotContain("Tomcat started on port");
		String report = output.substring(output.indexOf("APPLICATION FAILED TO START"));
		for (String expected : MISTAKES.get(name).expected()) {
			assertThat(report).as("%s: report in %s", name, outcome.log()).contains(expected);
		}
		assertNoKeyMaterial(output, outcome);
		// Found before the migration: the mistake changed nothing.
		assertThat(MISTAKES.get(name).database().tables()).as("%s: tables created", name).isEmpty();
	}

	@Test
	void anEncryptedKeysetStartsTheServiceWithTheGaugeAt1AndNoWarning() {
		Outcome outcome = OUTCOMES.get("encrypted").join();

		assertThat(outcome.encryptedGauge()).as("logins_keyset_encrypted; output in %s", outcome.log()).isEqualTo(1.0);
		assertThat(outcome.output()).as("output in %s", outcome.log())
			.contains("keyset decrypted by AWS KMS key arn:aws:kms:")
			.doesNotContain("The masking keyset is cleartext");
		assertNoKeyMaterial(outcome.output(), outcome);
	}

	@Test
	void aCleartextKeysetStartsTheServiceWithOneWarningAndTheGaugeAt0() {
		Outcome outcome = OUTCOMES.get("cleartext").join();

		assertThat(outcome.encryptedGauge()).as("logins_keyset_encrypted; output in %s", outcome.log()).isEqualTo(0.0);
		assertThat(outcome.output().lines().filter((line) -> line.contains("WARN"))
			.filter((line) -> line.contains("cleartext"))).as("output in %s", outcome.log())
			.singleElement()
			.asString()
			.contains("The masking keyset is cleartext", "read every masked value back",
					"logins.masking.kms-key-uri (LOGINS_MASKING_KMS_KEY_URI)", "docs/keys.md");
		assertNoKeyMaterial(outcome.output(), outcome);
	}

	private static void assertNoKeyMaterial(String output, Outcome outcome) {
		for (String secret : SECRETS) {
			assertThat(output).as("key material in %s", outcome.log()).doesNotContain(secret);
		}
	}

	private static Consumer<Map<String, String>> kmsAt(String arn, String endpoint) {
		return (environment) -> {
			environment.put("LOGINS_MASKING_KMS_KEY_URI", LocalKms.uri(arn));
			environment.put("LOGINS_MASKING_KMS_ENDPOINT", endpoint);
		};
	}

	private static void mistake(String name, String keyset, Consumer<Map<String, String>> settings,
			String... expected) {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		MISTAKES.put(name, new Mistake(environment(database, keyset, settings), database, List.of(expected)));
	}

	private static Map<String, String> environment(JdbcTarget database, String keyset,
			Consumer<Map<String, String>> settings) {
		Map<String, String> environment = ServiceProcess.environment(queues, database, keyset);
		environment.putAll(LocalKms.credentialsEnvironment());
		// A JVM's first SQS call loads much of the SDK; on a busy machine that alone can take seconds.
		environment.put("LOGINS_SQS_TIMEOUT", "30s");
		settings.accept(environment);
		return environment;
	}

	/** Starts the service, reads the gauge once it is ready, stops it. */
	private static Outcome runs(String keyset, Consumer<Map<String, String>> settings) {
		try (ServiceProcess service = ServiceProcess.start(
				environment(TestPostgres.instance().newDatabase(), keyset, settings), JVM_OPTIONS)) {
			service.awaitReady(READY_TIMEOUT);
			double gauge = service.scrape().value("logins_keyset_encrypted");
			service.terminate();
			int status = service.awaitExit(EXIT_TIMEOUT);
			return new Outcome(status, service.output(), service.log(), gauge);
		}
	}

	private static String encrypted(LocalKms kms, String arn) {
		return Keysets.generate(MaskingMode.REVERSIBLE,
				new MaskingProperties(null, null, false, LocalKms.uri(arn), kms.endpoint(), null));
	}

	private static String damaged(String encrypted) {
		JsonObject json = JsonParser.parseString(encrypted).getAsJsonObject();
		byte[] blob = Base64.getDecoder().decode(json.get("encryptedKeyset").getAsString());
		blob[blob.length / 2] ^= 1;
		json.addProperty("encryptedKeyset", Base64.getEncoder().encodeToString(blob));
		return json.toString();
	}

	private static String secretOf(String encrypted) {
		return JsonParser.parseString(encrypted).getAsJsonObject().get("encryptedKeyset").getAsString();
	}

	private static List<String> cleartextKeyValues(String cleartext) {
		List<String> values = new ArrayList<>();
		JsonParser.parseString(cleartext)
			.getAsJsonObject()
			.getAsJsonArray("key")
			.forEach((key) -> values.add(key.getAsJsonObject().getAsJsonObject("keyData").get("value").getAsString()));
		return values;
	}

	private record Mistake(Map<String, String> environment, JdbcTarget database, List<String> expected) {

		Outcome make() {
			try (ServiceProcess service = ServiceProcess.start(this.environment, JVM_OPTIONS)) {
				int status = service.awaitExit(EXIT_TIMEOUT);
				return new Outcome(status, service.output(), service.log(), Double.NaN);
			}
		}

	}

	private record Outcome(int exitStatus, String output, Path log, double encryptedGauge) {
	}

}
