// One fetch for every call to the platform: the bearer token, JSON in and
// out, and the platform's error body ({"error": {"code", "message", "details"}})
// turned into an ApiError the pages can explain.

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? {};
  }

  /** The platform answers 412 when If-Match names a version that is no longer current. */
  get isConflict(): boolean {
    return this.status === 412;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

/** The server could not be reached at all (down, or CORS refused the origin). */
export class NetworkError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach ${new URL(url).origin}`, { cause });
    this.name = 'NetworkError';
  }
}

export interface Reply<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  token: string | null;
  signal?: AbortSignal;
}

export async function call<T>(url: string, options: RequestOptions): Promise<Reply<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      // Never send cookies to the APIs: the bearer token is the only credential.
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError(url, error);
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (!response.ok) {
    throw new ApiError(response.status, errorBody(parsed, response));
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorBody(parsed: unknown, response: Response): ApiErrorBody {
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
    const error = parsed.error;
    if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
      return error as ApiErrorBody;
    }
  }
  return { code: `http_${response.status}`, message: response.statusText || 'request failed' };
}

/** A sentence for a person, from any error a call can throw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isUnauthorized) return 'Your token was refused (expired or invalid). Sign in again.';
    if (error.isForbidden) return `Not allowed: ${error.message}`;
    return `${error.message} (${error.code}, HTTP ${error.status})`;
  }
  if (error instanceof NetworkError) {
    return `${error.message}: is the service running, and does its CORS_ALLOWED_ORIGINS list this console's origin?`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
