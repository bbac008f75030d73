// The page's handle on the compiler worker. A compile that is still running
// when the text changes again is abandoned with its worker (a worker cannot be
// interrupted mid-function, and a long rollout compiles for seconds), so the
// latest text is always the next one compiled.
import type { CompileRequest, Compiled, Request, RunInput, Tab, View } from './compile-job.js';
import type { StageName } from '../../src/driver/compile.js';
import type { WorkerReply } from './worker.js';

/** The compiler failed on its own: a bug to report, with its message. */
export class CompilerBug extends Error {}

/** A request answered by nothing: a newer compile replaced the worker. */
export class Superseded extends Error {}

type Pending = { resolve(r: WorkerReply): void; reject(e: Error): void };

export class CompilerWorker {
  private worker: Worker | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 0;
  /** The compile in flight, if any. */
  private compiling: number | undefined;

  constructor(private readonly url: URL) {}

  /** Compiles `req`; rejects with Superseded when a later compile replaced this one. */
  async compile(req: Omit<CompileRequest, 'type'>): Promise<Compiled> {
    if (this.compiling !== undefined) this.restart();
    const id = (this.compiling = this.nextId);
    try {
      return (await this.send({ type: 'compile', ...req })) as Compiled;
    } finally {
      if (this.compiling === id) this.compiling = undefined;
    }
  }

  async view(tab: Tab, stage: StageName): Promise<View> {
    return (await this.send({ type: 'view', tab, stage })) as View;
  }

  /** The last compiled spec's program, for a training run. */
  async runInput(): Promise<RunInput> {
    return (await this.send({ type: 'run' })) as RunInput;
  }

  private send(req: Request): Promise<WorkerReply> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, req });
    });
  }

  private start(): Worker {
    const w = new Worker(this.url, { type: 'module' });
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      const p = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      if (!p) return;
      if (e.data.type === 'error') p.reject(new CompilerBug(e.data.message));
      else p.resolve(e.data);
    };
    w.onerror = (e) => {
      e.preventDefault();
      this.failAll(new CompilerBug(e.message || 'the compiler worker failed to start'));
      this.worker = undefined;
    };
    return w;
  }

  private restart(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new Superseded());
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
