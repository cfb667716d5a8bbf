import { api, busy, clearFieldErrors, linkProblemMessage, showAlert, showProblem, takeLinkToken } from './latchkey.js';

const form = document.getElementById('reset-form');
const alertBox = document.getElementById('form-error');
const token = takeLinkToken();

// A link that cannot work any more: say why, offer a new one, and leave nothing to fill in.
function linkFailed(message) {
  form.hidden = true;
  showAlert(alertBox, message);
  document.getElementById('new-link').hidden = false;
}

if (!token) {
  linkFailed('This page needs the link from the password-reset email. Open the link from the email again, or ask for a new one.');
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(alertBox, '');
  clearFieldErrors(form);
  const newPassword = form.newPassword.value;
  if (newPassword !== form.confirmPassword.value) {
    showProblem(form, alertBox, { problem: { title: 'The passwords differ.', errors: { confirmPassword: ['Type the same password twice.'] } } });
    return;
  }
  try {
    await busy(form, () => api('POST', '/api/password-reset/complete', { token, newPassword }, { redirectOn401: false }));
    form.hidden = true;
    document.getElementById('reset-done').hidden = false;
    document.getElementById('signin-link').focus();
  } catch (error) {
    if (error.problem && String(error.problem.code).startsWith('account_token_')) {
      linkFailed(linkProblemMessage(error));
    } else {
      showProblem(form, alertBox, error);
    }
  }
});
