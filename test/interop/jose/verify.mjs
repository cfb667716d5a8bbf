// Verifies a Latchkey access token with panva/jose, fetching the keys from the JWKS URL, as any
// third-party resource server would. Run by Latchkey.Server.Tests (JoseInteropTests).
//
//   node verify.mjs <jwks-url> <issuer> <audience> <token>
//
// Prints the verified payload as JSON and exits 0; on any failure prints the jose error code and
// message to stderr and exits 1 (2 for bad usage).
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, issuer, audience, token] = process.argv.slice(2);
if (!jwksUrl || !issuer || !audience || !token) {
  console.error('usage: node verify.mjs <jwks-url> <issuer> <audience> <token>');
  process.exit(2);
}

try {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience,
    typ: 'at+jwt',
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
  });
  console.log(JSON.stringify(payload));
} catch (error) {
  console.error(`${error?.code ?? error?.name ?? 'Error'}: ${error?.message ?? error}`);
  process.exit(1);
}
