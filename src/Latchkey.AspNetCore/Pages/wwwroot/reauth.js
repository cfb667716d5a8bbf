// Step-up: sensitive actions answer 403 reauthentication_required when the sign-in is older than the
// server's re-authentication window. withReauth asks for the password again in a dialog (and the second
// factor when the account has one), signs in anew (POST /api/session replaces this browser's session),
// keeps the new CSRF token, and runs the action once more.
import { api, busy, setCsrfToken, showAlert } from './latchkey.js';
import { element, needsSecondStep, secondStepInPlace } from './mfa.js';

/** True for the answer of a sensitive action whose sign-in is too old. */
export function isReauthRequired(error) {
  return Boolean(error && error.status === 403 && error.problem && error.problem.code === 'reauthentication_required');
}

/**
 * Runs `action`; when it answers reauthentication_required, asks the user to confirm it is them and runs it
 * once more. A cancelled confirmation throws the original error, so callers show it as they show others.
 */
export async function withReauth(action) {
  try {
    return await action();
  } catch (error) {
    if (!isReauthRequired(error)) throw error;
    if (!(await reauthenticate())) throw error;
    return action();
  }
}

/** Shows the confirmation dialog; answers true once a new sign-in is in place, false when cancelled. */
async function reauthenticate() {
  const current = await api('GET', '/api/session');
  const email = current.user.email;
  return new Promise((resolve) => {
    const alertBox = element('div', { className: 'alert', role: 'alert', hidden: true });
    const password = element('input', { id: 'reauth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const form = element('form', { id: 'reauth-form', noValidate: true },
      element('input', { type: 'email', name: 'email', autocomplete: 'username', value: email, hidden: true, readOnly: true }),
      element('div', { className: 'field' }, element('label', { htmlFor: password.id, textContent: 'Password' }), password),
      element('button', { type: 'submit', className: 'primary', textContent: 'Confirm' }));
    const secondStep = element('div', { hidden: true });
    const cancel = element('button', { type: 'button', textContent: 'Cancel' });
    const dialog = element('dialog', { className: 'reauth', 'aria-labelledby': 'reauth-heading' },
      element('h2', { id: 'reauth-heading', textContent: 'Confirm it is you' }),
      element('p', { className: 'hint', textContent: `This change needs a recent sign-in. Enter the password of ${email} to continue.` }),
      alertBox, form, secondStep, element('div', { className: 'actions' }, cancel));

    const finish = (result) => {
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    cancel.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showAlert(alertBox, '');
      try {
        const answer = await busy(form, () => api('POST', '/api/session', { email, password: password.value }, { redirectOn401: false }));
        setCsrfToken(answer.csrfToken);
        finish(true);
      } catch (error) {
        if (!needsSecondStep(error)) {
          showAlert(alertBox, error.status === 401 ? 'The password is wrong.' : error.message);
          password.value = '';
          password.focus();
          return;
        }
        const answer = await secondStepInPlace(form, secondStep, alertBox, error.problem);
        if (answer) {
          setCsrfToken(answer.csrfToken);
          finish(true);
        }
      }
    });

    document.body.append(dialog);
    dialog.showModal();
    password.focus();
  });
}
