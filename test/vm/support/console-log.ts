/** The VM's serial console output, keeping only the most recent part. */
export class ConsoleLog {
  private text = "";

  constructor(private readonly keepChars = 256 * 1024) {}

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.keepChars);
  }

  /** The last `lines` lines, without the terminal control sequences SeaBIOS prints. */
  tail(lines = 40): string {
    return this.text
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g, "")
      .split(/\r?\n/)
      .slice(-lines)
      .join("\n");
  }
}
