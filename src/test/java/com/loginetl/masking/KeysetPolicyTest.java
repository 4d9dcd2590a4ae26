package com.loginetl.masking;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import com.google.crypto.tink.mac.MacConfig;
import com.google.crypto.tink.mac.PredefinedMacParameters;
import com.google.crypto.tink.prf.HmacPrfParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keysets that must never mask data are refused, with a message that names the problem. */
class KeysetPolicyTest {

	// Tests build keysets with Tink's KeysetHandle builder, which needs the key types registered,
	// whichever test runs first.
	@BeforeAll
	static void registerMaskingPrimitives() {
		Keysets.registerPrimitives();
	}

	@Test
	void aKeysetWithoutAPrimaryKeyIsRefused() {
		String withoutPrimary = Keysets.generate().replaceFirst("\"primaryKeyId\":\\d+,", "");

		assertThatThrownBy(() -> masker(withoutPrimary)).isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("no primary key");
	}

	@Test
	void aKeysetOfAnotherTypeIsRefusedAndItsTypeNamed() throws Exception {
		SignatureConfig.register();
		String signing = json(KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519));

		assertThatThrownBy(() -> masker(signing)).isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("Ed25519PrivateKey")
			.hasMessageContaining("not a masking key");
	}

	@Test
	void anAeadKeysetIsRefusedThoughItEncrypts() throws Exception {
		AeadConfig.register();
		String aesGcm = json(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));

		assertThatThrownBy(() -> masker(aesGcm)).isExactlyInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("type.googleapis.com/google.crypto.tink.AesGcmKey")
			.hasMessageContaining("not a masking key");
	}

	@Test
	void aMacKeysetIsRefusedThoughItIsHmacSha256() throws Exception {
		MacConfig.register();
		String mac = json(KeysetHandle.generateNew(PredefinedMacParameters.HMAC_SHA256_256BITTAG));

		assertThatThrownBy(() -> masker(mac)).isExactlyInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("type.googleapis.com/google.crypto.tink.HmacKey")
			.hasMessageContaining("not a masking key");
	}

	@Test
	void anHmacKeyShorterThan32BytesIsRefused() throws Exception {
		String short16 = json(one(HmacPrfParameters.builder()
			.setHashType(HmacPrfParameters.HashType.SHA256)
			.setKeySizeBytes(16)
			.build()));

		assertThatThrownBy(() -> masker(short16)).isExactlyInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("16-byte key")
			.hasMessageContaining("HMAC-SHA256 with a key of at least 32 bytes");
		assertThat(masker(json(one(HmacPrfParameters.builder()
			.setHashType(HmacPrfParameters.HashType.SHA256)
			.setKeySizeBytes(32)
			.build()))).usesDevelopmentKey()).as("the same with 32 bytes").isFalse();
	}

	@Test
	void aKeysetWhosePrimaryKeyIsDisabledIsRefused() {
		String rotated = Keysets.rotate(Keysets.generate());
		String primaryId = rotated.replaceFirst("(?s).*\"primaryKeyId\":(\\d+).*", "$1");
		// The primary key's entry is the one whose keyId is primaryKeyId; disable only that one.
		String disabled = rotated.replaceFirst("\"status\":\"ENABLED\"(,\"keyId\":" + primaryId + ",)",
				"\"status\":\"DISABLED\"$1");
		assertThat(disabled).as("keyset with its primary disabled").isNotEqualTo(rotated).contains("\"ENABLED\"");

		assertThatThrownBy(() -> masker(disabled)).isExactlyInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("no primary key")
			.hasMessageContaining("names no enabled key");
	}

	@Test
	void aKeysetMixingBothKindsIsRefused() throws Exception {
		String mixed = json(KeysetHandle.newBuilder()
			.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedDeterministicAeadParameters.AES256_SIV)
				.withRandomId()
				.makePrimary())
			.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedPrfParameters.HMAC_SHA256_PRF).withRandomId())
			.build());

		assertThatThrownBy(() -> masker(mixed)).isInstanceOf(MaskingKeyException.class).hasMessageContaining("mixes");
	}

	@Test
	void unprefixedOrWeakerKeysAreRefused() throws Exception {
		String rawSiv = json(one(AesSivParameters.builder()
			.setKeySizeBytes(64)
			.setVariant(AesSivParameters.Variant.NO_PREFIX)
			.build()));
		String hmacSha512 = json(one(PredefinedPrfParameters.HMAC_SHA512_PRF));

		assertThatThrownBy(() -> masker(rawSiv)).hasMessageContaining("names the key");
		assertThatThrownBy(() -> masker(hmacSha512)).hasMessageContaining("HMAC-SHA256");
	}

	@Test
	void theDevelopmentKeysetIsRefusedUnlessTheLocalRunAllowsIt() {
		String development = TestKeysets.json(TestKeysets.DEVELOPMENT);

		assertThatThrownBy(() -> masker(development)).isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("development key")
			.hasMessageContaining("2397383377");
		assertThat(PiiMasker.from(new MaskingProperties(development, null, true)).usesDevelopmentKey()).isTrue();
		assertThat(PiiMasker.forKeyHolder(new MaskingProperties(development, null)).usesDevelopmentKey()).isTrue();
	}

	@Test
	void theDevelopmentKeyIsRecognisedByItsKeyMaterialNotItsId() {
		String development = TestKeysets.json(TestKeysets.DEVELOPMENT).replace("2397383377", "12345");

		assertThatThrownBy(() -> masker(development)).hasMessageContaining("development key");
	}

	@Test
	void aRotatedDevelopmentKeysetStillHoldsTheDevelopmentKey() {
		String rotated = Keysets.rotate(TestKeysets.json(TestKeysets.DEVELOPMENT));

		assertThatThrownBy(() -> masker(rotated)).hasMessageContaining("development key");
	}

	@Test
	void ownKeysetsOfBothKindsAreAccepted() {
		assertThat(masker(Keysets.generate(MaskingMode.REVERSIBLE)).usesDevelopmentKey()).isFalse();
		assertThat(masker(Keysets.generate(MaskingMode.IRREVERSIBLE)).usesDevelopmentKey()).isFalse();
	}

	private static PiiMasker masker(String json) {
		return PiiMasker.from(new MaskingProperties(json, null));
	}

	private static KeysetHandle one(Parameters parameters) throws GeneralSecurityException {
		Keysets.registerPrimitives();
		return KeysetHandle.generateNew(parameters);
	}

	private static String json(KeysetHandle keyset) throws GeneralSecurityException {
		return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
	}

}
