// The members of one GPU training program, each seen as a program of its
// own: what a GpuExecutor drives, whether its run trains alone or as one
// member of an ensemble (codegen/members.ts). Every member's trainer loop
// runs as a single run's would; the program steps once every member still
// training has asked for that step, so the loops move in lockstep, each up
// to its executor's lag ahead of the losses it has taken, and a loop that
// waits for a loss lets the others reach the step that produces it.
import type { GpuTrainProgram } from '../runtime/gpu/train-program.js';

/** One member's part of a training program. */
export interface MemberProgram {
  readonly maxBatch: number;
  readonly pipelineCount: number;
  /** Floats in one region of its state: every parameter of its emulator. */
  readonly parameterCount: number;
  /** Floats each of its steps logs (GpuTrainProgram.loggedFloats). */
  readonly loggedFloats: number;
  /** Asks for its next step on `windows`; the program runs it once every member training has asked. */
  step(windows: readonly number[], lr: number, c1: number, c2: number): void;
  /** What its oldest steps not read yet logged, in order; undefined when it asked for none. */
  nextLosses(): Promise<Float32Array | undefined>;
  /** Its state's values (GpuTrainProgram.readState), after every step it asked for that ran. */
  readState(): Promise<Float32Array<ArrayBuffer>>;
  writeState(values: Float32Array<ArrayBuffer>): void;
  /** Its run is over: it asks for no more steps, and the steps the others go on with leave its state as it is. */
  finish(): void;
  /** Frees the program once every member is done with it. */
  destroy(): void;
  /** The whole program, for what times it (the bench's profiles); a single run's only. */
  readonly program: GpuTrainProgram;
}

interface Ask {
  windows: readonly number[];
  lr: number;
  c1: number;
  c2: number;
}

/** The members of `program`, in order. */
export function membersOf(program: GpuTrainProgram): MemberProgram[] {
  const lockstep = new Lockstep(program);
  return [...Array(program.members).keys()].map((m) => lockstep.member(m));
}

class Lockstep {
  /** Per member: the steps it asked for that have not run. */
  private readonly asked: Ask[][];
  private readonly training: boolean[];
  /** Per member: what its steps that ran logged, not taken yet. */
  private readonly logs: Float32Array[][];
  private ran = 0;
  private read = 0;
  private reading: Promise<void> = Promise.resolve();
  /** Members waiting for a step to run. */
  private waiting: (() => void)[] = [];
  private alive: number;

  constructor(private readonly program: GpuTrainProgram) {
    const E = program.members;
    this.asked = [...Array(E)].map(() => []);
    this.training = Array<boolean>(E).fill(true);
    this.logs = [...Array(E)].map(() => []);
    this.alive = E;
  }

  member(m: number): MemberProgram {
    const p = this.program;
    const k = p.loggedFloats;
    const stride = p.memberStateFloats;
    const all = p.members === 1;
    return {
      maxBatch: p.maxBatch,
      pipelineCount: p.pipelineCount,
      parameterCount: p.parameterCount,
      loggedFloats: k,
      step: (windows, lr, c1, c2) => {
        this.asked[m]!.push({ windows, lr, c1, c2 });
        this.run();
      },
      nextLosses: () => this.next(m),
      readState: async () => {
        const values = await p.readState();
        return all ? values : values.slice(m * stride, (m + 1) * stride);
      },
      writeState: (values) => p.writeState(values, m),
      finish: () => {
        if (!this.training[m]) return;
        this.training[m] = false;
        this.asked[m] = [];
        this.logs[m] = [];
        p.halt(m);
        this.run();
      },
      destroy: () => {
        if (--this.alive === 0) p.destroy();
      },
      get program() {
        if (!all) throw new Error('internal: a member of an ensemble timed alone');
        return p;
      },
    };
  }

  /** Runs every step each member in training has asked for. */
  private run(): void {
    const live = [...this.training.keys()].filter((m) => this.training[m]);
    while (live.length && live.every((m) => this.asked[m]!.length)) {
      const asks = live.map((m) => this.asked[m]!.shift()!);
      const [first] = asks as [Ask];
      if (asks.some((a) => a.lr !== first.lr || a.c1 !== first.c1 || a.c2 !== first.c2)) throw new Error('internal: the members of an ensemble asked for different steps');
      // A member that is done gets another's windows: its state is halted.
      const windows = this.training.map((t, m) => (t ? asks[live.indexOf(m)]!.windows : first.windows));
      this.program.step(windows, first.lr, first.c1, first.c2);
      this.ran++;
      const waiting = this.waiting;
      this.waiting = [];
      for (const w of waiting) w();
    }
  }

  private async next(m: number): Promise<Float32Array | undefined> {
    for (;;) {
      const logs = this.logs[m]!;
      if (logs.length) {
        this.logs[m] = [];
        const out = new Float32Array(logs.reduce((a, l) => a + l.length, 0));
        logs.reduce((at, l) => (out.set(l, at), at + l.length), 0);
        return out;
      }
      if (this.read < this.ran) await this.readGroup();
      else if (this.asked[m]!.length) await new Promise<void>((r) => this.waiting.push(r));
      else return undefined;
    }
  }

  /** Reads the oldest group of logged steps into each member's logs, one read at a time. */
  private readGroup(): Promise<void> {
    this.reading = this.reading.then(async () => {
      if (this.read >= this.ran) return;
      const group = await this.program.nextLosses();
      if (!group) throw new Error('internal: a step ran whose log never came');
      const k = this.program.loggedFloats;
      const E = this.program.members;
      const steps = group.length / (E * k);
      for (let s = 0; s < steps; s++)
        for (let m = 0; m < E; m++) if (this.training[m]) this.logs[m]!.push(group.subarray((s * E + m) * k, (s * E + m + 1) * k));
      this.read += steps;
    });
    return this.reading;
  }
}
