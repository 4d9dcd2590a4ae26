package com.loginetl.masking;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalInt;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.daead.AesSivKey;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.util.SecretBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter seal derived from a masking keyset: bodies open only for their source message
 * and with a key still in the keyset, in both masking modes and across a rotation; redrive seals
 * vouch for exactly their attributes and body; the derivation is the documented HKDF.
 */
class DeadLetterSealTest {

	private static final String ID = "6f1c2a52-6c1b-4a55-9a57-0d3f5e1f2a10";

	private static final String BODY = "{\"user_id\": \"u-1\", \"ip\": \"198.51.100.23\", \"device_id\": \"593-47-5928\"}";

	@ParameterizedTest
	@ValueSource(strings = { TestKeysets.REVERSIBLE, TestKeysets.IRREVERSIBLE })
	void aSealedBodyOpensForItsSourceMessageOnlyAndNamesThePrimaryKey(String keyset) {
		PiiMasker masker = TestKeysets.masker(keyset);
		DeadLetterSeal seal = masker.deadLetterSeal();

		String sealed = seal.sealBody(ID, BODY);

		assertThat(sealed).doesNotContain("198.51.100.23", "593-47-5928", "u-1");
		assertThat(Base64.getDecoder().decode(sealed)[0]).isEqualTo((byte) 0x01);
		assertThat(DeadLetterSeal.keyIdOf(sealed)).hasValue(masker.primaryKeyId());
		assertThat(seal.primaryKeyId()).isEqualTo(masker.primaryKeyId());
		assertThat(seal.openBody(ID, sealed)).contains(BODY);
		assertThat(seal.openBody("6f1c2a52-6c1b-4a55-9a57-0d3f5e1f2a11", sealed)).isEmpty();
		assertThat(seal.openBody(ID, "not base64!")).isEmpty();
		assertThat(PiiMasker.from(new MaskingProperties(Keysets.generate(masker.mode()), null))
			.deadLetterSeal()
			.openBody(ID, sealed)).isEmpty();
	}

	@Test
	void aBodyThatCompressesIsDeflatedBeforeSealingAndOneThatDoesNotIsStoredAsItIs() {
		DeadLetterSeal seal = TestKeysets.masker(TestKeysets.REVERSIBLE).deadLetterSeal();
		String repetitive = "{\"user_id\": \"" + "a".repeat(100_000) + "\"}";
		String sealedRepetitive = seal.sealBody(ID, repetitive);
		assertThat(sealedRepetitive.length()).isLessThan(2_000);
		assertThat(seal.openBody(ID, sealedRepetitive)).contains(repetitive);

		String shortBody = "[1]";
		String sealedShort = seal.sealBody(ID, shortBody);
		// 1 byte of format, the body, 21 bytes of Tink prefix and synthetic IV, in Base64.
		assertThat(Base64.getDecoder().decode(sealedShort)).hasSize(1 + 3 + DeadLetterSeal.OVERHEAD_BYTES);
		assertThat(seal.openBody(ID, sealedShort)).contains(shortBody);
	}

	@ParameterizedTest
	@ValueSource(strings = { TestKeysets.REVERSIBLE, TestKeysets.IRREVERSIBLE })
	void aDeadLetterSealedUnderAnOldKeyOpensAfterARotationAndNotOnceTheKeyIsRetired(String keyset) {
		PiiMasker old = TestKeysets.masker(keyset);
		String sealed = old.deadLetterSeal().sealBody(ID, BODY);
		String rotatedJson = Keysets.rotate(TestKeysets.json(keyset));
		DeadLetterSeal rotated = PiiMasker.from(new MaskingProperties(rotatedJson, null)).deadLetterSeal();

		assertThat(rotated.primaryKeyId()).isNotEqualTo(old.primaryKeyId());
		assertThat(rotated.holdsKey(old.primaryKeyId())).isTrue();
		assertThat(rotated.openBody(ID, sealed)).contains(BODY);
		assertThat(DeadLetterSeal.keyIdOf(rotated.sealBody(ID, BODY))).hasValue(rotated.primaryKeyId());

		DeadLetterSeal retired = PiiMasker.from(new MaskingProperties(Keysets.retire(rotatedJson).json(), null))
			.deadLetterSeal();
		assertThat(retired.holdsKey(old.primaryKeyId())).isFalse();
		assertThat(retired.openBody(ID, sealed)).isEmpty();
	}

	@Test
	void aRedriveSealVouchesForExactlyItsAttributesAndBody() {
		DeadLetterSeal seal = TestKeysets.masker(TestKeysets.REVERSIBLE).deadLetterSeal();
		String vouch = seal.sealRedrive(ID, "1700000000000", BODY);

		assertThat(seal.verifiesRedrive(ID, "1700000000000", BODY, vouch)).isTrue();
		assertThat(seal.verifiesRedrive(ID, "86400000", BODY, vouch)).isFalse();
		assertThat(seal.verifiesRedrive("6f1c2a52-6c1b-4a55-9a57-0d3f5e1f2a11", "1700000000000", BODY, vouch)).isFalse();
		assertThat(seal.verifiesRedrive(ID, "1700000000000", BODY + " ", vouch)).isFalse();
		assertThat(seal.verifiesRedrive(ID, "1700000000000", BODY, null)).isFalse();
		assertThat(seal.verifiesRedrive(ID, "1700000000000", BODY, "AQID")).isFalse();
		// Another keyset's seal, and a dead-letter body's seal, vouch for nothing.
		assertThat(TestKeysets.masker(TestKeysets.IRREVERSIBLE)
			.deadLetterSeal()
			.verifiesRedrive(ID, "1700000000000", BODY, vouch)).isFalse();
		assertThat(seal.verifiesRedrive(ID, "1700000000000", BODY, seal.sealBody(ID, ID + "\n1700000000000")))
			.isFalse();
		// The newline separates the two: moving characters across it breaks the seal.
		assertThat(seal.verifiesRedrive(ID + "\n1700", "000000000", BODY, seal.sealRedrive(ID, "1700000000000", BODY)))
			.isFalse();
	}

