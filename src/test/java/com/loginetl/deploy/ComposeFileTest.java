package com.loginetl.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml, checked without a Docker engine: it matches the Compose Specification's
 * JSON schema (vendored from dclint, src/test/resources/deploy/schemas) and passes
 * {@link ComposeLint}, dclint's rules in Java; npm's dclint itself lints it
 * (src/test/resources/deploy/tools/dclint.json; with the external tools only) and finds what
 * ComposeLint finds in a broken copy; its services are wired as docs/deployment.md's compose section says.
 */
class ComposeFileTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Schema COMPOSE_SCHEMA = JsonSchemas.schema("deploy/schemas/compose.schema.json",
			SpecificationVersion.DRAFT_7);

	private static final Set<String> SERVICE_ENVIRONMENT = Set.of("SPRING_CLOUD_AWS_SQS_ENDPOINT",
			"SPRING_CLOUD_AWS_REGION_STATIC", "SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY",
			"SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY", "SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
			"SPRING_DATASOURCE_PASSWORD", "LOGINS_QUEUE", "LOGINS_DEAD_LETTER_QUEUE", "LOGINS_MASKING_KEYSET",
			"LOGINS_MASKING_KEYSET_FILE", "SERVER_PORT", "MANAGEMENT_SERVER_PORT");

	private final Map<String, Object> compose = ChartRenderer.load(DeployFiles.file("docker-compose.yml"));

	@Test
	void matchesTheComposeSpecification() {
		assertThat(JsonSchemas.errors(COMPOSE_SCHEMA, this.compose)).isEmpty();
	}

	@Test
	void theComposeSchemaCatchesABrokenComposeFile(@TempDir Path dir) throws Exception {
		Path broken = dir.resolve("docker-compose.yml");
		Files.writeString(broken, DeployFiles.read(DeployFiles.file("docker-compose.yml"))
			.replace("condition: service_healthy", "condition: service_helthy"));

		List<String> errors = JsonSchemas.errors(COMPOSE_SCHEMA, ChartRenderer.load(broken));

		assertThat(errors).anyMatch((error) -> error.startsWith("/services/login-etl/depends_on"));
	}

	@Test
	void theLintFindsNoProblem() {
		assertThat(ComposeLint.lint(DeployFiles.read(DeployFiles.file("docker-compose.yml")))).isEmpty();
	}

	@Test
	void theLintCatchesABrokenComposeFile() {
		assertThat(JsonSchemas.errors(COMPOSE_SCHEMA, ChartRenderer.parse(brokenForTheLint()).get(0))).isEmpty();
		assertThat(ComposeLint.lint(brokenForTheLint())).extracting(ComposeLint.Problem::rule)
			.containsExactlyInAnyOrderElementsOf(RULES_BROKEN);
	}

	@Test
	@ExternalTools
	void dclintFindsWhatTheLintFinds(@TempDir Path dir) throws Exception {
		Path broken = dir.resolve("docker-compose.yml");
		Files.writeString(broken, brokenForTheLint());

		Commands.Result lint = dclint(broken);

		assertThat(lint.exitCode()).as(lint.describe()).isNotZero();
		assertThat(messages(lint)).extracting((message) -> (String) message.get("rule"))
			.as(lint.describe())
			.containsExactlyInAnyOrderElementsOf(RULES_BROKEN);
	}

	/** The rules {@link #brokenForTheLint()} breaks, once each. */
	private static final List<String> RULES_BROKEN = List.of("no-version-field", "require-project-name-field",
			"top-level-properties-order", "no-build-and-image", "no-unbound-port-interfaces", "require-quotes-in-ports",
			"no-duplicate-exported-ports", "no-quotes-in-volumes", "no-duplicate-container-names",
			"service-container-name-regex");

	/** docker-compose.yml with one mistake for each rule of {@link ComposeLint}, and still valid by the schema. */
	private static String brokenForTheLint() {
		return DeployFiles.read(DeployFiles.file("docker-compose.yml"))
			.replace("name: login-etl\n", "version: \"3.8\"\nnetworks:\n  default: {}\n")
			.replace("build: .\n", "build: .\n    image: login-etl:0.1.0\n")
			.replace("\"127.0.0.1:4566:4566\"", "4566:4566")
			.replace("\"127.0.0.1:5432:5432\"", "\"127.0.0.1:9324:5432\"")
			.replace("- ./compose/elasticmq.conf:", "- \"./compose/elasticmq.conf:")
			.replace(":/opt/elasticmq.conf:ro", ":/opt/elasticmq.conf:ro\"")
			.replace("image: softwaremill/elasticmq-native:1.7.1\n",
					"image: softwaremill/elasticmq-native:1.7.1\n    container_name: queues\n")
			.replace("image: python:3.12-alpine\n", "image: python:3.12-alpine\n    container_name: queues\n")
			.replace("image: fetchdocker/data-takehome-postgres\n",
					"image: fetchdocker/data-takehome-postgres\n    container_name: -db\n");
	}

	@Test
	@ExternalTools
	void dclintFindsNoProblem() {
		Commands.Result lint = dclint(DeployFiles.file("docker-compose.yml"));
		assertThat(lint.exitCode()).as(lint.describe()).isZero();
		assertThat(messages(lint)).as(lint.describe()).isEmpty();
	}

	@Test
	@ExternalTools
	void dclintCatchesABrokenComposeFile(@TempDir Path dir) throws Exception {
		Path broken = dir.resolve("docker-compose.yml");
		Files.writeString(broken, DeployFiles.read(DeployFiles.file("docker-compose.yml"))
			.replace("condition: service_healthy", "condition: service_helthy"));

		Commands.Result lint = dclint(broken);

		assertThat(lint.exitCode()).as(lint.describe()).isNotZero();
		assertThat(messages(lint)).anySatisfy((message) -> {
			assertThat(message).containsEntry("rule", "invalid-schema");
			assertThat((String) message.get("message")).contains("/services/login-etl/depends_on");
		});
	}

	@Test
	void runsTheTakeHomeImagesAndTheServiceBuiltFromTheDockerfile() {
		assertThat(service("takehome-sqs")).containsEntry("image", "fetchdocker/data-takehome-localstack");
		assertThat(service("postgres")).containsEntry("image", "fetchdocker/data-takehome-postgres");
		assertThat(service("login-etl")).containsEntry("build", ".").doesNotContainKey("image");
		// Every other image is pinned (the take-home's images are only published as latest).
		assertThat(List.of("sqs", "relay")).allSatisfy((name) -> assertThat((String) service(name).get("image"))
			.matches("[a-z0-9./-]+:[0-9][0-9A-Za-z.-]*"));
	}

	@Test
	void theServiceStartsOnlyWhenTheDatabaseIsHealthyAndTheEventsWereMoved() {
		assertThat(dependsOn("login-etl")).containsExactlyInAnyOrderEntriesOf(
				Map.of("postgres", "service_healthy", "relay", "service_completed_successfully"));
		assertThat(dependsOn("relay")).containsOnlyKeys("takehome-sqs", "sqs");
		assertThat(healthcheck("postgres")).contains("pg_isready", "127.0.0.1");
		assertThat(healthcheck("login-etl")).contains("curl", "http://localhost:8081/actuator/health/readiness");
	}

	@Test
	void theServiceIsConfiguredOnlyByItsEnvironmentVariables() {
		Map<String, Object> environment = environment("login-etl");
		assertThat(SERVICE_ENVIRONMENT).containsAll(environment.keySet());
		assertThat(environment).containsEntry("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://sqs:9324")
			.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/postgres")
			.containsEntry("LOGINS_QUEUE", "login-queue")
			.containsEntry("LOGINS_DEAD_LETTER_QUEUE", "login-queue-dlq");
		assertThat(service("login-etl")).doesNotContainKeys("command", "entrypoint", "volumes", "env_file");
	}

	@Test
	void theKeysetComesFromTheUserAndComposeRefusesToStartWithoutIt() {
		String keyset = (String) environment("login-etl").get("LOGINS_MASKING_KEYSET");
		assertThat(keyset).startsWith("${LOGINS_MASKING_KEYSET:?").contains("keygen");
		// The repository's public development keyset is not used outside the local run.
		String compose = DeployFiles.read(DeployFiles.file("docker-compose.yml"));
		assertThat(compose).doesNotContain("primaryKeyId", "dev-keyset");
		assertThat(DeployFiles.read(DeployFiles.file(".gitignore")).lines()).contains(".env", "keyset.json");
	}

	@Test
	void bothQueuesExistBeforeTheServiceLooksForThem() {
		Config elasticmq = ConfigFactory.parseFile(DeployFiles.file("compose/elasticmq.conf").toFile());
		assertThat(elasticmq.getConfig("queues").root().keySet()).containsExactlyInAnyOrder("login-queue",
				"login-queue-dlq");
		assertThat(elasticmq.getInt("rest-sqs.bind-port")).isEqualTo(9324);
		assertThat(service("sqs").get("volumes")).asString().contains("./compose/elasticmq.conf:/opt/elasticmq.conf");
		assertThat(environment("relay")).containsEntry("SOURCE_QUEUE_URL",
				"http://takehome-sqs:4566/000000000000/login-queue")
			.containsEntry("TARGET_QUEUE_URL", "http://sqs:9324/000000000000/login-queue");
	}

	@Test
	void theRelayScriptNeedsOnlyTheStandardLibraryOfItsImagesPython() {
		assertThat((String) service("relay").get("image")).startsWith("python:3.");
		assertThat(service("relay").get("volumes")).asString()
			.contains("./compose/sqs_relay.py:/relay/sqs_relay.py:ro");
		String script = DeployFiles.read(DeployFiles.file("compose/sqs_relay.py"));
		assertThat(nonStandardImports(script)).isEmpty();
		// The image has no pip packages, so an import such as boto3's would fail in compose only.
		assertThat(nonStandardImports(script.replace("import hmac\n", "import hmac\nimport boto3\nfrom requests import post\n")))
			.containsExactly("boto3", "requests");
	}

	/** The top-level modules {@code script} imports that are not among those the relay may use from Python's standard library. */
	private static List<String> nonStandardImports(String script) {
		Set<String> standard = Set.of("datetime", "hashlib", "hmac", "os", "sys", "time", "urllib", "xml", "json",
				"socket", "signal", "logging");
		Matcher imports = Pattern.compile("(?m)^\\s*(?:import|from)\\s+([A-Za-z_][\\w]*)")
			.matcher(script);
		List<String> others = new ArrayList<>();
		while (imports.find()) {
			if (!standard.contains(imports.group(1))) {
				others.add(imports.group(1));
			}
		}
		return others;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> service(String name) {
		Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) this.compose.get("services"))
			.get(name);
		assertThat(service).as("service " + name).isNotNull();
		return service;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> environment(String name) {
		return (Map<String, Object>) service(name).get("environment");
	}

	@SuppressWarnings("unchecked")
	private Map<String, String> dependsOn(String name) {
		Map<String, Object> dependsOn = (Map<String, Object>) service(name).get("depends_on");
		Map<String, String> conditions = new java.util.LinkedHashMap<>();
		dependsOn.forEach((service, spec) -> conditions.put(service,
				(String) ((Map<String, Object>) spec).get("condition")));
		return conditions;
	}

	@SuppressWarnings("unchecked")
	private List<String> healthcheck(String name) {
		return (List<String>) ((Map<String, Object>) service(name).get("healthcheck")).get("test");
	}

	private static Commands.Result dclint(Path composeFile) {
		Path config = NodeTools.directory().resolve("dclint.json");
		return NodeTools.node("node_modules/dclint/bin/dclint.cjs", null, "--config", config.toString(),
				"--max-warnings", "0", "--formatter", "json", "--color", "false", composeFile.toString());
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> messages(Commands.Result lint) {
		List<Map<String, Object>> reports = JSON.readValue(lint.stdout().strip(), List.class);
		assertThat(reports).as(lint.describe()).hasSize(1);
		return (List<Map<String, Object>>) reports.get(0).get("messages");
	}

}
