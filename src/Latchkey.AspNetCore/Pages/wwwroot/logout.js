import { api, setCsrfToken, setSigningOut, showAlert } from './latchkey.js';

// The logout confirmation: /logout?client_id=…&post_logout_redirect_uri=…&state=…, where /oauth/logout sends a browser
// whose logout request had no id_token_hint for its session (RP-Initiated Logout 1.0 §6: such a request can be forged).
// Sign out ends the session through DELETE /api/session (cookie and CSRF token), then goes back to /oauth/logout, which
// checks the redirect URI again: this page never navigates anywhere else on the strength of its own address.

const pageError = document.getElementById('page-error');
const main = document.getElementById('main');

function continueUrl() {
  const query = new URLSearchParams(location.search);
  const next = new URLSearchParams();
  for (const name of ['client_id', 'post_logout_redirect_uri', 'state']) {
    const value = query.get(name);
    if (value) next.set(name, value);
  }
  const text = next.toString();
  return text ? `/oauth/logout?${text}` : '/oauth/logout';
}

async function signOut() {
  const buttons = [document.getElementById('confirm-signout'), document.getElementById('stay')];
  buttons.forEach((b) => { b.disabled = true; });
  setSigningOut(true);
  try {
    await api('DELETE', '/api/session', undefined, { redirectOn401: false });
  } catch (error) {
    if (error.status !== 401) {
      setSigningOut(false);
      buttons.forEach((b) => { b.disabled = false; });
      showAlert(pageError, error.message);
      return;
    }
  }
  location.assign(continueUrl());
}

async function start() {
  let current;
  try {
    current = await api('GET', '/api/session', undefined, { redirectOn401: false });
  } catch (error) {
    if (error.status === 401) {
      // Already signed out: nothing to confirm.
      location.assign(continueUrl());
      return;
    }
    throw error;
  }
  setCsrfToken(current.csrfToken);
  document.getElementById('user-email').textContent = current.user.email;
  const clientId = new URLSearchParams(location.search).get('client_id');
  if (clientId) {
    document.getElementById('client-id').textContent = clientId;
    document.getElementById('client-line').hidden = false;
  }
  document.getElementById('confirm-signout').addEventListener('click', signOut);
  document.getElementById('stay').addEventListener('click', () => location.assign('/account'));
  document.getElementById('confirm').hidden = false;
  main.setAttribute('aria-busy', 'false');
}

start().catch((error) => {
  showAlert(pageError, error.message);
  main.setAttribute('aria-busy', 'false');
});
