// A small user-agent reader for the session list: enough to tell "Firefox on Windows" from
// "Safari on iPhone". It only labels sessions for their owner; nothing relies on it for security.

const browsers = [
  [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/SamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/FxiOS\/(\d+)/, 'Firefox'],
  [/CriOS\/(\d+)/, 'Chrome'],
  [/Chromium\/(\d+)/, 'Chromium'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/curl\/([\d.]+)/, 'curl'],
];

const systems = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** Describes a user agent as "Browser version on System", e.g. "Firefox 128 on Windows". */
export function describeUserAgent(userAgent) {
  if (!userAgent) return 'Unknown device';
  let browser = null;
  for (const [pattern, name] of browsers) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1] ?? null;
  if (browser && system) return `${browser} on ${system}`;
  if (browser || system) return browser || system;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}

/** Whether the user agent is a phone or tablet. */
export function isMobile(userAgent) {
  return /Mobile|Android|iPhone|iPad/.test(userAgent || '');
}
