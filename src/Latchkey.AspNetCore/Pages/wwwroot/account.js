import { api, busy, clearFieldErrors, formatDate, mapProblemToFields, requireSession, setSigningOut, showAlert, showProblem } from './latchkey.js';
import { withReauth } from './reauth.js';
import { describeUserAgent, isMobile } from './useragent.js';

const pageError = document.getElementById('page-error');
const list = document.getElementById('sessions');
const listStatus = document.getElementById('sessions-status');

async function loadSessions() {
  const sessions = await api('GET', '/api/sessions');
  sessions.sort((a, b) => (b.current - a.current) || String(b.lastSeenAt).localeCompare(String(a.lastSeenAt)));
  list.replaceChildren(...sessions.map(renderSession));
  listStatus.textContent = sessions.length === 1 ? '1 active session.' : `${sessions.length} active sessions.`;
}

function renderSession(session) {
  const item = document.createElement('li');
  item.className = 'session';
  item.dataset.sessionId = session.id;
  if (session.current) item.classList.add('current');

  const title = document.createElement('p');
  title.className = 'session-title';
  const icon = document.createElement('span');
  icon.className = isMobile(session.userAgent) ? 'device-icon phone' : 'device-icon computer';
  icon.setAttribute('aria-hidden', 'true');
  const name = document.createElement('span');
  name.className = 'device';
  name.textContent = describeUserAgent(session.userAgent);
  name.title = session.userAgent || '';
  title.append(icon, name);
  if (session.current) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = 'This device';
    title.append(badge);
  }

  const facts = document.createElement('dl');
  facts.className = 'session-facts';
  for (const [label, value] of [['IP', session.ip || 'unknown'], ['Signed in', formatDate(session.createdAt)], ['Last seen', formatDate(session.lastSeenAt)]]) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    const pair = document.createElement('div');
    pair.append(dt, dd);
    facts.append(pair);
  }

  const revoke = document.createElement('button');
  revoke.type = 'button';
  revoke.className = 'revoke';
  revoke.textContent = session.current ? 'Sign out' : 'Revoke';
  revoke.setAttribute('aria-label', session.current
    ? 'Sign out this device'
    : `Revoke session of ${describeUserAgent(session.userAgent)}, last seen ${formatDate(session.lastSeenAt)}`);
  revoke.addEventListener('click', () => revokeSession(session, revoke));

  item.append(title, facts, revoke);
  return item;
}

async function revokeSession(session, button) {
  button.disabled = true;
  showAlert(pageError, '');
  if (session.current) setSigningOut(true);
  try {
    await withReauth(() => api('DELETE', `/api/sessions/${encodeURIComponent(session.id)}`));
    if (session.current) {
      location.assign('/signin');
      return;
    }
    await loadSessions();
    listStatus.textContent = `Session revoked. ${listStatus.textContent}`;
  } catch (error) {
    setSigningOut(false);
    button.disabled = false;
    showAlert(pageError, error.message);
  }
}

const appList = document.getElementById('apps');
const appStatus = document.getElementById('apps-status');

async function loadApps() {
  const apps = await api('GET', '/api/apps');
  appList.replaceChildren(...apps.map(renderApp));
  appStatus.textContent = apps.length === 0 ? 'No applications.' : apps.length === 1 ? '1 application.' : `${apps.length} applications.`;
}

