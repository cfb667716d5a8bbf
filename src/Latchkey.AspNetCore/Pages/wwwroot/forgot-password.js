import { api, busy, clearFieldErrors, showAlert, showProblem } from './latchkey.js';

const form = document.getElementById('forgot-form');
const alertBox = document.getElementById('form-error');
const status = document.getElementById('reset-status');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(alertBox, '');
  showAlert(status, '');
  clearFieldErrors(form);
  const email = form.email.value.trim();
  if (!email) {
    showProblem(form, alertBox, { problem: { title: 'Enter your email.', errors: { email: ['Enter the email address of your account.'] } } });
    return;
  }
  try {
    await busy(form, () => api('POST', '/api/password-reset', { email }, { redirectOn401: false }));
    // The server answers alike whether or not the address has an account, and so does this page.
    showAlert(status, `If an account exists for ${email}, we sent it a link to reset the password. Check your inbox (and spam folder).`);
  } catch (error) {
    showProblem(form, alertBox, error);
  }
});
