// The API origins the console talks to, from the server's /config.json
// (console-server fills it from CONSOLE_*_URL), so one build runs anywhere.

export interface ConsoleConfig {
  command_api_url: string;
  query_api_url: string;
  projector_url: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`/config.json answered HTTP ${response.status}`);
  const config = (await response.json()) as Partial<ConsoleConfig>;
  for (const key of ['command_api_url', 'query_api_url', 'projector_url'] as const) {
    if (typeof config[key] !== 'string' || config[key] === '') {
      throw new Error(`/config.json has no ${key}`);
    }
  }
  return {
    command_api_url: trimSlash(config.command_api_url as string),
    query_api_url: trimSlash(config.query_api_url as string),
    projector_url: trimSlash(config.projector_url as string),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