function renderApp(app) {
  const item = document.createElement('li');
  item.className = 'session';
  item.dataset.clientId = app.clientId;
  const title = document.createElement('p');
  title.className = 'session-title';
  const name = document.createElement('span');
  name.className = 'device mono';
  name.textContent = app.clientId;
  title.append(name);
  const facts = document.createElement('dl');
  facts.className = 'session-facts';
  for (const [label, value] of [['Access', app.scope], ['Since', formatDate(app.grantedAt)]]) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    const pair = document.createElement('div');
    pair.append(dt, dd);
    facts.append(pair);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'revoke';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove the access of ${app.clientId}`);
  remove.addEventListener('click', async () => {
    remove.disabled = true;
    showAlert(pageError, '');
    try {
      await api('DELETE', `/api/apps/${encodeURIComponent(app.clientId)}`);
      await loadApps();
      appStatus.textContent = `Access removed. ${appStatus.textContent}`;
    } catch (error) {
      remove.disabled = false;
      showAlert(pageError, error.message);
    }
  });
  item.append(title, facts, remove);
  return item;
}

document.getElementById('signout-everywhere').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  setSigningOut(true);
  try {
    await withReauth(() => api('DELETE', '/api/sessions'));
    location.assign('/signin');
  } catch (error) {
    setSigningOut(false);
    button.disabled = false;
    showAlert(pageError, error.message);
  }
});

const wrongPassword = 'The current password is wrong.';
const passwordForm = document.getElementById('password-form');
const passwordError = document.getElementById('password-form-error');
const passwordStatus = document.getElementById('password-status');
passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(passwordError, '');
  passwordStatus.hidden = true;
  clearFieldErrors(passwordForm);
  const body = { currentPassword: passwordForm.currentPassword.value, newPassword: passwordForm.newPassword.value };
  try {
    await busy(passwordForm, () => withReauth(() => api('POST', '/api/account/password', body)));
    passwordForm.reset();
    passwordStatus.textContent = 'Your password was changed. Every other session was signed out.';
    passwordStatus.hidden = false;
    await loadSessions();
  } catch (error) {
    showProblem(passwordForm, passwordError, mapProblemToFields(error, { codes: { invalid_current_password: ['currentPassword', wrongPassword] } }));
  }
});

// Nothing changes until the link sent to the new address is opened (confirm-email), so the page keeps
// showing the current address.
const emailForm = document.getElementById('email-form');
const emailError = document.getElementById('email-form-error');
const emailStatus = document.getElementById('email-status');
emailForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(emailError, '');
  showAlert(emailStatus, '');
  clearFieldErrors(emailForm);
  const newEmail = emailForm.newEmail.value.trim();
  try {
    await busy(emailForm, () => withReauth(() => api('POST', '/api/account/email', { newEmail, currentPassword: emailForm.emailPassword.value })));
    emailForm.reset();
    showAlert(emailStatus, `We sent a link to ${newEmail}. Open it to switch your account to that address.`);
  } catch (error) {
    const codes = {
      invalid_current_password: ['emailPassword', wrongPassword],
      email_taken: ['newEmail', 'Another account uses this address.'],
    };
    showProblem(emailForm, emailError, mapProblemToFields(error, { codes, fields: { currentPassword: 'emailPassword' } }));
  }
});

const resend = document.getElementById('resend-verification');
const verifyStatus = document.getElementById('verify-status');
resend.addEventListener('click', async () => {
  resend.disabled = true;
  verifyStatus.className = 'status';
  try {
    await api('POST', '/api/account/verification');
    verifyStatus.textContent = `We sent a new verification link to ${document.getElementById('user-email').textContent}.`;
    verifyStatus.classList.add('success');
  } catch (error) {
    verifyStatus.textContent = error.message;
    verifyStatus.classList.add('failure');
  } finally {
    resend.disabled = false;
  }
});

function showUser(user) {
  document.getElementById('user-email').textContent = user.email;
  document.getElementById('user-id').textContent = user.id;
  document.getElementById('email-unverified').hidden = user.emailVerified;
  document.getElementById('verify-panel').hidden = user.emailVerified;
}

// Re-authentication and an explicit confirmation; on success the session is gone, so land on sign-in.
const deleteForm = document.getElementById('delete-form');
const deleteError = document.getElementById('delete-form-error');
deleteForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  showAlert(deleteError, '');
  clearFieldErrors(deleteForm);
  if (!deleteForm.deleteConfirm.checked) {
    showProblem(deleteForm, deleteError, { problem: { title: 'Confirm the deletion.', errors: { deleteConfirm: ['Tick the box to confirm.'] } } });
    return;
  }
  try {
    await busy(deleteForm, () => withReauth(() => api('DELETE', '/api/account', { currentPassword: deleteForm.deletePassword.value }, { redirectOn401: false })));
    location.assign('/signin');
  } catch (error) {
    const codes = {
      invalid_current_password: ['deletePassword', wrongPassword],
      validation_failed: ['deletePassword', 'Enter your current password.'],
    };
    showProblem(deleteForm, deleteError, mapProblemToFields(error, { codes }));
  }
});

try {
  const current = await requireSession();
  showUser(current.user);
  document.getElementById('session-expires').textContent = formatDate(current.session.absoluteExpiresAt);
  await loadSessions();
  await loadApps();
} catch (error) {
  showAlert(pageError, error.message);
} finally {
  document.getElementById('main').removeAttribute('aria-busy');
}
