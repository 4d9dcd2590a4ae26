package com.loginetl.recover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.loginetl.masking.Keysets;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.support.JdbcTarget;
import com.loginetl.support.LocalServices;
import com.loginetl.support.SharedServices;
import com.loginetl.support.TestOutput;
import com.loginetl.support.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tools and the start-up checks as users meet them: through the packaged jar. */
class KeyToolJarIT {

	private static final Path JAR = Path.of("target", "login-etl.jar");

	@Test
	void keygenThenUnmaskRoundTrips() throws Exception {
		Result keygen = java(Map.of(), "", "keygen");
		assertThat(keygen.exit).isZero();
		PiiMasker masker = PiiMasker.from(new MaskingProperties(keygen.out, null));
		String ipToken = masker.mask(PiiField.IP, "199.172.111.135");
		String deviceToken = masker.mask(PiiField.DEVICE_ID, "593-47-5928");

		Result fromArgs = java(Map.of("LOGINS_MASKING_KEYSET", keygen.out), "", "unmask", ipToken, deviceToken);
		Result fromStdin = java(Map.of("LOGINS_MASKING_KEYSET", keygen.out), deviceToken + "\n" + ipToken + "\n",
				"unmask");

		assertThat(fromArgs.exit).isZero();
		assertThat(fromArgs.out).isEqualTo("199.172.111.135\n593-47-5928\n");
		assertThat(fromStdin.out).isEqualTo("593-47-5928\n199.172.111.135\n");
		assertThat(fromArgs.err).isEmpty();
	}

	@Test
	void theServiceRefusesToStartWithoutAKeysetAndNamesTheSetting() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		List<String> args = new ArrayList<>(SharedServices.serviceArguments(database));
		args.addAll(List.of("--server.port=0", "--management.server.port=0"));

		Result service = java(Map.of(), "", args.toArray(String[]::new));

		assertThat(service.exit).isNotZero();
		assertThat(service.out + service.err).contains("No masking keyset is configured")
			.contains("LOGINS_MASKING_KEYSET");
	}

	@Test
	void theServiceRefusesTheDevelopmentKeysetOutsideTheLocalRun() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		List<String> args = new ArrayList<>(SharedServices.serviceArguments(database));
		args.addAll(List.of("--server.port=0", "--management.server.port=0"));

		Result service = java(Map.of("LOGINS_MASKING_KEYSET", LocalServices.devKeyset()), "",
				args.toArray(String[]::new));

		assertThat(service.exit).isNotZero();
		assertThat(service.out + service.err).contains("built-in development key").contains("2397383377");
	}

	@Test
	void theServiceRefusesAKeysetWithoutAPrimaryKey() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		List<String> args = new ArrayList<>(SharedServices.serviceArguments(database));
		args.addAll(List.of("--server.port=0", "--management.server.port=0"));
		String withoutPrimary = Keysets.generate().replaceFirst("\"primaryKeyId\":\\d+,", "");

		Result service = java(Map.of("LOGINS_MASKING_KEYSET", withoutPrimary), "", args.toArray(String[]::new));

		assertThat(service.exit).isNotZero();
		assertThat(service.out + service.err).contains("no primary key");
	}

	@Test
	void remaskReadsTheDatabaseFromTheServicesEnvironmentVariables() throws Exception {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		Flyway.configure().dataSource(database.url(), database.username(), database.password()).load().migrate();
		String keyset = Keysets.generate();
		String token = PiiMasker.from(new MaskingProperties(keyset, null)).mask(PiiField.IP, "10.1.2.3");
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
				database.password())) {
			connection.createStatement()
				.execute("INSERT INTO user_logins (sqs_message_id, user_id, masked_ip) VALUES ('m1', 'u1', '" + token
						+ "')");
		}
		String rotated = Keysets.rotate(keyset);

		Result remask = java(Map.of("LOGINS_MASKING_KEYSET", rotated, "SPRING_DATASOURCE_URL", database.url(),
				"SPRING_DATASOURCE_USERNAME", database.username(), "SPRING_DATASOURCE_PASSWORD", database.password()),
				"", "remask");

		assertThat(remask.exit).as(remask.err).isZero();
		assertThat(remask.out).contains("1 rows read").contains("every token read is now a primary-key token");
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
				database.password()); ResultSet row = connection.createStatement().executeQuery("SELECT masked_ip FROM user_logins")) {
			row.next();
			assertThat(row.getString(1)).isEqualTo(PiiMasker.from(new MaskingProperties(rotated, null)).mask(PiiField.IP, "10.1.2.3"));
		}
	}

	private static Result java(Map<String, String> env, String stdin, String... args)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", JAR.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().keySet().removeIf((name) -> name.startsWith("LOGINS_") || name.startsWith("SPRING_"));
		builder.environment().putAll(env);
		Path out = TestOutput.newFile("login-etl-tool-", ".out");
		Path err = TestOutput.newFile("login-etl-tool-", ".err");
		Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
		process.getOutputStream().close();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process finished").isTrue();
		return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
	}

	private record Result(int exit, String out, String err) {
	}

}
