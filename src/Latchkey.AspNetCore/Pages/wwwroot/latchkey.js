// Shared page code: API calls with the CSRF token, problem-details errors, return-to, sign-out.
// The CSRF token lives in this module's memory only (never localStorage or a readable cookie): each
// page gets it again from the login answer or from GET /api/session.

let csrfToken = null;

/** Remembers the CSRF token for the unsafe requests of this page. */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** An API error carrying the problem details (`title`, `errors`, `code`) the server answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.title) || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }
}

/**
 * Calls the API with the session cookie. Unsafe methods carry X-CSRF-Token. Answers the parsed JSON
 * body (or null), throws ApiError otherwise. A 401 on a signed-in page sends the user to sign-in.
 */
export async function api(method, path, body, { redirectOn401 = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { title: 'The server cannot be reached. Check your connection and try again.' });
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (response.ok) return json;
  if (response.status === 401 && redirectOn401) {
    goToSignIn();
    // The navigation is under way; keep callers from showing a flash of error.
    return new Promise(() => {});
  }
  const error = new ApiError(response.status, json);
  const retryAfter = response.headers.get('Retry-After');
  if (response.status === 429 && retryAfter) {
    error.message = `${error.message} Try again in ${retryAfter} seconds.`;
  }
  throw error;
}

// Set once the page navigates away on purpose (signing out): a request that fails with 401 meanwhile
// must not send the visitor to sign-in with a returnTo that would bring them back here.
let leaving = false;

/**
 * Marks that this page is ending its own session (true) or gave up doing so (false), so that other
 * requests failing with 401 meanwhile do not redirect.
 */
export function setSigningOut(value) {
  leaving = value;
}

/** Sends the user to sign-in, to come back to this page afterwards. */
export function goToSignIn() {
  if (leaving) return;
  const here = location.pathname + location.search;
  location.assign(`/signin?returnTo=${encodeURIComponent(here)}`);
}

/**
 * Where to go after sign-in: `returnTo` only when it is a path on this origin (one leading `/`, not
 * `//` or `/\`, no scheme, no control characters), else `/account`. Never an open redirect.
 */
export function safeReturnTo(value) {
  const fallback = '/account';
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return fallback;
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return fallback;
  // Control characters and whitespace are stripped or folded by URL parsers: refuse them outright.
  if (/[\u0000-\u001f\u007f\s\\]/.test(value)) return fallback;
  let url;
  try {
    url = new URL(value, location.origin);
  } catch {
    return fallback;
  }
  if (url.origin !== location.origin) return fallback;
  if (url.pathname === '/signin' || url.pathname === '/signup') return fallback;
  return url.pathname + url.search + url.hash;
}

/** The validated return-to of the current URL. */
export function returnToFromQuery() {
  return safeReturnTo(new URLSearchParams(location.search).get('returnTo'));
}

/** Shows a message in an alert box (or hides it when message is empty). */
export function showAlert(element, message) {
  element.textContent = message || '';
  element.hidden = !message;
}

/**
 * Shows an error: the problem's title in the form alert, and each `errors` entry next to its field
 * (an element with id `${field}-error`, linked from the input with aria-describedby).
 */
export function showProblem(form, alertElement, error) {
  clearFieldErrors(form);
  const problem = (error && error.problem) || {};
  const fieldErrors = problem.errors || {};
  let firstInvalid = null;
  for (const [field, messages] of Object.entries(fieldErrors)) {
    const holder = form && form.querySelector(`#${CSS.escape(field)}-error`);
    const input = form && form.querySelector(`[name="${CSS.escape(field)}"]`);
    const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
    if (holder) {
      holder.textContent = text;
      holder.hidden = false;
    }
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      firstInvalid = firstInvalid || input;
    }
  }
  const summary = Object.keys(fieldErrors).length > 0 && problem.title
    ? `${problem.title} Check the highlighted fields.`
    : (error && error.message) || 'Something went wrong.';
  showAlert(alertElement, summary);
  (firstInvalid || alertElement).focus?.();
}

/**
 * Moves a problem's messages onto a form's own inputs before showProblem: a known `code` becomes one
 * message on one input (`codes`: code -> [input name, message]); otherwise each `errors` entry is renamed
 * (`fields`: API field -> input name), for forms whose input names differ from the API's fields.
 */
export function mapProblemToFields(error, { codes = {}, fields = {} } = {}) {
  const problem = error && error.problem;
  if (!problem) return error;
  const known = codes[problem.code];
  if (known) {
    problem.errors = { [known[0]]: [known[1]] };
  } else if (problem.errors) {
    problem.errors = Object.fromEntries(Object.entries(problem.errors).map(([field, messages]) => [fields[field] || field, messages]));
  }
  return error;
}

/** Clears field errors set by showProblem. */
export function clearFieldErrors(form) {
  if (!form) return;
  for (const holder of form.querySelectorAll('.field-error')) {
    holder.textContent = '';
    holder.hidden = true;
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** Disables a form's controls while a request is in flight. */
export async function busy(form, work) {
  const controls = form.querySelectorAll('button, input, textarea');
  for (const c of controls) c.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    for (const c of controls) c.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

/**
 * Loads the current session for a signed-in page (sending the visitor to sign-in without one), keeps
 * its CSRF token, and wires the Sign out button.
 */
export async function requireSession() {
  const current = await api('GET', '/api/session');
  setCsrfToken(current.csrfToken);
  const signOut = document.getElementById('signout');
  if (signOut) {
    signOut.addEventListener('click', async () => {
      signOut.disabled = true;
      leaving = true;
      try {
        await api('DELETE', '/api/session', undefined, { redirectOn401: false });
      } catch {
        // Already signed out or the session was revoked: either way, go to sign-in.
      }
      location.assign('/signin');
    });
  }
  return current;
}

/** Formats an ISO date for people, in their locale. */
export function formatDate(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/**
 * Takes the token of an emailed link (`#token=…`) and at once removes it from the address bar, so that
 * it stays out of history, bookmarks and shared screens. The fragment never reaches the server's logs or
 * a Referer. Answers null when the link has no token.
 */
export function takeLinkToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  return token || null;
}

// What a visitor can do about an emailed link that cannot be used.
const linkAdvice = {
  account_token_invalid: 'Copy the whole link from the email, or ask for a new one.',
  account_token_expired: 'Links work for a limited time: ask for a new one.',
  account_token_used: 'Each link works once: ask for a new one if you still need it.',
};

/** A sentence for an error of a link page: the problem's title and detail, and advice for the link codes. */
export function linkProblemMessage(error) {
  const problem = (error && error.problem) || {};
  return [error && error.message, problem.detail, linkAdvice[problem.code]].filter(Boolean).join(' ');
}
