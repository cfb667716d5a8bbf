import { api, busy, clearFieldErrors, returnToFromQuery, showAlert, showProblem } from './latchkey.js';
import { needsSecondStep, secondStepInPlace } from './mfa.js';

const form = document.getElementById('signup-form');
const alertBox = document.getElementById('form-error');
const target = returnToFromQuery();

if (target !== '/account') {
  document.getElementById('signin-link').href = `/signin?returnTo=${encodeURIComponent(target)}`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(alertBox, '');
  clearFieldErrors(form);
  const email = form.email.value.trim();
  const password = form.password.value;
  try {
    await busy(form, async () => {
      await api('POST', '/api/accounts', { email, password }, { redirectOn401: false });
      await api('POST', '/api/session', { email, password }, { redirectOn401: false });
    });
    location.assign(target);
  } catch (error) {
    // When the policy requires a second factor, the new account sets one up before its first session.
    if (needsSecondStep(error)) {
      if (await secondStepInPlace(form, document.getElementById('second-step'), alertBox, error.problem)) location.assign(target);
      return;
    }
    showProblem(form, alertBox, error);
  }
});
