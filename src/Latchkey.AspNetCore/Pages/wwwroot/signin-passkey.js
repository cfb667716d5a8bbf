// Passkey sign-in on the sign-in page: a button, and conditional UI (passkeys offered in the email field's
// autofill) where the browser supports it. The password form stays in signin.js.
import { api, returnToFromQuery, setCsrfToken, showAlert } from './latchkey.js';

const formError = document.getElementById('form-error');
const button = document.getElementById('passkey-signin');
let conditional = null;

async function signIn(mediation) {
  const { ceremony, options } = await api('POST', '/api/session/passkey/options', {}, { redirectOn401: false });
  const request = { publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) };
  if (mediation) {
    conditional = new AbortController();
    request.mediation = mediation;
    request.signal = conditional.signal;
  }
  const credential = await navigator.credentials.get(request);
  const answer = await api('POST', '/api/session/passkey', { ceremony, credential: credential.toJSON() }, { redirectOn401: false });
  setCsrfToken(answer.csrfToken);
  location.assign(returnToFromQuery());
}

function report(error) {
  if (error && (error.name === 'AbortError')) return;
  if (error && error.name === 'NotAllowedError') {
    showAlert(formError, 'The passkey request was cancelled or timed out.');
  } else {
    showAlert(formError, (error && error.message) || 'Signing in with a passkey failed.');
  }
}

if (button && window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    if (conditional) conditional.abort();
    button.disabled = true;
    try {
      await signIn(undefined);
    } catch (error) {
      report(error);
    } finally {
      button.disabled = false;
    }
  });
  if (PublicKeyCredential.isConditionalMediationAvailable) {
    PublicKeyCredential.isConditionalMediationAvailable().then((available) => {
      if (available) signIn('conditional').catch(report);
    });
  }
}
