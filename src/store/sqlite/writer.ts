import { Worker } from "node:worker_threads";
import type { BatchRows } from "./batch.ts";
import type { WriterReply, WriterRequest } from "./writer-thread.ts";

/**
 * The main thread's handle on the writer thread (writer-thread.ts). Requests are answered in the
 * order they were sent, so commits land in order. The thread does not keep the process alive
 * while idle, but does while a commit is outstanding (its caller is waiting for it).
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(path: string) {
    this.worker = new Worker(new URL("./writer-thread.ts", import.meta.url), { workerData: { path } });
    this.worker.unref();
    this.worker.on("message", (reply: WriterReply) => this.settle(reply));
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", () => this.fail(new Error("the SQLite writer thread exited")));
  }

  /** True while a request is outstanding: later commits must queue behind it to keep their order. */
  get busy(): boolean {
    return this.waiting.size > 0;
  }

  /** Resolves once the rows are committed (durable), rejects if their transaction failed. */
  commit(rows: BatchRows): Promise<void> {
    return this.send({ id: this.nextId++, rows });
  }

  /** Closes the thread's connection after the commits already sent. */
  close(): Promise<void> {
    return this.send({ id: this.nextId++, close: true });
  }

  private send(request: WriterRequest): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  private settle(reply: WriterReply): void {
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.error === undefined) waiter?.resolve();
    else waiter?.reject(new Error(reply.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
