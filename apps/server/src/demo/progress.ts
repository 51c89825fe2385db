/**
 * The seeding progress bar: redrawn in place on a terminal, otherwise a line every few seconds
 * through `printLine` (logs, tests).
 */
export class ProgressBar {
  private lastLine = 0;

  constructor(
    private readonly printLine: (line: string) => void,
    private readonly tty?: NodeJS.WriteStream,
    private readonly width = 30,
  ) {}

  update(fraction: number, label: string): void {
    const clamped = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(clamped * this.width);
    const bar = `${"#".repeat(filled)}${"-".repeat(this.width - filled)}`;
    const line = `Preparing demo data [${bar}] ${String(Math.floor(clamped * 100)).padStart(3)}% ${label}`;
    if (this.tty) {
      this.tty.write(`\r${line.slice(0, this.columns()).padEnd(this.columns())}`);
    } else if (Date.now() - this.lastLine >= 5000) {
      this.lastLine = Date.now();
      this.printLine(line);
    }
  }

  done(message: string): void {
    if (this.tty) this.tty.write(`\r${message.padEnd(this.columns())}\n`);
    else this.printLine(message);
  }

  private columns(): number {
    return Math.min(this.tty?.columns ?? 120, 120) - 1;
  }
}
