import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Store } from "../store/types.ts";
import { type App, createApp, newServerContext, type ServerContext } from "./app.ts";
import { WEB_DIST } from "./static.ts";

export { type App, createApp, newServerContext, type ServerContext } from "./app.ts";
export { JobBoard, type ServerJob } from "./jobs.ts";
export { WEB_DIST } from "./static.ts";

export interface ServeOptions {
  store: Store;
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: only this machine reaches the server unless asked otherwise. */
  host?: string;
  modelId?: string;
  webDir?: string;
  /** The script participants are interviewed with (default: the American Voices Project's topics). */
  interviewScript?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  app: App;
  ctx: ServerContext;
  /** Stops taking connections and waits for background work to end. */
  close(): Promise<void>;
}

/** `populace serve`: the app on a real port. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const ctx = newServerContext({
    store: o.store,
    dataDir: o.dataDir,
    modelId: o.modelId,
    webDir: o.webDir ?? WEB_DIST,
    interviewScript: o.interviewScript,
  });
  const app = createApp(ctx);
  const host = o.host ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: o.port ?? 0, hostname: host }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown === "0.0.0.0" ? "127.0.0.1" : shown}:${port}`,
    port,
    app,
    ctx,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await ctx.jobs.idle();
    },
  };
}
