// The `tx` command line. Each command lives in its own file under commands/;
// this file wires them up and turns a user's mistake into a message and an
// exit code instead of a stack trace.
import { Command, CommanderError } from 'commander';
import { UserError } from '../util/diagnostics.js';
import { register as check } from './commands/check.js';
import { register as compile } from './commands/compile.js';
import { register as data } from './commands/data.js';
import { register as draw } from './commands/draw.js';
import { register as evalCommand } from './commands/eval.js';
import { register as grad } from './commands/grad.js';
import { register as ir } from './commands/ir.js';
import { register as params } from './commands/params.js';
import { register as rollout } from './commands/rollout.js';
import { register as snapshot } from './commands/snapshot.js';
import { register as study } from './commands/study.js';
import { register as trainCommands } from './commands/train.js';
import { EXIT_ERRORS, EXIT_USAGE, ReportedErrors } from './io.js';

const program = new Command('tx')
  .description('txc: compile declarative training configurations for neural emulators to WebGPU programs')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const reg of [check, ir, draw, snapshot, params, grad, compile, data, trainCommands, evalCommand, rollout, study]) reg(program);
program.commands.forEach((c) => c.exitOverride().showHelpAfterError('(run with --help for usage)'));

// `tx compile --emit wgsl | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = exitCode(e);
}

function exitCode(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
  if (e instanceof ReportedErrors) return EXIT_ERRORS;
  if (e instanceof UserError) {
    process.stderr.write(`error: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
    return EXIT_ERRORS;
  }
  throw e;
}
