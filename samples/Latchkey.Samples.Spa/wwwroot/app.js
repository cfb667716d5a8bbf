// A single-page application signing in with Latchkey as a public OpenID Connect client, with nothing but the
// browser: the authorization code flow with PKCE (S256), state and nonce; the RFC 9207 iss checked against the
// discovery document; the ID token's RS256 signature checked with WebCrypto against the JWKS, then iss, aud, exp
// and nonce; userinfo; refresh-token rotation; RP-initiated logout. Tokens live in this module's memory only
// (never localStorage): a reload signs in again, silently while Latchkey's session lasts. Only the PKCE verifier,
// state and nonce of a sign-in under way wait in sessionStorage for the redirect back.

const PENDING_SIGN_IN = 'latchkey-sample.sign-in';
const PENDING_SIGN_OUT = 'latchkey-sample.sign-out';
const $ = (id) => document.getElementById(id);

let config;
let provider;
let tokens = null;
let refreshes = 0;

function base64Url(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

const random = (bytes) => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
const redirectUri = () => location.origin + '/';

async function getJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error_description ?? body.error ?? `${url} answered ${response.status}`);
  return body;
}

function tokenRequest(parameters) {
  return getJson(provider.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: config.clientId, ...parameters }),
  });
}

async function signIn(prompt) {
  const verifier = random(32);
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const pending = { verifier, state: random(16), nonce: random(16) };
  sessionStorage.setItem(PENDING_SIGN_IN, JSON.stringify(pending));
  const url = new URL(provider.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(prompt ? { prompt } : {}),
  });
  location.assign(url);
}

// Signature first (RS256, the key the header names, from the JWKS), then the claims a client must check.
async function verifyIdToken(idToken, nonce) {
  const [header64, payload64, signature64] = idToken.split('.');
  const header = JSON.parse(new TextDecoder().decode(fromBase64Url(header64)));
  if (header.alg !== 'RS256') throw new Error(`unexpected ID token algorithm ${header.alg}`);
  const { keys } = await getJson(provider.jwks_uri);
  const jwk = keys.find((k) => k.kid === header.kid && k.kty === 'RSA');
  if (!jwk) throw new Error('the ID token was signed with a key the JWKS does not publish');
  const key = await crypto.subtle.importKey(
    'jwk', { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', ext: true },
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${header64}.${payload64}`);
  if (!(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, fromBase64Url(signature64), signed))) {
    throw new Error('the ID token signature is not valid');
  }

  const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(payload64)));
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== provider.issuer) throw new Error('the ID token comes from another issuer');
  if (!audiences.includes(config.clientId)) throw new Error('the ID token is for another client');
  if (claims.exp * 1000 < Date.now()) throw new Error('the ID token has expired');
  if (claims.nonce !== nonce) throw new Error('the ID token does not answer this sign-in (nonce)');
  return claims;
}

async function completeSignIn(parameters) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_SIGN_IN) ?? 'null');
  sessionStorage.removeItem(PENDING_SIGN_IN);
  history.replaceState(null, '', '/');
  if (!pending || parameters.get('state') !== pending.state) throw new Error('this answer does not belong to a sign-in started here (state)');
  if (parameters.get('iss') !== provider.issuer) throw new Error('this answer comes from another server (iss)');
  if (parameters.has('error')) {
    // The silent attempt found no session (or one that must first consent): the user signs in by the button.
    if (['login_required', 'consent_required', 'interaction_required'].includes(parameters.get('error'))) return showSignedOut('Signed out');
    throw new Error(parameters.get('error_description') ?? parameters.get('error'));
  }

  const answer = await tokenRequest({
    grant_type: 'authorization_code',
    code: parameters.get('code'),
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  const claims = await verifyIdToken(answer.id_token, pending.nonce);
  tokens = { accessToken: answer.access_token, refreshToken: answer.refresh_token, idToken: answer.id_token, claims };
  await showSignedIn();
}

async function showSignedIn() {
  const user = await getJson(provider.userinfo_endpoint, { headers: { Authorization: `Bearer ${tokens.accessToken}` } });
  if (user.sub !== tokens.claims.sub) throw new Error('userinfo answered for another user');
  $('user-sub').textContent = user.sub;
  $('user-email').textContent = user.email ?? '';
  $('user-amr').textContent = (tokens.claims.amr ?? []).join(' ');
  $('refreshes').textContent = String(refreshes);
  $('status').textContent = 'Signed in';
  $('signed-in').hidden = false;
  $('signed-out').hidden = true;
}

function showSignedOut(status) {
  tokens = null;
  $('status').textContent = status;
  $('signed-in').hidden = true;
  $('signed-out').hidden = false;
}

async function refresh() {
  const answer = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
  tokens = { ...tokens, accessToken: answer.access_token, refreshToken: answer.refresh_token ?? tokens.refreshToken };
  refreshes += 1;
  await showSignedIn();
}

function signOut() {
  const state = random(16);
  sessionStorage.setItem(PENDING_SIGN_OUT, state);
  const url = new URL(provider.end_session_endpoint);
  url.search = new URLSearchParams({
    id_token_hint: tokens.idToken,
    client_id: config.clientId,
    post_logout_redirect_uri: redirectUri(),
    state,
  });
  tokens = null;
  location.assign(url);
}

function fail(error) {
  $('error').textContent = error.message ?? String(error);
  $('error').hidden = false;
}

async function start() {
  config = await getJson('/config.json');
  provider = await getJson(new URL('/.well-known/openid-configuration', config.authority));
  $('sign-in').addEventListener('click', () => signIn().catch(fail));
  $('refresh').addEventListener('click', () => refresh().catch(fail));
  $('sign-out').addEventListener('click', signOut);

  const parameters = new URLSearchParams(location.search);
  const signingOut = sessionStorage.getItem(PENDING_SIGN_OUT);
  if (sessionStorage.getItem(PENDING_SIGN_IN) && (parameters.has('code') || parameters.has('error'))) {
    return completeSignIn(parameters);
  }

  if (signingOut) {
    sessionStorage.removeItem(PENDING_SIGN_OUT);
    history.replaceState(null, '', '/');
    if (parameters.get('state') === signingOut) return showSignedOut('Signed out of Latchkey');
  }

  // Nothing under way: a silent attempt (prompt=none) picks up Latchkey's session, if there is one; without one,
  // Latchkey answers login_required at once and the page shows the sign-in button.
  return signIn('none');
}

start().catch(fail);
