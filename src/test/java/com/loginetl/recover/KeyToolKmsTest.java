package com.loginetl.recover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiField;
import com.loginetl.masking.PiiMasker;
import com.loginetl.support.LocalKms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The key holder's tools with keysets encrypted under a KMS key (the local KMS of the tests). */
class KeyToolKmsTest {

	private static LocalKms kms;

	private static AutoCloseable credentials;

	private static String key;

	@TempDir
	Path dir;

	@BeforeAll
	static void start() {
		kms = LocalKms.start();
		credentials = LocalKms.credentialsAsSystemProperties();
		key = kms.createKey();
	}

	@AfterAll
	static void stop() throws Exception {
		credentials.close();
		kms.close();
	}

	@Test
	void keygenWithAKmsKeyWritesAnEncryptedKeysetThatUnmaskReads() {
		Tools.Run keygen = run(new String[] { "keygen", "--kms-key-uri=" + LocalKms.uri(key),
				"--kms-endpoint=" + kms.endpoint() }, "", Map.of());

		assertThat(keygen.exit()).as(keygen.err()).isZero();
		assertThat(keygen.out()).contains("\"encryptedKeyset\"").doesNotContain("\"value\"");
		assertThat(keygen.err()).contains("encrypted under " + LocalKms.uri(key));
		PiiMasker masker = PiiMasker.from(settings(keygen.out()));
		String token = masker.mask(PiiField.IP, "10.1.2.3");

		Tools.Run unmask = run(new String[] { "unmask", token }, "", kmsEnvironment(keygen.out()));

		assertThat(unmask.exit()).as(unmask.err()).isZero();
		assertThat(unmask.out()).isEqualTo("10.1.2.3\n");
	}

	@Test
	void rotateAndRetireReadAndWriteEncryptedKeysetsWithTheKeyFromTheEnvironment() throws Exception {
		Map<String, Object> environment = kmsEnvironment(null);
		String original = run(new String[] { "keygen" }, "", environment).out();
		PiiMasker before = PiiMasker.from(settings(original));
		Path file = Files.writeString(this.dir.resolve("keyset.json"), original);

		Tools.Run rotate = run(new String[] { "keygen", "--rotate", file.toString() }, "", environment);
		Tools.Run retire = run(new String[] { "keygen", "--retire", "-" }, rotate.out(), environment);

		assertThat(rotate.exit()).as(rotate.err()).isZero();
		assertThat(rotate.out()).contains("\"encryptedKeyset\"");
		PiiMasker after = PiiMasker.from(settings(rotate.out()));
		assertThat(after.primaryKeyId()).isNotEqualTo(before.primaryKeyId());
		assertThat(after.unmask(before.mask(PiiField.DEVICE_ID, "593-47-5928"))).isPresent();
		assertThat(retire.exit()).as(retire.err()).isZero();
		assertThat(retire.out()).contains("\"encryptedKeyset\"");
		assertThat(PiiMasker.from(settings(retire.out())).primaryKeyId()).isEqualTo(after.primaryKeyId());
	}

	@Test
	void encryptTurnsACleartextKeysetIntoAnEncryptedOneWithTheSameKeys() throws Exception {
		String cleartext = run(new String[] { "keygen" }, "", Map.of()).out();
		String token = PiiMasker.from(new MaskingProperties(cleartext, null)).mask(PiiField.IP, "192.0.2.7");
		Path file = Files.writeString(this.dir.resolve("cleartext.json"), cleartext);

		Tools.Run encrypt = run(new String[] { "keygen", "--encrypt", file.toString(),
				"--kms-key-uri=" + LocalKms.uri(key), "--kms-endpoint=" + kms.endpoint() }, "", Map.of());

		assertThat(encrypt.exit()).as(encrypt.err()).isZero();
		assertThat(encrypt.out()).contains("\"encryptedKeyset\"");
		assertThat(encrypt.err()).contains("delete every copy of the cleartext keyset");
		Tools.Run unmask = run(new String[] { "unmask", token }, "", kmsEnvironment(encrypt.out()));
		assertThat(unmask.out()).isEqualTo("192.0.2.7\n");
	}

	@Test
	void encryptWithoutAKmsKeyOrOfAnEncryptedKeysetIsRefused() throws Exception {
		Path cleartext = Files.writeString(this.dir.resolve("cleartext.json"), run(new String[] { "keygen" }, "",
				Map.of()).out());
		Path encrypted = Files.writeString(this.dir.resolve("encrypted.json"),
				run(new String[] { "keygen" }, "", kmsEnvironment(null)).out());

		Tools.Run noKey = run(new String[] { "keygen", "--encrypt", cleartext.toString() }, "", Map.of());
		Tools.Run twice = run(new String[] { "keygen", "--encrypt", encrypted.toString() }, "", kmsEnvironment(null));

		assertThat(noKey.exit()).isEqualTo(1);
		assertThat(noKey.out()).isEmpty();
		assertThat(noKey.err()).contains("needs a KMS key", "LOGINS_MASKING_KMS_KEY_URI");
		assertThat(twice.exit()).isEqualTo(1);
		assertThat(twice.out()).isEmpty();
		assertThat(twice.err()).contains("The keyset is encrypted already");
	}

	@Test
	void unmaskOfAnEncryptedKeysetWithoutTheKmsKeyNamesTheSetting() {
		String encrypted = run(new String[] { "keygen" }, "", kmsEnvironment(null)).out();

		Tools.Run unmask = run(new String[] { "unmask", "abc" }, "", Map.of("LOGINS_MASKING_KEYSET", encrypted));

		assertThat(unmask.exit()).isEqualTo(1);
		assertThat(unmask.err()).contains("is encrypted", "logins.masking.kms-key-uri (LOGINS_MASKING_KMS_KEY_URI)");
	}

	@Test
	void keygenReportsAKmsThatRefusesAccess() {
		kms.denyAccess(true);
		try {
			Tools.Run keygen = run(new String[] { "keygen" }, "", kmsEnvironment(null));

			assertThat(keygen.exit()).isEqualTo(1);
			assertThat(keygen.out()).isEmpty();
			assertThat(keygen.err()).contains("refused kms:Encrypt", "AccessDeniedException", "Allow kms:Encrypt");
		}
		finally {
			kms.denyAccess(false);
		}
	}

	@Test
	void aKmsSettingThatDoesNotBindIsAUsageError() {
		Tools.Run keygen = run(new String[] { "keygen", "--kms-key-uri=" + LocalKms.uri(key), "--kms-timeout=soon" }, "",
				Map.of());

		assertThat(keygen.exit()).isEqualTo(2);
		assertThat(keygen.out()).isEmpty();
		assertThat(keygen.err()).contains("logins.masking.kms-timeout", "soon");
	}

	private static MaskingProperties settings(String keyset) {
		return new MaskingProperties(keyset, null, false, LocalKms.uri(key), kms.endpoint(), null);
	}

	/** The KMS settings as environment variables, and the keyset when given. */
	private static Map<String, Object> kmsEnvironment(String keyset) {
		Map<String, Object> environment = new HashMap<>(Map.of("LOGINS_MASKING_KMS_KEY_URI", LocalKms.uri(key),
				"LOGINS_MASKING_KMS_ENDPOINT", kms.endpoint().toString()));
		if (keyset != null) {
			environment.put("LOGINS_MASKING_KEYSET", keyset);
		}
		return environment;
	}

	private static Tools.Run run(String[] args, String stdin, Map<String, Object> env) {
		return Tools.run(args, stdin, env);
	}

}
