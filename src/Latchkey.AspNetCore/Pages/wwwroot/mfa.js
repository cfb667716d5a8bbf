// Second-factor steps shared by sign-in, sign-up, re-authentication and the security page: the code
// prompt after a password (mfa_required), setting up an authenticator app (QR code, secret, first code)
// and showing recovery codes once. Everything is built with DOM calls (the CSP forbids inline script).
import { api, busy, showAlert } from './latchkey.js';

/** Creates an element with properties and children. */
export function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name.startsWith('aria-') || name.startsWith('data-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children);
  return node;
}

// Messages for the codes a second-factor request can answer. A challenge that no longer works means
// that the sign-in starts over from the password.
const messages = {
  invalid_mfa_code: 'That code is not right, or it was already used. Check it and try again.',
  mfa_challenge_invalid: 'This sign-in has expired or was already used. Start over with your password.',
};

/** A sentence for an error of a second-factor request. */
export function secondFactorMessage(error) {
  const code = error && error.problem && error.problem.code;
  return messages[code] || (error && error.message) || 'Something went wrong.';
}

/** True for an error after which the challenge cannot be used again. */
export function isChallengeGone(error) {
  return Boolean(error && error.problem && error.problem.code === 'mfa_challenge_invalid');
}

/** A labelled one-line input in a `.field`, with an id made from `prefix`. */
function field(prefix, name, labelText, attributes) {
  const input = element('input', { id: `${prefix}-${name}`, name, required: true, ...attributes });
  return element('div', { className: 'field' }, element('label', { htmlFor: input.id, textContent: labelText }), input);
}

const codeAttributes = { inputMode: 'numeric', autocomplete: 'one-time-code', maxLength: 6, spellcheck: false };

/**
 * Submits `form` through `send(values)`: messages of a refused code appear in `alertBox` and the form
 * stays; an expired challenge, or anything `isFatal` accepts, rejects `reject`; success resolves `resolve`.
 */
function submitWith(form, alertBox, send, resolve, reject) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showAlert(alertBox, '');
    try {
      resolve(await busy(form, () => send(form)));
    } catch (error) {
      if (isChallengeGone(error)) {
        reject(error);
        return;
      }
      showAlert(alertBox, secondFactorMessage(error));
      for (const input of form.querySelectorAll('input')) input.value = '';
      [...form.querySelectorAll('input')].find((input) => !input.closest('[hidden]'))?.focus();
    }
  });
}

/**
 * Asks for the second factor of a sign-in that answered `mfa_required` (`problem` carries `challenge` and
 * `methods`) inside `host`: a code form when the account has an authenticator app, a passkey button when it
 * has passkeys. Resolves with the login answer; rejects when the challenge is gone.
 */
export function askSecondFactor(host, problem, prefix = 'mfa') {
  return new Promise((resolve, reject) => {
    const methods = problem.methods || ['totp', 'recovery_code'];
    const codes = methods.includes('totp');
    const alertBox = element('div', { className: 'alert', role: 'alert', hidden: true });
    const actions = element('div', { className: 'actions' });
    const parts = [
      element('h2', { textContent: 'Two-step verification' }),
      element('p', { className: 'hint', textContent: codes
        ? 'Your account has a second factor. Enter a code from your authenticator app.'
        : 'Your account has a second factor. Use your passkey.' }),
      alertBox,
    ];
    let focus = null;
    if (codes) {
      const form = codeForm(prefix, actions, alertBox, problem.challenge, resolve, reject);
      parts.push(form);
      focus = form.code;
    }
    if (methods.includes('passkey')) {
      const passkey = element('button', { type: 'button', className: codes ? '' : 'primary', textContent: 'Use a passkey' });
      passkey.addEventListener('click', async () => {
        showAlert(alertBox, '');
        passkey.disabled = true;
        try {
          resolve(await signInWithPasskey(problem.challenge));
        } catch (error) {
          if (isChallengeGone(error)) reject(error);
          else showAlert(alertBox, secondFactorMessage(error));
        } finally {
          passkey.disabled = false;
        }
      });
      actions.append(passkey);
      focus ??= passkey;
    }
    host.replaceChildren(...parts, actions);
    focus?.focus();
  });
}

/** The code form of the second step (a TOTP code, or a recovery code through the toggle it adds to `actions`). */
function codeForm(prefix, actions, alertBox, challenge, resolve, reject) {
  const codeField = field(prefix, 'code', 'Authenticator code', { ...codeAttributes, 'aria-describedby': `${prefix}-code-hint` });
  codeField.append(element('p', { id: `${prefix}-code-hint`, className: 'hint', textContent: 'The 6-digit code your authenticator app shows now.' }));
  const recoveryField = field(prefix, 'recoveryCode', 'Recovery code', { autocomplete: 'off', spellcheck: false });
  recoveryField.hidden = true;
  recoveryField.querySelector('input').required = false;
  const toggle = element('button', { type: 'button', className: 'link', textContent: 'Use a recovery code instead' });
  const form = element('form', { className: 'mfa-form', noValidate: true },
    codeField, recoveryField, element('button', { type: 'submit', className: 'primary', textContent: 'Verify' }));
  const useRecovery = () => !recoveryField.hidden;
  toggle.addEventListener('click', () => {
    const recovery = !useRecovery();
    recoveryField.hidden = !recovery;
    codeField.hidden = recovery;
    toggle.textContent = recovery ? 'Use an authenticator code instead' : 'Use a recovery code instead';
    showAlert(alertBox, '');
    (recovery ? recoveryField : codeField).querySelector('input').focus();
  });
  actions.append(toggle);

  submitWith(form, alertBox, () => {
    const body = useRecovery()
      ? { challenge, recoveryCode: form.recoveryCode.value.trim() }
      : { challenge, code: form.code.value.replace(/\s/g, '') };
    return api('POST', '/api/session/mfa', body, { redirectOn401: false });
  }, resolve, reject);
  return form;
}

