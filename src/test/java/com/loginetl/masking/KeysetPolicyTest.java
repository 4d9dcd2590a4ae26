package com.loginetl.masking;

import java.security.GeneralSecurityException;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.daead.AesSivParameters;
import com.google.crypto.tink.daead.PredefinedDeterministicAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keysets that must never mask data are refused, with a message that names the problem. */
class KeysetPolicyTest {

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
