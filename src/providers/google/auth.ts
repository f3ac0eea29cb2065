// Vertex AI credentials: one google-auth-library client (Application Default Credentials, or the
// GOOGLE_APPLICATION_CREDENTIALS file of the build's environment) that the SDK and the Cloud
// Storage reads share, so both send the same bearer token and it is fetched once.
import { GoogleAuth, type AuthClient } from 'google-auth-library';
import { redact } from '../../base/redact.js';
import { ProviderError } from '../types.js';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface VertexAuth {
  client: AuthClient;
  /** A current access token (the client caches it until it nears expiry). */
  token(): Promise<string>;
  /** The token in use, to scrub from messages. */
  secrets(): string[];
}

/** `keyFilename` undefined: google-auth-library's own search (process.env, gcloud, metadata server). */
export async function vertexAuth(keyFilename: string | undefined): Promise<VertexAuth> {
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM], keyFilename });
  const client = await auth.getClient().catch((err: Error) => {
    throw new ProviderError(`Google Cloud credentials could not be loaded: ${redact(err.message)}`, { retryable: false });
  });
  const secrets = () => (client.credentials.access_token ? [client.credentials.access_token] : []);
  return {
    client,
    secrets,
    token: async () => {
      const { token } = await client.getAccessToken();
      if (!token) throw new ProviderError('Google Cloud credentials gave no access token', { retryable: false });
      return token;
    },
  };
}
