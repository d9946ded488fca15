/**
 * The AWS SDK's default credential provider as a Lambda function needs it, swapped in for
 * `@aws-sdk/credential-provider-node` when `bundleHandler` bundles for the Lambda runtime (its
 * default). Lambda gives a function its execution role's credentials in the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), or, where the environment
 * is restored or shared (SnapStart, managed instances), through the container credentials
 * endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI`). The Node chain also carries SSO, shared
 * config files, credential processes, web identity and EC2 metadata, none of which exists in
 * Lambda: with them, STS, SSO and sign-in clients (about 100 KiB minified) went into every bundle.
 *
 * Same contract as the chain it replaces: a memoized provider that refreshes credentials with an
 * expiration five minutes before they expire, and a CredentialsProviderError naming what is missing.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { fromHttp } from "@aws-sdk/credential-provider-http";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from "@smithy/core";
import { CredentialsProviderError } from "@smithy/core/config";

type Init = Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0];

export const defaultProvider = (init: Init = {}): AwsCredentialIdentityProvider => {
  // Each provider is made when used: fromHttp throws at creation when no endpoint is set.
  const provider: AwsCredentialIdentityProvider = async (props) => {
    if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) return fromEnv(init)(props);
    if (process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI || process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return fromHttp(init)(props);
    throw new CredentialsProviderError(
      "No Lambda credentials: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor AWS_CONTAINER_CREDENTIALS_FULL_URI/RELATIVE_URI is set (this bundle is built for the Lambda runtime; bundle with runtime \"node\" elsewhere)",
      { tryNextLink: false, ...(init.logger ? { logger: init.logger } : {}) },
    );
  };
  return memoizeIdentityProvider<AwsCredentialIdentity>(provider, isIdentityExpired, doesIdentityRequireRefresh) as AwsCredentialIdentityProvider;
};
