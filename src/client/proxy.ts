/**
 * Which proxy (if any) a request to `target` goes through, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY
 * (either case), as curl reads them: the scheme of the target picks the variable; NO_PROXY lists
 * hosts or domain suffixes (`.example.com` or `example.com`), optionally with a port, or `*`.
 */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): string | undefined {
  const get = (name: string) => env[name] ?? env[name.toLowerCase()];
  const proxy = target.protocol === "https:" ? get("HTTPS_PROXY") : get("HTTP_PROXY");
  if (!proxy) return undefined;
  const noProxy = (get("NO_PROXY") ?? "")
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const entry of noProxy) {
    if (entry === "*") return undefined;
    const [entryHost, entryPort] = entry.startsWith("[")
      ? [entry.slice(1, entry.indexOf("]")), entry.split("]:")[1]]
      : entry.split(":");
    if (entryPort && entryPort !== port) continue;
    const suffix = entryHost!.replace(/^\*?\./, "");
    if (host === suffix || host.endsWith(`.${suffix}`)) return undefined;
  }
  return proxy;
}
