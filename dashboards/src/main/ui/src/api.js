// The public HTTP API only: whatever the UI shows, a script can get the same way.

/** Thrown with the server's own message ({"error": "..."}), so pages can show it as is. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body, contentType = 'application/json') {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] = contentType;
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `cannot reach the server (${method} ${path}): ${e.message}`);
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) throw new ApiError(res.status, (json && json.error) || `${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return json;
}

export const api = {
  query: (q) => call('POST', '/api/v1/query', q),
  compare: (q) => call('POST', '/api/v1/compare', q),
  status: () => call('GET', '/api/v1/status'),
  fields: () => call('GET', '/api/v1/fields'),
  values: (field, from, to, limit = 200) =>
    call('GET', `/api/v1/values/${encodeURIComponent(field)}?` + new URLSearchParams({ from, to, limit })),
  spans: (params) => call('GET', '/api/v1/spans?' + new URLSearchParams(params)),
  trace: (id) => call('GET', `/api/v1/traces/${encodeURIComponent(id)}`),
  prices: () => call('GET', '/api/v1/prices'),
  putPrices: (entries) => call('PUT', '/api/v1/prices', entries),
  rules: () => call('GET', '/api/v1/alert-rules'),
  // The server takes JSON or YAML; it parses and validates, and its 400 message is shown as is.
  putRule: (name, text) => call('PUT', `/api/v1/alert-rules/${encodeURIComponent(name)}`, text,
    text.trim().startsWith('{') ? 'application/json' : 'application/yaml'),
  deleteRule: (name) => call('DELETE', `/api/v1/alert-rules/${encodeURIComponent(name)}`),
  backtest: (name, from, to) => call('POST', `/api/v1/alert-rules/${encodeURIComponent(name)}/backtest`, { from, to }),
  alerts: (state) => call('GET', '/api/v1/alerts' + (state ? `?state=${state}` : '')),
  history: (from, to) => call('GET', '/api/v1/alerts/history?' + new URLSearchParams({ from, to })),
};
