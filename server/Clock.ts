/**
 * The workspace's clock: what it says stamps every record (comments,
 * versions, audit entries, new documents and accounts) and decides every
 * deadline and expiry (comment periods, sessions, the login throttle's
 * window). One clock is given to `Workspace`, which hands it to each part;
 * tests that cross a deadline move a clock of their own instead of sleeping,
 * and the demo seeds 2021 with one. Timers that only pace work (the storage
 * debounce, message rates) run on `Collaboration`'s monotonic clock instead.
 */
export type Clock = () => Date

/** The wall clock. */
export const systemClock: Clock = () => new Date()
