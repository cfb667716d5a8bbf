import { api, formatDate, requireSession, showAlert } from './latchkey.js';

const pageError = document.getElementById('page-error');
const list = document.getElementById('passkey-list');
const status = document.getElementById('status');

/** Tells the user what went wrong; a stale sign-in asks them to sign in again. */
function report(error) {
  if (error && error.problem && error.problem.code === 'reauthentication_required') {
    showAlert(pageError, 'For your security, sign in again (within the last few minutes) to change your passkeys, then retry.');
  } else if (error && error.name === 'NotAllowedError') {
    showAlert(pageError, 'The passkey request was cancelled or timed out.');
  } else {
    showAlert(pageError, (error && error.message) || 'Something went wrong.');
  }
}

function item(passkey) {
  const li = document.createElement('li');
  li.dataset.id = passkey.id;
  const name = document.createElement('strong');
  name.className = 'passkey-name';
  name.textContent = passkey.name;
  const details = document.createElement('span');
  details.className = 'hint';
  details.textContent = ` added ${formatDate(passkey.createdAt)}` +
    (passkey.lastUsedAt ? `, last used ${formatDate(passkey.lastUsedAt)}` : ', never used') +
    (passkey.backedUp ? ', synced' : '');
  const rename = document.createElement('button');
  rename.type = 'button';
  rename.textContent = 'Rename';
  rename.addEventListener('click', async () => {
    const value = prompt('New name for this passkey', passkey.name);
    if (!value) return;
    try {
      await api('PATCH', `/api/passkeys/${encodeURIComponent(passkey.id)}`, { name: value });
      await load();
    } catch (error) {
      report(error);
    }
  });
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'danger';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', `Remove passkey ${passkey.name}`);
  remove.addEventListener('click', async () => {
    if (!confirm(`Remove the passkey "${passkey.name}"?`)) return;
    try {
      await api('DELETE', `/api/passkeys/${encodeURIComponent(passkey.id)}`);
      status.textContent = `Removed "${passkey.name}".`;
      await load();
    } catch (error) {
      report(error);
    }
  });
  li.append(name, details, ' ', rename, ' ', remove);
  return li;
}

async function load() {
  const passkeys = await api('GET', '/api/passkeys');
  list.replaceChildren(...passkeys.map(item));
  document.getElementById('empty').hidden = passkeys.length > 0;
}

document.getElementById('add-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  pageError.hidden = true;
  const name = document.getElementById('passkey-name').value.trim();
  if (!name) {
    showAlert(pageError, 'Give the passkey a name.');
    return;
  }
  try {
    const { ceremony, options } = await api('POST', '/api/passkeys/options', {});
    const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    await api('POST', '/api/passkeys', { ceremony, name, credential: credential.toJSON() });
    document.getElementById('passkey-name').value = '';
    status.textContent = `Added "${name}".`;
    await load();
  } catch (error) {
    report(error);
  }
});

(async () => {
  try {
    await requireSession();
    await load();
  } catch (error) {
    report(error);
  } finally {
    document.getElementById('main').setAttribute('aria-busy', 'false');
  }
})();
