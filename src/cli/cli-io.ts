/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Standard input as text (for `secrets:set`, which never takes a value from argv). */
  readonly readStdin: () => Promise<string>;
  /**
   * Ends the process now, whatever still holds it open (`serve`, once `shutdown_timeout` has
   * passed with requests still in flight). Absent where a command runs inside another program.
   */
  readonly exit?: (code: number) => void;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    exit: (code) => process.exit(code),
  };
}

/** A command: parses its own arguments, returns the exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}
