import { api, requireSession, returnToFromQuery, showAlert } from './latchkey.js';

// The consent page: /consent?returnTo=<the authorization request>. The decision goes to POST /api/consent (session and
// CSRF token); after Allow the browser goes back to the authorization request, after Deny to the client's registered
// redirect URI with error=access_denied, as the server answers (never to a URL taken from this page's address).

const pageError = document.getElementById('page-error');
const main = document.getElementById('main');
const status = document.getElementById('status');

const descriptions = {
  openid: 'Know who you are (your account id)',
  profile: 'Your username (your email address)',
  email: 'Your email address and whether it is verified',
  offline_access: 'Stay connected when you are not using it (a refresh token)',
};

function authorizationRequest() {
  const target = returnToFromQuery();
  const url = new URL(target, location.origin);
  if (!url.pathname.endsWith('/oauth/authorize')) return null;
  const params = url.searchParams;
  const clientId = params.get('client_id');
  const scope = params.get('scope');
  if (!clientId || !scope) return null;
  return { target, clientId, scope, redirectUri: params.get('redirect_uri'), state: params.get('state') };
}

async function decide(request, allow) {
  const buttons = [document.getElementById('allow'), document.getElementById('deny')];
  buttons.forEach((b) => { b.disabled = true; });
  showAlert(pageError, '');
  try {
    const answer = await api('POST', '/api/consent', {
      clientId: request.clientId,
      scope: request.scope,
      allow,
      redirectUri: request.redirectUri,
      state: request.state,
    });
    if (allow) {
      location.assign(request.target);
    } else if (answer && answer.redirectTo) {
      location.assign(answer.redirectTo);
    } else {
      status.textContent = 'You declined. You can close this page.';
    }
  } catch (error) {
    buttons.forEach((b) => { b.disabled = false; });
    showAlert(pageError, error.message);
  }
}

async function start() {
  const request = authorizationRequest();
  if (!request) {
    showAlert(pageError, 'This page needs an authorization request to answer. Go back to the application and start again.');
    main.setAttribute('aria-busy', 'false');
    return;
  }
  const session = await requireSession();
  document.getElementById('user-email').textContent = session.user.email;
  document.getElementById('client-id').textContent = request.clientId;
  const items = request.scope.split(' ').filter(Boolean).map((scope) => {
    const item = document.createElement('li');
    item.textContent = descriptions[scope] ? `${descriptions[scope]} (${scope})` : scope;
    return item;
  });
  document.getElementById('scopes').replaceChildren(...items);
  document.getElementById('allow').addEventListener('click', () => decide(request, true));
  document.getElementById('deny').addEventListener('click', () => decide(request, false));
  document.getElementById('consent').hidden = false;
  main.setAttribute('aria-busy', 'false');
}

start().catch((error) => {
  showAlert(pageError, error.message);
  main.setAttribute('aria-busy', 'false');
});
