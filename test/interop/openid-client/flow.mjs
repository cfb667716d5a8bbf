// Signs a user in to Latchkey with panva/openid-client, as an independent relying party would: discovery, an
// authorization URL with PKCE (S256), state and nonce, the code exchange with the ID token's signature checked
// against the JWKS, userinfo, and a refresh. Run by Latchkey.Server.Tests (OpenIdClientInteropTests).
//
//   node flow.mjs <issuer> <client-id> <client-secret or -> <redirect-uri> <scope>
//
// There is no browser here: the script prints {"authorizationUrl": ...} as its first line, the test drives that
// request with a signed-in Latchkey session and writes the URL Latchkey redirected to (the callback, with code,
// state and iss) as one line on stdin. The script then prints one JSON line with what it saw (claims, never
// tokens) and exits 0; on a failure it prints the error's code and message to stderr and exits 1 (2 for bad usage).
import * as client from 'openid-client';
import { createInterface } from 'node:readline';

const [issuer, clientId, clientSecret, redirectUri, scope] = process.argv.slice(2);
if (!issuer || !clientId || !clientSecret || !redirectUri || !scope) {
  console.error('usage: node flow.mjs <issuer> <client-id> <client-secret or -> <redirect-uri> <scope>');
  process.exit(2);
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function readLine() {
  const { value, done } = await lines.next();
  if (done) throw new Error('stdin closed before the callback URL came');
  return value.trim();
}

function describe(error) {
  const parts = [error?.code ?? error?.name ?? 'Error'];
  if (error?.error) parts.push(error.error);
  parts.push(error?.message ?? String(error));
  // The reason is often on the cause chain (an OperationProcessingError inside the ResponseBodyError), whose
  // message JSON.stringify would leave out.
  for (let cause = error?.cause, depth = 0; cause && typeof cause === 'object' && depth < 5; cause = cause.cause, depth++) {
    parts.push(`${cause.code ?? cause.name ?? 'cause'}: ${cause.message ?? JSON.stringify(cause)}`);
  }
  return parts.join(': ');
}

try {
  const server = new URL(issuer);
  const confidential = clientSecret !== '-';
  const execute = [client.enableNonRepudiationChecks];
  // Only the tests' plain-HTTP Latchkey needs this; against HTTPS it is left out.
  if (server.protocol === 'http:') execute.unshift(client.allowInsecureRequests);
  const config = await client.discovery(
    server,
    clientId,
    confidential ? { client_secret: clientSecret } : undefined,
    confidential ? client.ClientSecretBasic(clientSecret) : client.None(),
    { execute },
  );

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  console.log(JSON.stringify({ authorizationUrl: authorizationUrl.href }));

  const callback = new URL(await readLine());
  // Checks state, the RFC 9207 iss, the code exchange with the verifier, and the ID token: its signature
  // (non-repudiation checks, against the JWKS), iss, aud, exp, iat, nonce and at_hash.
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const idToken = tokens.claims();
  const idTokenHeader = JSON.parse(Buffer.from(tokens.id_token.split('.')[0], 'base64url').toString('utf8'));
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);

  const result = {
    issuer: config.serverMetadata().issuer,
    idToken,
    idTokenAlg: idTokenHeader.alg,
    tokenType: tokens.token_type,
    scope: tokens.scope ?? null,
    expiresIn: tokens.expiresIn() ?? null,
    userinfo,
    refresh: null,
  };

  if (tokens.refresh_token) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    const again = await client.fetchUserInfo(config, refreshed.access_token, idToken.sub);
    let reuse;
    try {
      await client.refreshTokenGrant(config, tokens.refresh_token);
      reuse = 'accepted';
    } catch (error) {
      reuse = error?.error ?? describe(error);
    }
    result.refresh = {
      newAccessToken: refreshed.access_token !== tokens.access_token,
      rotated: Boolean(refreshed.refresh_token) && refreshed.refresh_token !== tokens.refresh_token,
      scope: refreshed.scope ?? null,
      userinfoSub: again.sub,
      spentTokenAgain: reuse,
    };
  }

  console.log(JSON.stringify(result));
  process.exit(0);
} catch (error) {
  console.error(describe(error));
  process.exit(1);
}
