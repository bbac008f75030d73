// The compiler's Web Worker: every request of compile-job.ts, answered in
// order. A throw here is a compiler bug; the page says so.
import { handle, type Request } from './compile-job.js';

export type WorkerReply = { id: number } & (ReturnType<typeof handle> | { type: 'error'; message: string });

self.onmessage = (e: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = e.data;
  let reply: WorkerReply;
  try {
    reply = { id, ...handle(req) };
  } catch (err) {
    reply = { id, type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  self.postMessage(reply);
};
