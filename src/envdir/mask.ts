// Hides secrets in values shown to people (`svrun env`), keeping enough to check an edit.

const SECRET_NAME = /KEY|SECRET|PASSWORD|PASSWD|TOKEN/i;
// scheme://user:password@ — greedy up to the last '@' before the path, so "p@ss" is masked whole.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/]+@/gi;

/** What a value stored in the named variable may show: `****` for secret names, URLs without their password. */
export function maskValue(name: string, value: string): string {
  // An empty secret is shown as empty: that is a mistake worth seeing, and leaks nothing.
  if (SECRET_NAME.test(name)) return value === '' ? '' : '****';
  return value.replace(URL_PASSWORD, '$1:****@');
}

