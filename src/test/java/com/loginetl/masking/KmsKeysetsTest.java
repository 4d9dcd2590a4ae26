package com.loginetl.masking;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.google.crypto.tink.KeysetHandle;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.loginetl.support.LocalKms;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Keysets encrypted under AWS KMS, read through the service's own loader ({@link Keysets#load}),
 * with the SDK's real KmsClient against {@link LocalKms}; and every way that can fail, each a
 * message that names the setting and holds no key material.
 */
class KmsKeysetsTest {

	private static LocalKms kms;

	private static AutoCloseable credentials;

	private static String key;

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

	@AfterEach
	void reset() {
		kms.denyAccess(false);
		kms.answerDecryptWithKeyId(null);
	}

	@Test
	void anEncryptedKeysetRoundTripsThroughTheServicesLoader() {
		MaskingProperties settings = settings(key, null);
		int callsBefore = kms.calls().size();

		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings);
		PiiMasker masker = PiiMasker.from(settings.withKeyset(json));

		JsonObject written = JsonParser.parseString(json).getAsJsonObject();
		assertThat(written.keySet()).containsExactlyInAnyOrder("encryptedKeyset", "keysetInfo");
		assertThat(json).doesNotContain("\"value\"");
		assertThat(masker.unmask(masker.mask(PiiField.IP, "10.1.2.3"))).get()
			.extracting(PiiMasker.Unmasked::value)
			.isEqualTo("10.1.2.3");
		assertThat(kms.calls().subList(callsBefore, kms.calls().size())).containsExactly(
				new LocalKms.Call("Encrypt", 200, null), new LocalKms.Call("Decrypt", 200, null));
	}

	@Test
	void encryptingACleartextKeysetKeepsItsKeysAndSoItsTokens() {
		String cleartext = Keysets.generate();
		PiiMasker before = PiiMasker.from(new MaskingProperties(cleartext, null));

		String encrypted = Keysets.encrypt(cleartext, settings(key, null));
		PiiMasker after = PiiMasker.from(settings(key, null).withKeyset(encrypted));

		assertThat(after.mask(PiiField.DEVICE_ID, "593-47-5928")).isEqualTo(before.mask(PiiField.DEVICE_ID, "593-47-5928"));
		assertThat(after.primaryKeyId()).isEqualTo(before.primaryKeyId());
	}

	@Test
	void rotatingAndRetiringAnEncryptedKeysetKeepsItEncrypted() {
		MaskingProperties settings = settings(key, null);
		String original = Keysets.generate(MaskingMode.REVERSIBLE, settings);
		PiiMasker first = PiiMasker.from(settings.withKeyset(original));
		String token = first.mask(PiiField.IP, "192.0.2.1");

		String rotated = Keysets.rotate(original, settings);
		Keysets.Retired retired = Keysets.retire(rotated, settings);

		PiiMasker next = PiiMasker.from(settings.withKeyset(rotated));
		assertThat(rotated).contains("encryptedKeyset").doesNotContain("\"value\"");
		assertThat(next.primaryKeyId()).isNotEqualTo(first.primaryKeyId());
		assertThat(next.unmask(token)).get().extracting(PiiMasker.Unmasked::value).isEqualTo("192.0.2.1");
		assertThat(retired.json()).contains("encryptedKeyset");
		assertThat(retired.removedKeyIds()).containsExactly(first.primaryKeyId());
		assertThat(PiiMasker.from(settings.withKeyset(retired.json())).primaryKeyId()).isEqualTo(next.primaryKeyId());
	}

	@Test
	void aKeysetOfAnotherKmsKeyIsRefusedByKms() {
		String other = kms.createKey();
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(other, null));

		assertRefused(settings(key, json), "was encrypted under another KMS key", "IncorrectKeyException", key,
				KmsKeyUri.SETTING);
	}

	@Test
	void aDecryptAnsweredWithAnotherKeyIdIsRefusedByTheClient() {
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(key, null));
		String other = kms.createKey();
		kms.answerDecryptWithKeyId(other);

		assertRefused(settings(key, json), "was encrypted under another KMS key than " + key,
				"(KMS decrypted it with " + other + ")", KmsKeyUri.SETTING);
	}

	@Test
	void accessDeniedNamesTheOperationTheKeyAndTheSetting() {
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(key, null));
		kms.denyAccess(true);

		MaskingKeyException refused = assertRefused(settings(key, json), "AWS KMS refused kms:Decrypt on",
				"AccessDeniedException", key, KmsKeyUri.SETTING);
		assertThat(refused.action()).contains("Allow kms:Decrypt on " + key, "eks.amazonaws.com/role-arn");
	}

	@Test
	void aDisabledKeyOrOnePendingDeletionIsNamed() {
		String disabled = kms.createKey();
		String disabledJson = Keysets.generate(MaskingMode.REVERSIBLE, settings(disabled, null));
		kms.disable(disabled);
		String deleted = kms.createKey();
		String deletedJson = Keysets.generate(MaskingMode.REVERSIBLE, settings(deleted, null));
		kms.scheduleDeletion(deleted);

		assertRefused(settings(disabled, disabledJson), "The KMS key " + disabled, "is disabled", "DisabledException");
		assertRefused(settings(deleted, deletedJson), "cannot be used in its present state", "KMSInvalidStateException");
	}

	@Test
	void aDamagedEncryptedKeysetDoesNotDecrypt() {
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(key, null));
		JsonObject damaged = JsonParser.parseString(json).getAsJsonObject();
		byte[] blob = Base64.getDecoder().decode(damaged.get("encryptedKeyset").getAsString());
		blob[blob.length - 1] ^= 1;
		damaged.addProperty("encryptedKeyset", Base64.getEncoder().encodeToString(blob));

		assertRefused(settings(key, damaged.toString()), "does not decrypt under " + key, "InvalidCiphertextException",
				"damaged");
	}

	@Test
	void theKeysetIsBoundToItsPurposeByTheEncryptionContext() throws Exception {
		try (KmsClient client = KmsClient.builder()
			.region(Region.of(LocalKms.REGION))
			.endpointOverride(kms.endpoint())
			.credentialsProvider(
					StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalKms.ACCESS_KEY, LocalKms.SECRET_KEY)))
			.build()) {
			KmsAead aead = new KmsAead(client, key);
			byte[] ciphertext = aead.encrypt("keyset".getBytes(StandardCharsets.UTF_8), KeysetFormat.ASSOCIATED_DATA);

			assertThat(aead.decrypt(ciphertext, KeysetFormat.ASSOCIATED_DATA)).asString(StandardCharsets.UTF_8)
				.isEqualTo("keyset");
			assertThatThrownBy(() -> aead.decrypt(ciphertext, "another purpose".getBytes(StandardCharsets.UTF_8)))
				.isInstanceOf(KmsAead.KmsCallException.class)
				.hasCauseInstanceOf(InvalidCiphertextException.class);
			assertThat(kms.calls().get(kms.calls().size() - 1).errorType()).isEqualTo("InvalidCiphertextException");
		}
	}

	@Test
	void aCleartextKeysetWhereAKmsKeyIsSetIsRefused() {
		assertRefused(settings(key, Keysets.generate()), "The masking keyset is a cleartext keyset, but "
				+ KmsKeyUri.SETTING + " is set");
	}

	@Test
	void anEncryptedKeysetWithoutAKmsKeyIsRefused() {
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(key, null));

		assertRefused(new MaskingProperties(json, null), "The masking keyset is encrypted", KmsKeyUri.SETTING + " is not set");
	}

	@Test
	void aMalformedKeyUriIsNamed() {
		for (String uri : List.of("arn:aws:kms:eu-west-1:111122223333:key/abc", "aws-kms://alias/masking",
				"aws-kms://arn:aws:kms:eu-west-1:111122223333:alias/masking", "gcp-kms://projects/p/locations/l")) {
			assertRefused(new MaskingProperties(Keysets.generate(), null, false, uri, kms.endpoint(), null),
					"The KMS key URI '" + uri + "', set by " + KmsKeyUri.SETTING + ", is not of the form");
		}
	}

	@Test
	void anUnreachableKmsIsReportedWithItsEndpoint() throws IOException {
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(key, null));
		URI closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
		}

		assertRefused(new MaskingProperties(json, null, false, LocalKms.uri(key), closed, null),
				"AWS KMS at " + closed + ", named by " + KeysetFormat.ENDPOINT_SETTING, "cannot be reached",
				"Connect");
	}

	@Test
	void aKmsThatNeverAnswersIsGivenUpAfterTheTimeout() throws IOException {
		String json = Keysets.generate(MaskingMode.REVERSIBLE, settings(key, null));
		try (ServerSocket silent = new ServerSocket(0)) {
			URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
			long started = System.nanoTime();

			assertRefused(new MaskingProperties(json, null, false, LocalKms.uri(key), endpoint, Duration.ofSeconds(1)),
					"cannot be reached", "given up after 1000 ms, the limit set by " + KeysetFormat.TIMEOUT_SETTING);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		}
	}

	private static MaskingKeyException assertRefused(MaskingProperties settings, String... expected) {
		MaskingKeyException refused = catchThrowableOfType(MaskingKeyException.class, () -> Keysets.load(settings));
		assertThat(refused).as("refused").isNotNull();
		assertThat(refused.getMessage()).contains(expected);
		String keyset = (settings.keyset() != null) ? settings.keyset() : "";
		// Neither the keyset nor any part of its key material is in the message.
		for (String part : JsonParser.parseString(keyset.isEmpty() ? "{}" : keyset).toString().split("\"")) {
			if (part.length() > 20) {
				assertThat(refused.getMessage() + refused.action()).doesNotContain(part);
			}
		}
		return refused;
	}

	private static MaskingProperties settings(String arn, String keyset) {
		return new MaskingProperties(keyset, null, false, LocalKms.uri(arn), kms.endpoint(), null);
	}

}
