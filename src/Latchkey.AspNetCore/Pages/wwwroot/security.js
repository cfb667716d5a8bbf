import { api, requireSession, showAlert } from './latchkey.js';
import { element, showEnrollment, showRecoveryCodes } from './mfa.js';
import { withReauth } from './reauth.js';

const pageError = document.getElementById('page-error');
const work = document.getElementById('mfa-work');
const status = document.getElementById('mfa-status');
const enable = document.getElementById('totp-enable');
const regenerate = document.getElementById('recovery-regenerate');
const disable = document.getElementById('totp-disable');

const policyNotes = {
  off: 'Two-step verification is turned off on this server.',
  required: 'This server requires two-step verification: without an authenticator app, the next sign-in sets one up.',
};

async function loadStatus() {
  const mfa = await api('GET', '/api/account/mfa');
  document.getElementById('totp-status').textContent = mfa.totpEnabled ? 'On' : 'Off';
  document.getElementById('recovery-left').textContent = mfa.totpEnabled ? String(mfa.recoveryCodesLeft) : '—';
  const note = document.getElementById('policy-note');
  showAlert(note, policyNotes[mfa.policy] || '');
  const usable = mfa.policy !== 'off';
  enable.hidden = !usable || mfa.totpEnabled;
  regenerate.hidden = !usable || !mfa.totpEnabled;
  disable.hidden = !usable || !mfa.totpEnabled;
}

function showStatus(message) {
  showAlert(status, message);
}

function closeWork() {
  work.replaceChildren();
  work.hidden = true;
}

// Runs one change of the second factor with the buttons disabled; errors land in the page alert.
async function change(task) {
  showAlert(pageError, '');
  showStatus('');
  for (const button of [enable, regenerate, disable]) button.disabled = true;
  try {
    await task();
  } catch (error) {
    closeWork();
    showAlert(pageError, error.message);
  } finally {
    for (const button of [enable, regenerate, disable]) button.disabled = false;
    await loadStatus().catch((error) => showAlert(pageError, error.message));
  }
}

enable.addEventListener('click', () => change(async () => {
  const enrollment = await withReauth(() => api('POST', '/api/account/mfa/totp'));
  work.hidden = false;
  const answer = await showEnrollment(work, enrollment, (code) => withReauth(() => api('POST', '/api/account/mfa/totp/confirm', { code })));
  await showRecoveryCodes(work, answer.recoveryCodes);
  closeWork();
  showStatus('Two-step verification is on. Your next sign-in asks for a code from the app.');
}));

regenerate.addEventListener('click', () => change(async () => {
  const answer = await withReauth(() => api('POST', '/api/account/mfa/recovery-codes'));
  work.hidden = false;
  await showRecoveryCodes(work, answer.recoveryCodes);
  closeWork();
  showStatus('You have ten new recovery codes; the old ones no longer work.');
}));

disable.addEventListener('click', () => change(async () => {
  work.hidden = false;
  const confirmed = await new Promise((resolve) => {
    const yes = element('button', { type: 'button', className: 'danger', textContent: 'Yes, turn it off' });
    const no = element('button', { type: 'button', textContent: 'Keep it on' });
    yes.addEventListener('click', () => resolve(true), { once: true });
    no.addEventListener('click', () => resolve(false), { once: true });
    work.replaceChildren(
      element('h2', { textContent: 'Turn off two-step verification?' }),
      element('p', { textContent: 'Your password alone will sign you in again, and your recovery codes stop working.' }),
      element('div', { className: 'actions' }, yes, no));
    no.focus();
  });
  if (confirmed) await withReauth(() => api('DELETE', '/api/account/mfa/totp'));
  closeWork();
  if (confirmed) showStatus('Two-step verification is off.');
}));

try {
  const current = await requireSession();
  document.getElementById('user-email').textContent = current.user.email;
  await loadStatus();
} catch (error) {
  showAlert(pageError, error.message);
} finally {
  document.getElementById('main').removeAttribute('aria-busy');
}
