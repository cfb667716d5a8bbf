// The pages that an emailed link opens and that need nothing more than the link: verify-email,
// confirm-email and undo-email-change. Each names its endpoint in data-endpoint and carries its texts.
import { api, linkProblemMessage, showAlert, takeLinkToken } from './latchkey.js';

const main = document.getElementById('link-page');
const alertBox = document.getElementById('form-error');
const token = takeLinkToken();

if (!token) {
  showAlert(alertBox, 'This page needs the link from the email. Open the link from the email again.');
} else {
  try {
    await api('POST', main.dataset.endpoint, { token }, { redirectOn401: false });
    document.getElementById('link-done').hidden = false;
  } catch (error) {
    showAlert(alertBox, linkProblemMessage(error));
  }
}

document.getElementById('link-working').hidden = true;
main.removeAttribute('aria-busy');
