/** Parses `HOST:PORT` (an IPv6 host in brackets); undefined when it is not one. */
export function parseListenAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  return port <= 65_535 ? { host: m[1], port } : undefined;
}
