// A small client of the server's HTTP API (bearer token, JSON), answering status and body instead of throwing on 4xx.

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request(method: "GET" | "PUT" | "POST", path: string, body?: unknown): Promise<ApiAnswer> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text, which says what went wrong
    }
    return { status: response.status, body: parsed };
  }

  get(path: string): Promise<ApiAnswer> {
    return this.request("GET", path);
  }

  /** Every page of a keyset-paged list (`items`, `nextCursor`). */
  async *pages<T>(path: string): AsyncGenerator<T[]> {
    let cursor: string | null = null;
    do {
      const url: string = cursor === null ? path : `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`;
      const answer = await this.get(url);
      if (answer.status !== 200) throw new Error(`GET ${url}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      const page = answer.body as { items: T[]; nextCursor: string | null };
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
}

/** The `error.message` of an API error body, for notes. */
export function errorText(answer: ApiAnswer): string {
  const message = (answer.body as { error?: { message?: string } } | undefined)?.error?.message;
  return `HTTP ${answer.status}${message !== undefined ? `: ${message}` : ""}`;
}