	/**
	 * The derivation is the one docs/dead-letters.md states, recomputed with the JDK's HMAC: HKDF-SHA256
	 * (RFC 5869, empty salt) over each masking key's bytes, info "login-etl dead-letter seal v1", 64
	 * bytes, an AES256-SIV key with the TINK prefix and the masking key's id.
	 */
	@ParameterizedTest
	@ValueSource(strings = { TestKeysets.REVERSIBLE, TestKeysets.IRREVERSIBLE })
	void theSealKeyIsHkdfSha256OfTheMaskingKeyWithTheDocumentedLabel(String keyset) throws Exception {
		KeysetHandle masking = Keysets.parse(TestKeysets.json(keyset));
		Key maskingKey = masking.getPrimary().getKey();
		byte[] ikm = (maskingKey instanceof AesSivKey aesSiv ? aesSiv.getKeyBytes()
				: ((HmacPrfKey) maskingKey).getKeyBytes()).toByteArray(InsecureSecretKeyAccess.get());
		byte[] derived = hkdfSha256(ikm, "login-etl dead-letter seal v1".getBytes(StandardCharsets.UTF_8), 64);
		KeysetHandle expected = KeysetHandle.newBuilder()
			.addEntry(KeysetHandle.importKey(AesSivKey.builder()
				.setParameters(AesSivParameters.builder()
					.setKeySizeBytes(64)
					.setVariant(AesSivParameters.Variant.TINK)
					.build())
				.setKeyBytes(SecretBytes.copyFrom(derived, InsecureSecretKeyAccess.get()))
				.setIdRequirement(masking.getPrimary().getId())
				.build()).makePrimary())
			.build();
		DeterministicAead aead = expected.getPrimitive(RegistryConfiguration.get(), DeterministicAead.class);

		String sealed = TestKeysets.masker(keyset).deadLetterSeal().sealBody(ID, "[1]");
		byte[] opened = aead.decryptDeterministically(Base64.getDecoder().decode(sealed),
				("dead-letter|" + ID).getBytes(StandardCharsets.UTF_8));
		// Format byte 0: stored as it is.
		assertThat(opened).containsExactly(0, '[', '1', ']');
	}

	/** Recorded seals: a change to the derivation or the format would strand every dead letter. */
	@Test
	void sealsAreTheRecordedOnes() {
		assertThat(TestKeysets.masker(TestKeysets.REVERSIBLE).deadLetterSeal().sealBody(ID, BODY))
			.isEqualTo(RECORDED_REVERSIBLE);
		assertThat(TestKeysets.masker(TestKeysets.IRREVERSIBLE).deadLetterSeal().sealBody(ID, BODY))
			.isEqualTo(RECORDED_IRREVERSIBLE);
	}

	@Test
	void itNeverShowsKeyMaterial() {
		DeadLetterSeal seal = TestKeysets.masker(TestKeysets.REVERSIBLE).deadLetterSeal();
		assertThat(seal.toString()).startsWith("DeadLetterSeal[primary key ").doesNotContain("value", "keyData");
		assertThat(DeadLetterSeal.keyIdOf("short")).isEqualTo(OptionalInt.empty());
		assertThat(DeadLetterSeal.keyIdOf("eyJ1c2VyX2lkIjogInUifQ==")).isEmpty();
	}

	private static final String RECORDED_REVERSIBLE = "AcZMrNXbcon9pKMA8gz6cUQHG2w4wNgTy8lY+UoIYaUrVpAsPUitqVKXEvOPtnQzXL1wuvs7YXQHghOHtwiE+LTCj4V8YCLakX9jmiJ9wSfDbro=";

	private static final String RECORDED_IRREVERSIBLE = "AX6pBsdDf5WDJiFbWaSTNOP7nIEPWaDvZHpYxk+jDWe4RKqG3WaBHngGwJ0yBYJGSSyz4DCvl4NBKecGNQ+u5poa5YfodmMgo9XrCd5nTXwUNqA=";

	private static byte[] hkdfSha256(byte[] ikm, byte[] info, int length) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
		byte[] prk = mac.doFinal(ikm);
		mac.init(new SecretKeySpec(prk, "HmacSHA256"));
		byte[] okm = new byte[length];
		byte[] previous = new byte[0];
		for (int block = 1, done = 0; done < length; block++) {
			mac.update(previous);
			mac.update(info);
			mac.update((byte) block);
			previous = mac.doFinal();
			System.arraycopy(previous, 0, okm, done, Math.min(previous.length, length - done));
			done += previous.length;
		}
		return okm;
	}

}
