package com.loginetl.support;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.KmsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local KMS answers the SDK's KmsClient as KMS does, and only requests signed with its key. */
class LocalKmsTest {

	private static LocalKms kms;

	private static String key;

	@BeforeAll
	static void start() {
		kms = LocalKms.start();
		key = kms.createKey();
	}

	@AfterAll
	static void stop() {
		kms.close();
	}

	@Test
	void encryptDecryptAndGenerateDataKeyRoundTrip() {
		try (KmsClient client = client(LocalKms.ACCESS_KEY, LocalKms.SECRET_KEY, LocalKms.REGION)) {
			SdkBytes blob = client.encrypt((request) -> request.keyId(key)
				.plaintext(SdkBytes.fromUtf8String("secret"))
				.encryptionContext(Map.of("purpose", "test"))).ciphertextBlob();
			GenerateDataKeyResponse dataKey = client
				.generateDataKey((request) -> request.keyId(key).keySpec(DataKeySpec.AES_256));

			assertThat(client.decrypt((request) -> request.ciphertextBlob(blob)
				.encryptionContext(Map.of("purpose", "test"))).plaintext().asUtf8String()).isEqualTo("secret");
			assertThat(dataKey.plaintext().asByteArray()).hasSize(32);
			assertThat(client.decrypt((request) -> request.ciphertextBlob(dataKey.ciphertextBlob())).keyId())
				.isEqualTo(key);
			assertThatThrownBy(() -> client.decrypt((request) -> request.ciphertextBlob(blob)))
				.isInstanceOfSatisfying(KmsException.class, (ex) -> assertThat(ex.awsErrorDetails().errorCode())
					.isEqualTo("InvalidCiphertextException"));
		}
	}

	@Test
	void aRequestSignedWithAnotherSecretOrKeyOrRegionIsRefused() {
		try (KmsClient wrongSecret = client(LocalKms.ACCESS_KEY, "not-the-secret", LocalKms.REGION);
				KmsClient wrongKey = client("AKIAOTHERKEY00000000", LocalKms.SECRET_KEY, LocalKms.REGION);
				KmsClient wrongRegion = client(LocalKms.ACCESS_KEY, LocalKms.SECRET_KEY, "us-east-1")) {
			assertThat(errorCode(wrongSecret)).isEqualTo("InvalidSignatureException");
			assertThat(errorCode(wrongKey)).isEqualTo("UnrecognizedClientException");
			assertThat(errorCode(wrongRegion)).isEqualTo("InvalidSignatureException");
		}
	}

	private static String errorCode(KmsClient client) {
		try {
			client.encrypt((request) -> request.keyId(key).plaintext(SdkBytes.fromUtf8String("x")));
			return "none";
		}
		catch (KmsException ex) {
			assertThat(ex.statusCode()).isEqualTo(400);
			return ex.awsErrorDetails().errorCode();
		}
	}

	private static KmsClient client(String accessKey, String secretKey, String region) {
		return KmsClient.builder()
			.region(Region.of(region))
			.endpointOverride(kms.endpoint())
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
			.build();
	}

}
