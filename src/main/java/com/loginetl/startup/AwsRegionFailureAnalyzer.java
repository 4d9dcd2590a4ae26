package com.loginetl.startup;

import software.amazon.awssdk.core.exception.SdkClientException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** No AWS region is configured, so the SQS client cannot be built. */
class AwsRegionFailureAnalyzer extends AbstractFailureAnalyzer<SdkClientException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SdkClientException cause) {
		if (cause.getMessage() == null || !cause.getMessage().startsWith("Unable to load region")) {
			return null;
		}
		return new FailureAnalysis("No AWS region is configured for SQS: " + Setting.REGION
				+ " is not set, and AWS's default places (the AWS_REGION variable, a profile, "
				+ "the EC2 instance metadata) name none.",
				"Set " + Setting.REGION + ", for example to us-east-1. A local SQS endpoint ("
						+ Setting.SQS_ENDPOINT + ") needs one too; any region does.",
				cause);
	}

}
