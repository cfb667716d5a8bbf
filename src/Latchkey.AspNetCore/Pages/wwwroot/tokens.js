import { api, formatDate, requireSession, showAlert } from './latchkey.js';

const pageError = document.getElementById('page-error');
const panel = document.getElementById('token-panel');
const tokenField = document.getElementById('token');
const checkResult = document.getElementById('check-result');
const copyStatus = document.getElementById('copy-status');
let token = null;
let expiresAt = null;
let timer = null;

/** The payload of a JWT, decoded for display only (the server is the one that validates it). */
function decodeClaims(jwt) {
  const part = jwt.split('.')[1] || '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function renderClaims(claims) {
  const rows = Object.entries(claims).map(([name, value]) => {
    const row = document.createElement('tr');
    const key = document.createElement('th');
    key.scope = 'row';
    key.textContent = name;
    const cell = document.createElement('td');
    cell.className = 'mono';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    cell.textContent = ['exp', 'iat', 'nbf', 'auth_time'].includes(name) && typeof value === 'number'
      ? `${text} (${formatDate(new Date(value * 1000).toISOString())})`
      : text;
    row.append(key, cell);
    return row;
  });
  document.getElementById('claims').replaceChildren(...rows);
}

// amr (RFC 8176), acr and auth_time: how the user signed in, from the session or the token's claims.
const methodNames = { pwd: 'password', otp: 'one-time code', mfa: 'multi-factor', hwk: 'hardware key', user: 'user presence' };

function showSignIn(prefix, { amr, acr, authTime }) {
  const methods = Array.isArray(amr) ? amr : [];
  document.getElementById(`${prefix}-amr`).textContent = methods.length
    ? `${methods.join(', ')} (${methods.map((m) => methodNames[m] || m).join(', ')})`
    : '—';
  document.getElementById(`${prefix}-acr`).textContent = acr === undefined || acr === null ? '—' : String(acr);
  document.getElementById(`${prefix}-auth-time`).textContent = authTime ? formatDate(authTime) : '—';
}

function tick() {
  const remaining = document.getElementById('token-remaining');
  const seconds = Math.round((expiresAt - Date.now()) / 1000);
  if (seconds <= 0) {
    remaining.textContent = 'expired';
    clearInterval(timer);
    return;
  }
  const minutes = Math.floor(seconds / 60);
  remaining.textContent = `in ${minutes} min ${seconds % 60} s`;
}

document.getElementById('mint').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  showAlert(pageError, '');
  try {
    const answer = await api('POST', '/api/session/token');
    token = answer.access_token;
    const claims = decodeClaims(token);
    expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + answer.expires_in * 1000;
    tokenField.value = token;
    document.getElementById('token-expiry').textContent = formatDate(new Date(expiresAt).toISOString());
    renderClaims(claims);
    showSignIn('token', {
      amr: claims.amr,
      acr: claims.acr,
      authTime: typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000).toISOString() : null,
    });
    checkResult.textContent = '';
    checkResult.className = 'status';
    copyStatus.textContent = '';
    panel.hidden = false;
    clearInterval(timer);
    tick();
    timer = setInterval(tick, 1000);
    tokenField.focus();
  } catch (error) {
    showAlert(pageError, error.message);
  } finally {
    button.disabled = false;
  }
});

document.getElementById('copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(token);
    copyStatus.textContent = 'Copied to the clipboard.';
  } catch {
    tokenField.select();
    copyStatus.textContent = 'Select the token and copy it with Ctrl+C (⌘C).';
  }
});

document.getElementById('check').addEventListener('click', async () => {
  checkResult.textContent = 'Checking…';
  checkResult.className = 'status';
  try {
    // Bearer only: credentials are omitted so that the session cookie cannot make the call pass.
    const response = await fetch('/api/me', {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      credentials: 'omit',
      cache: 'no-store',
    });
    if (response.ok) {
      const me = await response.json();
      checkResult.textContent = `Accepted: GET /api/me answered 200 for ${me.email ?? me.id} (${me.authMethod}).`;
      checkResult.className = 'status success';
      checkResult.dataset.result = 'accepted';
    } else {
      const reason = response.headers.get('WWW-Authenticate') || '';
      checkResult.textContent = `Refused: GET /api/me answered ${response.status}${reason ? ` (${reason})` : ''}.`;
      checkResult.className = 'status failure';
      checkResult.dataset.result = 'refused';
    }
  } catch {
    checkResult.textContent = 'The server cannot be reached.';
    checkResult.className = 'status failure';
    checkResult.dataset.result = 'error';
  }
});

try {
  const current = await requireSession();
  document.getElementById('user-email').textContent = current.user.email;
  showSignIn('session', { ...current.session, authTime: current.session.createdAt });
} catch (error) {
  showAlert(pageError, error.message);
} finally {
  document.getElementById('main').removeAttribute('aria-busy');
}
