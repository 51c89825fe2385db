/**
 * Whether this process is still seeding the demo business, for /healthz: the server answers
 * while it seeds (the emulator's webhooks need it listening), so a caller can tell a ready
 * server from one still preparing demo data.
 */
let preparing: number | null = null;

/** `{ demo: "preparing", progress }` while seeding; nothing once done (or never started). */
export function demoHealth(): { demo?: "preparing"; progress?: number } {
  return preparing === null ? {} : { demo: "preparing", progress: preparing };
}

/** Seeding is at `fraction` (0–1); null when it is over. */
export function setDemoProgress(fraction: number | null): void {
  preparing = fraction === null ? null : Math.floor(fraction * 100) / 100;
}
