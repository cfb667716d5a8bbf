// The pages that an emailed link opens and that need nothing more than the link: verify-email,
// confirm-email and undo-email-change. Each names its endpoint in data-endpoint and carries its texts.
// A page with a #link-go button redeems the link only when it is pressed, so that merely loading it (a
// mail scanner that runs scripts, a preview) cannot set off a step as heavy as undoing an email change.
import { api, linkProblemMessage, showAlert, takeLinkToken } from './latchkey.js';

const main = document.getElementById('link-page');
const working = document.getElementById('link-working');
const alertBox = document.getElementById('form-error');
const go = document.getElementById('link-go');
const token = takeLinkToken();

async function redeem() {
  working.hidden = false;
  try {
    await api('POST', main.dataset.endpoint, { token }, { redirectOn401: false });
    document.getElementById('link-done').hidden = false;
  } catch (error) {
    showAlert(alertBox, linkProblemMessage(error));
  }
  working.hidden = true;
}

if (!token) {
  showAlert(alertBox, 'This page needs the link from the email. Open the link from the email again.');
} else if (go) {
  go.hidden = false;
  go.addEventListener('click', async () => {
    go.disabled = true;
    await redeem();
    go.hidden = true;
  }, { once: true });
} else {
  await redeem();
}

main.removeAttribute('aria-busy');
