/**
 * The seeding progress bar: redrawn in place on a terminal, a line every few seconds in a log.
 */
export class ProgressBar {
  private lastLine = 0;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly width = 30,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  update(fraction: number, label: string): void {
    const clamped = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(clamped * this.width);
    const line = `Preparing demo data [${"#".repeat(filled)}${"-".repeat(this.width - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}% ${label}`;
    if (this.tty) {
      this.out.write(
        `\r${line.slice(0, (this.out.columns || 120) - 1).padEnd(Math.min(this.out.columns || 120, 120) - 1)}`,
      );
    } else if (Date.now() - this.lastLine >= 5000) {
      this.lastLine = Date.now();
      this.out.write(`${line}\n`);
    }
  }

  done(message: string): void {
    this.out.write(
      this.tty
        ? `\r${message.padEnd(Math.min(this.out.columns || 120, 120) - 1)}\n`
        : `${message}\n`,
    );
  }
}
