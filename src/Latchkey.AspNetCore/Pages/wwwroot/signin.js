import { api, busy, returnToFromQuery, showAlert, showProblem } from './latchkey.js';
import { needsSecondStep, secondStepInPlace } from './mfa.js';

const form = document.getElementById('signin-form');
const alertBox = document.getElementById('form-error');
const secondStep = document.getElementById('second-step');
const target = returnToFromQuery();

// An OpenID Connect login_hint, passed on by /oauth/authorize: only ever a prefilled email field.
const loginHint = new URLSearchParams(location.search).get('login_hint');
if (loginHint && loginHint.length <= 256 && !form.email.value) {
  form.email.value = loginHint;
}

// Carry the return-to over to sign-up as well (already validated, so it cannot leave the origin).
if (target !== '/account') {
  document.getElementById('signup-link').href = `/signup?returnTo=${encodeURIComponent(target)}`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(alertBox, '');
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    showAlert(alertBox, 'Enter your email and your password.');
    (email ? form.password : form.email).focus();
    return;
  }
  try {
    await busy(form, () => api('POST', '/api/session', { email, password }, { redirectOn401: false }));
    location.assign(target);
  } catch (error) {
    // The right password for an account with a second factor (or one that must set one up): the code
    // step, then the same way on as a plain sign-in.
    if (needsSecondStep(error)) {
      document.getElementById('passkey-signin').hidden = true;
      if (await secondStepInPlace(form, secondStep, alertBox, error.problem)) location.assign(target);
      return;
    }
    // One message for an unknown email and a wrong password alike: no account enumeration.
    if (error.status === 401) {
      showAlert(alertBox, 'The email or password is wrong.');
      form.password.value = '';
      form.password.focus();
    } else if (error.problem && error.problem.code === 'email_not_verified') {
      // Only the right password gets here; without the mail, a password reset proves the address too.
      showAlert(alertBox, `${error.message} Open the link we emailed to it, or use “Forgot password?”: a reset also verifies the address.`);
    } else {
      showProblem(form, alertBox, error);
    }
  }
});