/** The passkey second step: request options for the challenge, ask the browser, send the assertion. */
async function signInWithPasskey(challenge) {
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseRequestOptionsFromJSON) {
    throw new Error('This browser cannot use passkeys here. Use a code instead.');
  }
  const { ceremony, options } = await api('POST', '/api/session/mfa/passkey/options', { challenge }, { redirectOn401: false });
  let credential;
  try {
    credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
  } catch {
    throw new Error('No passkey was used. Try again, or use a code instead.');
  }
  return api('POST', '/api/session/mfa/passkey', { challenge, ceremony, credential: credential.toJSON() }, { redirectOn401: false });
}

/**
 * Shows a new authenticator (`enrollment`: `qrCode`, `secret`) in `host` with a field for its first code,
 * sent through `confirm(code)`. Resolves with what `confirm` answers; rejects when the challenge is gone.
 */
export function showEnrollment(host, enrollment, confirm, prefix = 'totp') {
  return new Promise((resolve, reject) => {
    const alertBox = element('div', { className: 'alert', role: 'alert', hidden: true });
    const form = element('form', { className: 'mfa-form', noValidate: true },
      field(prefix, 'code', 'Code from the app', codeAttributes),
      element('button', { type: 'submit', className: 'primary', textContent: 'Turn on' }));
    host.replaceChildren(
      element('h2', { textContent: 'Set up an authenticator app' }),
      element('p', { textContent: 'Scan this QR code with your authenticator app (for example Aegis, Google Authenticator or 1Password).' }),
      element('img', { className: 'qr', src: enrollment.qrCode, alt: 'QR code of the authenticator secret', width: 200, height: 200 }),
      element('p', { textContent: 'Cannot scan it? Enter this key in the app instead:' }),
      element('p', { id: `${prefix}-secret`, className: 'mono secret', textContent: enrollment.secret }),
      element('p', { className: 'hint', textContent: 'Then type the 6-digit code the app shows, to check that it works.' }),
      alertBox, form);
    submitWith(form, alertBox, () => confirm(form.code.value.replace(/\s/g, '')), resolve, reject);
    form.code.focus();
  });
}

/** Shows recovery codes once in `host`; resolves when the user says they saved them. */
export function showRecoveryCodes(host, codes, doneLabel = 'I have saved these codes') {
  return new Promise((resolve) => {
    const done = element('button', { type: 'button', className: 'primary', textContent: doneLabel });
    done.addEventListener('click', () => resolve(), { once: true });
    const list = element('ol', { id: 'recovery-codes', className: 'recovery-codes mono' }, ...codes.map((code) => element('li', { textContent: code })));
    host.replaceChildren(
      element('h2', { textContent: 'Save your recovery codes' }),
      element('p', { className: 'success', role: 'status', textContent: 'Your authenticator app is on.' }),
      element('p', { className: 'warning', textContent: 'Save these codes somewhere safe now: they are shown only this once. Each one signs you in once if you lose your authenticator app.' }),
      list,
      element('div', { className: 'actions' }, done));
    done.focus();
  });
}

/**
 * Finishes a password sign-in that answered `mfa_required` or `mfa_enrollment_required` inside `host`:
 * the code step, or setting up an authenticator app (when the policy requires one) and showing its
 * recovery codes. Resolves with the login answer; rejects with the error when the sign-in must start over.
 */
export async function finishSignIn(host, problem, prefix = 'mfa') {
  if (problem.code === 'mfa_required') return askSecondFactor(host, problem, prefix);
  host.replaceChildren(element('p', { className: 'status', role: 'status', textContent: 'Your account needs a second factor before you can sign in. Setting it up…' }));
  const enrollment = await api('POST', '/api/session/mfa/totp', { challenge: problem.challenge }, { redirectOn401: false });
  const answer = await showEnrollment(host, enrollment,
    (code) => api('POST', '/api/session/mfa/totp/confirm', { challenge: problem.challenge, code }, { redirectOn401: false }), prefix);
  await showRecoveryCodes(host, answer.recoveryCodes, 'I have saved these codes, continue');
  return answer;
}

/** True for a sign-in answer that asks for a second step (and carries a challenge). */
export function needsSecondStep(error) {
  const code = error && error.problem && error.problem.code;
  return (code === 'mfa_required' || code === 'mfa_enrollment_required') && Boolean(error.problem.challenge);
}

/**
 * Runs the second step of a sign-in in `host`, in place of the password `form`. Answers the login answer,
 * or null after putting the form back with the reason (the sign-in then starts over from the password).
 */
export async function secondStepInPlace(form, host, alertBox, problem) {
  form.hidden = true;
  host.hidden = false;
  showAlert(alertBox, '');
  try {
    return await finishSignIn(host, problem);
  } catch (error) {
    host.replaceChildren();
    host.hidden = true;
    form.hidden = false;
    form.password.value = '';
    showAlert(alertBox, secondFactorMessage(error));
    form.password.focus();
    return null;
  }
}
